"""Autoescaping that remembers the escaped form of short texts for the build.

Every ``{{ value }}`` of an autoescaped template calls MarkupSafe's ``escape``, which
makes a new ``Markup`` of the escaped text: a million calls in a cold build of 2,000
articles, most of them for the same few thousand texts (the site's name, the labels,
the titles, dates and addresses of the articles each list page shows).  The templates
of a patched environment call :func:`escape` instead, which gives the ``Markup`` made
the first time for a plain ``str`` (a ``Markup`` cannot change, so one object can be
shown by every page) and hands every other value to MarkupSafe.
"""

from jinja2.environment import Template
from markupsafe import escape as markupsafe_escape

# Texts longer than this are escaped each time (an article's summary, shown once or
# twice): remembering them would keep them alive for nothing.
REMEMBERED_LENGTH = 256
# The memo is emptied when it holds this many texts (about 3 MB).
REMEMBERED_TEXTS = 20_000

_escaped = {}


def escape(value):
    """MarkupSafe's ``escape``, remembered for short ``str`` values."""
    if value.__class__ is not str:  # Markup (already safe), numbers, objects…
        return markupsafe_escape(value)
    found = _escaped.get(value)
    if found is None:
        found = markupsafe_escape(value)
        if len(value) <= REMEMBERED_LENGTH:
            if len(_escaped) >= REMEMBERED_TEXTS:
                _escaped.clear()
            _escaped[value] = found
    return found


def forget_escaped():
    """Let the remembered texts go (between builds of one process)."""
    _escaped.clear()


class MemoEscapeTemplate(Template):
    """A template whose compiled code escapes with :func:`escape`."""

    @classmethod
    def _from_namespace(cls, environment, namespace, globals):  # noqa: A002 — Jinja's name
        # The compiled code took ``escape`` from ``jinja2.runtime`` into its namespace;
        # its functions look the name up there each time they run.
        if "escape" in namespace:
            namespace["escape"] = escape
        return super()._from_namespace(environment, namespace, globals)


def remember_escaped_texts(env):
    """Have the templates ``env`` loads from now on escape with :func:`escape`."""
    if env.template_class is Template:
        env.template_class = MemoEscapeTemplate
