"""What a page's template read while it rendered, and whether that is still the same.

While a page renders, a :class:`Trace` notes

- every name the template looked up in its context (``articles``, ``SITENAME``,
  ``article``…), with the value it got;
- every attribute it read from a content object (``article.title``,
  ``related.url``), through Jinja's ``getattr`` and ``getitem``;
- every content object handed whole to a filter, a test, a global function or a
  method of the object, which may read any of its fields.

A page whose every noted read gives the same digest in the next build renders to the
same bytes (templates, filters and settings being the same, which the caller checks
with one fingerprint for the build), so it need not be rendered again.  This is a
"verifying trace" in the sense of *Build systems à la carte* (Mokhov et al., 2018).

What is not traced, and so must not change a page without changing one of its reads:
a template reading the clock or a file itself (use the values the plugins computed:
``TINHOI_NOW``, the event lists), and Python code other than a filter, test, global or
method that reads articles while a page renders.  Content objects handed to a filter
are looked for in its arguments, in lists, dicts and paginator pages three levels deep;
deeper, they are not.  An argument that is an iterator (``articles|selectattr(…)``) is
made a list before the function gets it; an iterator inside a list or dict makes the
page one that is rendered by every build.  ``RENDER_CACHE = False`` renders every page.
"""

import functools
from collections.abc import Iterator

from jinja2 import Environment
from jinja2.runtime import Context, LoopContext, Undefined, missing
from pelican.contents import Content
from pelican.paginator import Page

_current = None  # the trace of the page rendering now (rendering is single-threaded)


class Trace:
    """The reads of one page rendered with ``localcontext`` (and the ``env_globals``)."""

    def __init__(self, localcontext, env_globals):
        self.root, self.env_globals = localcontext, env_globals
        self.names = {}
        self.objects = {}  # {id: (content object, {attribute names read})}
        self.wholes = {}
        self.refused = False

    def name(self, key, value):
        """A template looked ``key`` up and got ``value``.  Only values from the page's
        own context count: an included template or a macro also sees the variables its
        caller set, and those follow from reads already noted."""
        if key in self.names:
            return
        root = self.root[key] if key in self.root else self.env_globals.get(key, missing)
        if value is root:
            self.names[key] = value

    def attribute(self, obj, name):
        """The template read ``obj.name`` (``obj`` a content object)."""
        read = self.objects.get(id(obj))
        if read is None:
            read = self.objects[id(obj)] = (obj, set())
        read[1].add(name)

    def whole(self, obj):
        """``obj`` (a content object) went whole to code that may read any field."""
        self.wholes.setdefault(id(obj), obj)

    def refuse(self):
        """Something the page used cannot be traced (an iterator inside a filter's
        argument): the page is rendered again by every build."""
        self.refused = True


def tracing(trace):
    """Make ``trace`` the current trace (``None`` to stop); return the previous one."""
    global _current
    previous, _current = _current, trace
    return previous


class TracingContext(Context):
    """A Jinja context noting the names a template takes from its parent context."""

    def resolve_or_missing(self, key):
        """Look ``key`` up as Jinja does, noting reads from the page's context."""
        if key in self.vars:
            return self.vars[key]
        value = self.parent[key] if key in self.parent else missing
        if _current is not None:
            _current.name(key, value)
        return value


# The attributes of a plain dict, which ``dict.name`` in a template reads before its keys.
DICT_ATTRIBUTES = frozenset(dir(dict))


def _is_iterator(value):
    # (Not a loop's ``loop``, which Jinja's own ``for`` still steps through.)
    return isinstance(value, Iterator) and not isinstance(value, LoopContext)


def _listed(value):
    """``value``, or the list of its items when it is an iterator (a generator)."""
    return list(value) if _is_iterator(value) else value


def _note_arguments(args, kwargs):
    """Note the content objects among a function's arguments; whether one of the
    arguments is an iterator (to be made a list, and noted again)."""
    iterator = False
    for value in (*args, *kwargs.values()):
        iterator = _note_contents(value, ARGUMENT_DEPTH) or iterator
    return iterator


# How deep the content objects inside a filter's arguments are looked for: an article
# list, a ``{year: [articles]}`` index, a paginator page holding its articles.
ARGUMENT_DEPTH = 3


def _note_contents(value, depth):
    """Note the content objects in ``value``, ``depth`` levels down; ``True`` when
    ``value`` is an iterator given to the function itself (an iterator deeper, which
    cannot be looked into without taking its items from the function, makes the page
    one rendered by every build)."""
    if isinstance(value, Content):
        _current.whole(value)
    elif depth <= 0 or isinstance(value, (str, bytes, int, float)):
        return
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _note_contents(item, depth - 1)
    elif isinstance(value, dict):
        for item in value.values():
            _note_contents(item, depth - 1)
    elif isinstance(value, Page):  # a paginator page: the articles it shows
        _note_contents(value.object_list, depth - 1)
    elif _is_iterator(value):
        if depth == ARGUMENT_DEPTH:
            return True
        _current.refuse()
    return False


def _traced_callable(function):
    """``function`` noting the content objects it is given (Jinja's own filters read
    attributes through the environment, which is traced already).  An iterator among its
    arguments (what ``selectattr``, ``map`` or ``batch`` give) is made a list first, its
    items taken while the page is traced, so that the articles in it are noted: the
    function reads them in Python, where no read is traced."""
    if getattr(function, "_render_traced", False):
        return function

    @functools.wraps(function)
    def traced(*args, **kwargs):
        if _current is not None and _note_arguments(args, kwargs):
            args = tuple(map(_listed, args))
            kwargs = {key: _listed(value) for key, value in kwargs.items()}
            _note_arguments(args, kwargs)
        return function(*args, **kwargs)

    traced._render_traced = True
    return traced


