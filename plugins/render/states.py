"""What each content object is made of, as one digest: the reads of an article whose
state did not change need no check.

After an edit, the render memo checks every read the last build's pages made of every
article (:meth:`.memo.RenderMemo._stale_reads`): it reads each attribute again and
digests it, rendering each body's links and each article's JSON-LD to do so, for the
one article that changed.  Instead, each content object's state (every attribute Pelican
and the plugins gave it, once their passes are done) is turned into plain data here and
digested by its ``marshal`` bytes;
what a template reads of an article follows from that state, the settings and the
templates (which the build's fingerprint holds; an article with settings of its own has
no state here) and the page's ``localsiteurl`` (the read's scope), except for the links
to other content in its body, which Pelican makes from the context when the body is
read: an article whose body has such a link (a photo's ``{static}`` included) is always
checked (:func:`links_free`).

In that data, a content object another one refers to (a related article, the next
one) stands for its identity (its own reads are checked by its own state), a tag,
category or author for its kind, name and slug (as the pages' digests take them), and
any other object (an organisation, an event page) for the digest of its class and
attributes, made once for the build: an organisation's list of entries is digested once,
not once for each of its articles.  An object saying what shapes it
(``state_fingerprint()``, or ``render_fingerprint()``, which the pages' digests use)
stands for that; a date for its ``repr``, a set for its sorted items.  A state that
holds anything else (an object without attributes, a ``repr`` naming an address, a
cycle through plain objects) has no digest: that article's reads are checked as before.
"""

import hashlib
import marshal
import re
import types

from pelican.contents import Content
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import URLWrapper

from .fingerprint import PICKLED_BY_REPR, SKIPPED_ATTRIBUTES, code_digest, identity

# What a content object's state leaves out: the build's settings (checked to be those)
# and context (which only the links in its body read, see :func:`links_free`).
CONTENT_SKIPPED = frozenset({"settings", "_context"})
# The exact types marshal writes as they are (format 2: no references back, so equal
# values give equal bytes whichever of them are one object).
ATOMS = frozenset({str, bytes, int, float, bool, type(None), complex})
# Values written by their type and ``repr`` (as the pages' digests take them).
BY_REPR = (*PICKLED_BY_REPR, re.Pattern)
# With Pelican's own pattern for links to other content (``{filename}``, ``|static|``…),
# a body can hold one only where a quoted attribute value starts with ``{`` or ``|``.
DEFAULT_LINK_PATTERN = DEFAULT_CONFIG["INTRASITE_LINK_REGEX"]
LINK_STARTS = ('"{', '"|', "'{", "'|")


class _UnsteadyError(Exception):
    """A value whose state cannot be summed up here."""


class ContentStates:
    """The digests of content objects' states for one build (see the module's text).

    A state is turned into plain data (:meth:`_plain`) and digested by its ``marshal``
    bytes.  What each other object stands for is remembered by ``id`` (and the object
    kept alive) while this is in use: the objects must not change meanwhile.
    """

    def __init__(self, settings):
        self._settings = settings
        self._objects = {}  # {id: (object, what it stands for)}
        self._visiting = set()

    def of(self, content):
        """The digest of ``content``'s state, or ``None`` when it cannot be made (or it
        has settings of its own, not the build's, which its fingerprint holds)."""
        attributes = vars(content)
        if attributes.get("settings", self._settings) is not self._settings:
            return None
        try:
            fields = [(name, self._plain(value)) for name, value in attributes.items()
                      if name not in CONTENT_SKIPPED]
            return _digest((type(content).__module__, type(content).__qualname__, fields))
        except (_UnsteadyError, RecursionError):
            return None

    def _plain(self, value):
        """``value`` as plain data for marshal (raises :class:`_UnsteadyError`)."""
        kind = type(value)
        if kind in ATOMS:
            return value
        if kind is list or kind is tuple:
            # Most lists in a state hold tags or articles: marshal is tried only on a
            # list that starts with plain data.
            if value and type(value[0]) in ATOMS and _marshalled(value) is not None:
                return value
            return (kind.__name__, [self._plain(item) for item in value])
        if kind is dict:
            if _marshalled(value) is not None:
                return value
            return ("dict", [(self._plain(key), self._plain(item))
                             for key, item in value.items()])
        known = self._objects.get(id(value))
        if known is None:
            known = self._objects[id(value)] = (value, self._stand_in(value))
        return known[1]

    def _stand_in(self, value):
        """What an object other than plain data stands for in a state."""
        if isinstance(value, Content):
            return ("content", identity(value))  # its reads follow from its own state
        if isinstance(value, URLWrapper):  # as the pages' digests take it
            return ("wrapper", type(value).__name__, value.name, value.slug)
        if isinstance(value, str):  # Markup and other kinds of text
            return (type(value).__qualname__, str.__str__(value))
        if isinstance(value, BY_REPR):
            text = repr(value)
            if " at 0x" in text:  # a repr naming the object's address changes
                raise _UnsteadyError
            return (type(value).__qualname__, text)
        if isinstance(value, (set, frozenset)):
            try:
                items = sorted(self._plain(item) for item in value)
            except TypeError:  # items that cannot be ordered
                raise _UnsteadyError from None
            return (type(value).__qualname__, items)
        if isinstance(value, (list, tuple, dict)):  # a subclass: with its class
            return (type(value).__qualname__, self._plain(
                dict(value) if isinstance(value, dict) else list(value)))
        if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type)):
            return ("code", code_digest(value))  # by its code, as the pages' digests
        return ("object", self._object_digest(value))

    def _object_digest(self, obj):
        if id(obj) in self._visiting:
            raise _UnsteadyError  # a cycle through plain objects
        self._visiting.add(id(obj))
        try:
            declared = (getattr(obj, "state_fingerprint", None)
                        or getattr(obj, "render_fingerprint", None))
            if callable(declared):
                return _digest(("declared", type(obj).__qualname__, self._plain(declared())))
            try:
                attributes = vars(obj)
            except TypeError:
                raise _UnsteadyError from None  # no attributes to sum it up by
            fields = sorted((name, self._plain(value)) for name, value in attributes.items()
                            if name not in SKIPPED_ATTRIBUTES)
            return _digest((type(obj).__module__, type(obj).__qualname__, fields))
        finally:
            self._visiting.discard(id(obj))


def _marshalled(value):
    """``value``'s marshal bytes when it holds only plain data, else ``None``.  (A set's
    order changes from one process to the next: a state holding one may have other
    bytes in the next build, and its reads are then checked.  That is all.)"""
    try:
        return marshal.dumps(value, 2)
    except ValueError:
        return None


def _digest(plain):
    data = _marshalled(plain)
    if data is None:
        raise _UnsteadyError
    return hashlib.blake2b(data, digest_size=16).digest()


def links_free(content):
    """Whether ``content``'s body holds no link to other content, which Pelican makes
    from the build's context each time the body is read (``Content._update_content``):
    its reads then follow from its state alone."""
    if getattr(content, "_get_content", None) is not None:
        return False  # a body made by code of its own
    try:
        body = content._content
    except AttributeError:
        return False
    if not isinstance(body, str):
        return False
    if content.settings.get("INTRASITE_LINK_REGEX") == DEFAULT_LINK_PATTERN:
        return not any(start in body for start in LINK_STARTS)
    return content._get_intrasite_link_regex().search(body) is None