def _is_jinja_builtin(function):
    """Jinja's own filters (and the Python built-ins it uses, like ``len`` for
    ``length``) read objects through the traced environment, or not at all."""
    module = getattr(function, "__module__", "") or ""
    return module.startswith("jinja2") or module == "builtins"


def _is_method(value):
    return callable(value) and not isinstance(value, (type, Undefined))


def patch_environment(env):
    """Trace every template of ``env`` (once per environment)."""
    if getattr(env, "_render_traced", False):
        return
    env._render_traced = True
    env.context_class = TracingContext
    plain_getattr, plain_getitem = env.getattr, env.getitem
    # Jinja's own ``getattr`` tries the attribute first: done here, without a call
    # (a cold build of 2,000 articles reads 750,000 attributes in its templates).
    jinja_getattr = getattr(type(env), "getattr", None) is Environment.getattr

    def getattr_traced(obj, attribute):
        if type(obj) is dict and attribute not in DICT_ATTRIBUTES:
            # Jinja tries ``getattr`` first, which on a plain dict fails (raising and
            # catching AttributeError) unless the name is one of dict's own: the key is
            # looked up at once instead, as Jinja then does (``event.type``: 780,000
            # times in a build of 2,000 articles).
            try:
                return obj[attribute]
            except KeyError:
                pass  # Jinja's own path gives the undefined value
        if jinja_getattr:
            try:
                value = getattr(obj, attribute)
            except AttributeError:
                value = plain_getattr(obj, attribute)  # an item, or undefined
        else:
            value = plain_getattr(obj, attribute)
        if _current is not None and isinstance(obj, Content):
            if _is_method(value):
                _current.whole(obj)  # a method may read anything
            else:
                _current.attribute(obj, attribute)
        return value

    def getitem_traced(obj, argument):
        value = plain_getitem(obj, argument)
        if _current is not None and isinstance(obj, Content):
            if isinstance(argument, str) and not _is_method(value):
                _current.attribute(obj, argument)
            else:
                _current.whole(obj)
        return value

    env.getattr, env.getitem = getattr_traced, getitem_traced
    env.plain_getattr = plain_getattr
    for table in (env.filters, env.tests):
        for key, function in list(table.items()):
            if not _is_jinja_builtin(function):
                table[key] = _traced_callable(function)
    for key, value in list(env.globals.items()):
        if callable(value) and not isinstance(value, type) and not _is_jinja_builtin(value):
            env.globals[key] = _traced_callable(value)


def read_attribute(env, obj, name):
    """``obj.name`` read as the template read it."""
    return getattr(env, "plain_getattr", env.getattr)(obj, name)


# The sorted tuple of each set of attribute names read from one object: a few kinds of
# them (an article's card, its entry in an event list, its own page) make every read.
_attribute_sets = {}


def attribute_names(names):
    """``names`` (a set of attribute names) as one shared sorted tuple."""
    key = frozenset(names)
    found = _attribute_sets.get(key)
    if found is None:
        found = _attribute_sets[key] = tuple(sorted(key))
    return found


def entries(trace, fingerprinter, env, scope, recall=None):
    """The reads of ``trace`` as digests: ``[(kind, key, digest)]``, or ``None`` when
    one of them cannot be digested (the page is then always rendered).

    The attributes read from one content object are one entry, ``("g", (identity,
    names), digest)``, whose digest changes when any of theirs does: a list page reads
    the same few fields of each article it shows, and one entry per article (50,000 in
    a build of 2,000 articles) costs less to make, keep and check than one per field
    (230,000).  ``scope`` is what an attribute's value may depend on besides the
    object: Pelican's ``localsiteurl``, which makes the links in ``article.content``
    relative to the page.  ``recall`` gives the digests of reads already made by other
    pages of the build (see :meth:`.Fingerprinter.attributes`)."""
    if trace.refused:
        return None
    digest, name_of = fingerprinter.digest, fingerprinter.identity
    found = [("n", key, digest(value)) for key, value in trace.names.items()]
    read = _reader(env)
    for obj, names in trace.objects.values():
        identity_ = name_of(obj)
        if identity_ is None:
            return None
        names = attribute_names(names)
        found.append(("g", (identity_, names),
                      fingerprinter.attributes(obj, names, read, scope, recall)))
    for obj in trace.wholes.values():
        identity_ = name_of(obj)
        if identity_ is None:
            return None
        found.append(("w", identity_, whole_digest(fingerprinter, env, obj, scope)))
    if any(entry[2] is None for entry in found):
        return None
    # Keys of one kind are of one type (names and identities: text; attributes: pairs
    # of text and a tuple of text) and unique in a page, so the entries sort as they
    # are, in C.
    found.sort()
    return found


def _reader(env):
    """``read(obj, name)`` for ``env``'s templates (made once per environment)."""
    read = getattr(env, "_render_reader", None)
    if read is None:
        read = env._render_reader = functools.partial(read_attribute, env)
    return read


def whole_digest(fingerprinter, env, obj, scope):
    """The digest of every field of ``obj``."""
    return fingerprinter.whole(obj, _reader(env), scope)
