"""Digests of the values a template reads, stable from one build to the next.

A digest is 16 bytes of BLAKE2b over a canonical encoding of a value, or ``None``
when the value cannot be summed up reliably (an iterator, an object with no
attributes to read): a page that read such a value is always rendered again.

An object may say what of it shapes the pages it is used for with a
``render_fingerprint()`` method (a filter's formatter, say, whose caches do not).

Content objects (articles, pages) are digested by *identity* (their class and source
path), never by their fields: the attributes a template reads from an article are
traced one by one (see :mod:`.trace`), so a page that shows only an article's title
does not depend on its body.  Every other object is digested whole.
"""

import datetime
import decimal
import fractions
import functools
import hashlib
import io
import marshal
import os
import pickle
import re
import types

from jinja2.runtime import LoopContext, Macro, Undefined
from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

# Attributes never digested: the whole settings or context (digested once for the
# build, or traced name by name) and caches of derived values.
SKIPPED_ATTRIBUTES = frozenset({"settings", "_context", "context", "_settings"})
PRIMITIVES = (type(None), bool, int, float, complex, decimal.Decimal, fractions.Fraction,
              datetime.date, datetime.time, datetime.timedelta)


def _hash(*parts):
    """BLAKE2b of the parts, each followed by a unit separator (one call into C)."""
    return hashlib.blake2b(b"\x1f".join(parts) + b"\x1f", digest_size=16).digest()


# How deep the site's shared values are looked into: the organisations, each one's
# entries, each entry (one level more, their events, took 5 MiB more at 5,000 articles).
SHARED_DEPTH = 3
# Texts shorter than this are remembered by value once summed up.
REMEMBERED_TEXT = 1024
# Containers of plain data (an event's dict, an article's organisations) are digested by
# their ``marshal`` bytes, in C, instead of value by value.
PLAIN_CONTAINERS = frozenset({dict, list, tuple})
# The types of the items a container handed to marshal may hold (the containers among
# them are looked into by marshal itself).
MARSHALLED = frozenset({type(None), bool, int, float, complex, str, bytes, dict, list, tuple})
# marshal's type codes for a set and a frozenset, whose order changes between processes.
SET_CODES = (b"<", b">")
# The attributes of a page of Pelican's paginator (``pelican.paginator.Page``).
PAGE_FIELDS = frozenset({"full_name", "name", "extension", "base_name", "base_url",
                         "object_list", "number", "paginator", "settings"})


def _plain_data(value):
    """``value``'s marshal bytes (format 2, which never refers back to an earlier
    object, so equal values give equal bytes) when it holds only exact dicts, lists,
    tuples, strings, numbers, booleans and ``None``; else ``None``.

    A set's order differs from one process to the next: bytes with a set's type
    code (or text with ``<`` or ``>``, which cannot be told apart) go the slow way.
    """
    try:
        data = marshal.dumps(value, 2)
    except ValueError:  # another type inside (Markup, an article…), or a cycle
        return None
    return None if SET_CODES[0] in data or SET_CODES[1] in data else data


def _holds_plain_items(container):
    """Whether the items of ``container`` (a dict's values) are all of the exact types
    marshal writes: a container holding anything else (an organisation's entry holds its
    article) is not given to marshal, which wrote what came before it (the entry's
    event) before refusing it, 14 µs an entry."""
    items = container.values() if type(container) is dict else container
    return all(type(item) in MARSHALLED for item in items)


class _NotPlainError(Exception):
    """A value :class:`_PlainPickler` does not write."""


# Values written by their type and ``repr`` in a plain container (as :meth:`digest`
# sums them up when alone): an event's dict holds a date, so marshal refuses it.
PICKLED_BY_REPR = (datetime.date, datetime.time, datetime.timedelta, datetime.tzinfo,
                   decimal.Decimal, fractions.Fraction, complex)


class _PlainPickler(pickle.Pickler):
    """Pickles exact dicts, lists, tuples, strings, bytes, numbers, booleans and
    ``None``, with content objects by identity and URL wrappers (tags, categories) by
    kind, name and slug (as :meth:`Fingerprinter.digest` sums them up), Markup as a
    reduction to its text (so not as the plain string of that text, which a template
    escapes) and the values of :data:`PICKLED_BY_REPR` by their ``repr``, and refuses
    anything else.

    Sets go through :meth:`reducer_override` at protocol 3 (their order differs from
    one process to the next) and are refused; ``fast`` turns off the memo, so that two
    equal values give the same bytes whether or not they hold the same objects.
    """

    def __init__(self, stream, identity):
        super().__init__(stream, protocol=3)
        self.fast = True
        self._identity = identity

    def reducer_override(self, obj):
        """Write an article (a tag, a date…) as what its digest is made of; refuse every
        other object."""
        if obj is str or obj is tuple:
            return NotImplemented  # the callables of the reductions below, by name
        if isinstance(obj, Content):
            name = self._identity(obj)
            if name:
                return tuple, (("content", name),)
        elif isinstance(obj, URLWrapper):
            return tuple, (("wrapper", type(obj).__name__, obj.name, obj.slug),)
        elif isinstance(obj, str):  # Markup: it renders as its text
            return str, (str.__str__(obj),)
        elif isinstance(obj, PICKLED_BY_REPR):
            text = repr(obj)
            if " at 0x" not in text:  # a repr naming the object's address changes
                return tuple, ((type(obj).__qualname__, text),)
        raise _NotPlainError


def _list_of_records(value):
    """Whether ``value`` is a list of dicts, which :func:`_plain_pickle` sums up in one
    pass: an organisation's entries, digested once a build (a listing page is digested by
    its paginator and number, see :meth:`Fingerprinter._page`); entry by entry, with
    Python's calls for each, they took a third of the checks of a build after an edit."""
    return type(value) is list and all(type(item) is dict for item in value)


def _records(value):
    """Whether ``value`` is a dict, which :func:`_plain_pickle` sums up in one pass (a
    list of them too: see :func:`_list_of_records`)."""
    return type(value) is dict


def _plain_pickle(value, identity):
    """``value`` pickled by :class:`_PlainPickler` (``identity(content)``: a content
    object's name), or ``None`` when it holds another kind of value (a set, a
    paginator…) or a cycle."""
    stream = io.BytesIO()
    try:
        _PlainPickler(stream, identity).dump(value)
    except (_NotPlainError, ValueError, RecursionError, pickle.PicklingError):
        return None
    return stream.getvalue()


def _collect_ids(value, found, depth):
    """Add the ids of ``value`` and of what it holds, ``depth`` levels down: the items
    of dicts, lists and tuples and the attributes of other objects (an organisation's
    list of entries), but not the fields of content objects (read one by one)."""
    found.add(id(value))
    if not depth:
        return
    kind = type(value)
    if kind in PLAIN_CONTAINERS:
        items = value.values() if kind is dict else value
    elif isinstance(value, (Content, type, types.ModuleType)):
        return
    else:
        try:
            items = [item for name, item in vars(value).items()
                     if name not in SKIPPED_ATTRIBUTES]
        except TypeError:  # no __dict__
            return
    for item in items:
        if id(item) not in found:
            _collect_ids(item, found, depth - 1)


def identity(content):
    """``"Article:/path/to/file.md"``: what names a content object across builds."""
    source = getattr(content, "source_path", None)
    return f"{type(content).__name__}:{source}" if source else None


def code_digest(function):
    """A function by its code (so an edited filter is a different filter)."""
    code = getattr(function, "__code__", None)
    name = f"{getattr(function, '__module__', '')}.{getattr(function, '__qualname__', '')}"
    if code is None:
        return _hash(b"callable", name.encode())
    try:
        return _hash(b"function", name.encode(), marshal.dumps(code))
    except ValueError:  # a code object marshal cannot write
        return _hash(b"function", name.encode())


def _global_names(code):
    """The names ``code`` (and the functions and classes defined in it) may look up
    among its module's globals (attribute names too: a few more values digested)."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _global_names(constant)
    return names


def _is_under(path, roots):
    return any(os.path.commonpath([path, root]) == root for root in roots)


def combine_attributes(digests):
    """The digest of a content object's attributes read together, from theirs (in the
    order of their names), or ``None`` when one has none."""
    return None if None in digests else _hash(b"attributes", *digests)


class Fingerprinter:
    """Digests values for one build, remembering containers and objects by ``id``.

    Remembered values are kept alive, so an ``id`` is never reused for another object
    while the build runs.  Values must not change while it is in use (it is used
    once every generator has finished).
    """

    def __init__(self, code_roots=None):
        # ``code_roots``: folders whose source files are digested otherwise (the plugins,
        # the libraries).  A function from anywhere else (the settings file) is digested
        # with what decides what it does beyond its code (see :meth:`_behaviour`); with
        # ``None``, every function is digested by its code.
        self._code_roots = code_roots
        self._known = {}
        self._texts = {}
        self._visiting = set()
        self._attribute_digests = {}  # {(id, names, scope): (content, digest)}
        self._field_digests = {}  # {(id, name, scope): (content, digest)}
        # Values every page reads (the site's lists of articles, of tags and their
        # articles): their digests are kept when the others are forgotten.
        self._shared_ids = set()
        self._shared = {}
        # Content objects by id (digested by identity, for the whole build): the lists of
        # articles that thousands of pages read are digested item by item in C.
        self._contents = {}
        self._identities = {}
        # {(id of a paginator, number): (paginator, the page it gives for the number)}:
        # what each of a listing's pages should be, made once for the build.
        self._expected_pages = {}

    def share(self, values):
        """Keep the digests of ``values`` and of what they hold (``SHARED_DEPTH`` levels
        down) for the whole build, through :meth:`forget`."""
        for value in values:
            _collect_ids(value, self._shared_ids, depth=SHARED_DEPTH)

    def forget(self):
        """Drop the remembered digests (and the values kept alive for them) but the
        shared ones and those of the attributes read together from a content object:
        what one batch of pages read is mostly not read again, but the articles a list
        shows are shown by the lists of later batches too (a cold build of 2,000
        articles made 16,000 such digests for 11,600 distinct reads), and each keeps
        alive only the content object, which the build holds anyway.  The digests of
        single fields they are made of are dropped."""
        self._known.clear()
        self._texts.clear()
        self._field_digests.clear()

    def digest(self, value):
        """The digest of ``value``, or ``None`` when it cannot be summed up."""
        if isinstance(value, str):  # Markup included: it renders as its text
            # Short texts (names, titles, URLs: read by every page) are remembered by
            # value; long ones (an article's body, read by its page) are summed up each
            # time, so that remembering them does not keep every body alive.
            known = self._texts.get(value)
            if known is None:
                known = _hash(b"s", value.encode("utf-8", "surrogatepass"))
                if len(value) < REMEMBERED_TEXT:
                    self._texts[value] = known
            return known
        if isinstance(value, PRIMITIVES):
            return _hash(type(value).__name__.encode(), repr(value).encode())
        # Other values are remembered by id (and kept alive): the same lists and
        # articles are read by thousands of pages.
        key = id(value)
        known = self._known.get(key) or self._shared.get(key)
        if known is not None:
            return known[1]
        if isinstance(value, bytes):
            result = _hash(b"b", value)
        elif type(value) in PLAIN_CONTAINERS and _holds_plain_items(value) \
                and (plain := _plain_data(value)) is not None:
            result = _hash(b"m", plain)
        elif (_records(value) or _list_of_records(value)) and (
                plain := _plain_pickle(value, self.identity)) is not None:
            # A record inside a refused one is tried again: its digest must be the same
            # wherever it is found first.
            result = _hash(b"p", plain)
        elif key in self._visiting:
            return _hash(b"cycle")
        else:
            self._visiting.add(key)
            try:
                result = self._digest_object(value)
            finally:
                self._visiting.discard(key)
        # A paginator (a listing's whole article list, read by each of its pages, which
        # batches split) is kept for the build too.
        shared = key in self._shared_ids or type(value) is Paginator
        (self._shared if shared else self._known)[key] = (value, result)
        return result

    def _digest_object(self, value):
        if isinstance(value, Content):
            name = identity(value)
            if not name:
                return None
            result = _hash(b"content", name.encode("utf-8", "surrogateescape"))
            self._contents[id(value)] = result
            self._shared[id(value)] = (value, result)  # kept alive with its id
            return result
        if isinstance(value, URLWrapper):
            return _hash(b"wrapper", type(value).__name__.encode(), value.name.encode(),
                         value.slug.encode())
        if isinstance(value, (list, tuple)):
            return self._sequence(b"list" if isinstance(value, list) else b"tuple", value)
        if isinstance(value, dict):
            return self._sequence(b"dict", [item for pair in value.items() for item in pair])
        if isinstance(value, (set, frozenset)):
            parts = [self.digest(item) for item in value]
            return None if None in parts else _hash(b"set", *sorted(parts))
        if isinstance(value, Undefined):
            return _hash(b"undefined")
        if isinstance(value, Macro):
            return _hash(b"macro", value.name.encode())
        if isinstance(value, LoopContext):
            return _hash(b"loop", str(value.index0).encode(), str(value.length).encode())
        if isinstance(value, types.FunctionType) and self._code_roots is not None \
                and not _is_under(os.path.abspath(value.__code__.co_filename), self._code_roots):
            return self._behaviour(value)
        if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type)):
            return code_digest(value)
        if isinstance(value, functools.partial):
            parts = [self.digest(value.func), self.digest(value.args),
                     self.digest(value.keywords)]
            return None if None in parts else _hash(b"partial", *parts)
        if isinstance(value, types.MethodType):
            owner = self.digest(value.__self__)
            return None if owner is None else _hash(b"method", owner, code_digest(value.__func__))
        if isinstance(value, types.ModuleType):
            return _hash(b"module", value.__name__.encode())
        if isinstance(value, (datetime.tzinfo, re.Pattern)):
            text = repr(value)
            return None if " at 0x" in text else _hash(b"repr", text.encode())
        if type(value) is Page and (page := self._page(value)) is not None:
            return page
        declared = getattr(value, "render_fingerprint", None)
        if callable(declared):  # an object saying what of it shapes a page (not its caches)
            return self.digest((type(value).__qualname__, declared()))
        return self._attributes(value)

    def _behaviour(self, function):
        """A function by its code, its default arguments, the values its closure holds
        and the values of the module's globals its code names (a filter of the settings
        file reading ``n = 5`` there, or made by a function it is given to), each
        digested as any value is; ``None`` when one of them cannot be."""
        parts = [code_digest(function), self.digest(function.__defaults__),
                 self.digest(function.__kwdefaults__)]
        for cell in function.__closure__ or ():
            try:
                parts.append(self.digest(cell.cell_contents))
            except ValueError:  # a cell not filled yet
                parts.append(_hash(b"empty cell"))
        found = function.__globals__
        for name in sorted(_global_names(function.__code__)):
            if name in found:
                parts += [name.encode(), self.digest(found[name])]
        return None if None in parts else _hash(b"behaviour", *parts)

    def _sequence(self, tag, items):
        parts = list(map(self._contents.get, map(id, items)))
        if None in parts:
            parts = [self.digest(item) if part is None else part
                     for item, part in zip(items, parts, strict=True)]
            if None in parts:
                return None
        return _hash(tag, *parts)

    def _page(self, page):
        """A page of a Pelican paginator by its paginator and number, or ``None`` when it
        is not the page its paginator gives for that number (its own list, a field
        added).  A listing page reads three (its own, the next and the previous), each a
        new object: summed up item by item, their lists of articles or of an
        organisation's entries took half of the checks of the organisations' pages.  The
        paginator (every item of the listing, the same object for all its pages) is
        digested once for the build."""
        paginator = page.paginator
        if type(paginator) is not Paginator or vars(page).keys() != PAGE_FIELDS:
            return None
        # Each page of a listing reads its neighbours too: the page a number gives is
        # made once, not three times for each page (Pelican makes a new one each time).
        known = self._expected_pages.get((id(paginator), page.number))
        if known is None or known[0] is not paginator:
            known = self._expected_pages[id(paginator), page.number] = (
                paginator, paginator.page(page.number))
        expected = known[1]
        if (page.object_list != expected.object_list or page.full_name != expected.full_name
                or page.base_url != expected.base_url):
            return None
        parts = [self.digest(paginator), self.digest(page.number)]
        return None if None in parts else _hash(b"page", *parts)

    def _attributes(self, value):
        """Any other object: its class and every attribute but the skipped ones."""
        try:
            attributes = vars(value)
        except TypeError:
            return None  # no __dict__: nothing reliable to sum up
        names = sorted(name for name in attributes if name not in SKIPPED_ATTRIBUTES)
        parts = [type(value).__qualname__.encode()]
        for name in names:
            part = self.digest(attributes[name])
            if part is None:
                return None
            parts += [name.encode(), part]
        return _hash(b"object", *parts)

    def identity(self, content):
        """:func:`identity` of a content object, remembered for the build."""
        known = self._identities.get(id(content))
        if known is None:
            known = self._identities[id(content)] = (content, identity(content))
        return known[1]

    def attribute(self, content, name, read, scope=None):
        """The digest of ``content.name`` as ``read(content, name)`` reads it, remembered
        for the build and ``scope`` (what the value may depend on besides the object)."""
        key = (id(content), name, scope)
        known = self._field_digests.get(key)
        if known is None:
            known = self._field_digests[key] = (content, self.digest(read(content, name)))
        return known[1]

    def attributes(self, content, names, read, scope=None, recall=None):
        """One digest of the attributes ``names`` (a sorted tuple) of ``content``, which
        changes when any of theirs does; remembered for the build and ``scope``.

        ``recall((identity, names), scope)``, when given, returns the digest another
        process already made of the same read in this build, or ``None``.
        """
        key = (id(content), names, scope)
        known = self._attribute_digests.get(key)
        if known is None:
            digest = None
            if recall is not None:
                digest = recall((self.identity(content), names), scope)
            if digest is None:
                digest = combine_attributes(
                    [self.attribute(content, name, read, scope) for name in names])
            known = self._attribute_digests[key] = (content, digest)
        return known[1]

    def whole(self, content, read, scope=None):
        """Every field of a content object (for a filter or method that took it whole),
        with the articles it refers to by identity; ``read(obj, name)`` reads a field."""
        key = ("whole", id(content), scope)
        known = self._known.get(key)
        if known is not None:
            return known[1]
        fields = {name: value for name, value in vars(content).items()
                  if name not in SKIPPED_ATTRIBUTES}
        for name in ("url", "save_as", "content", "summary"):
            fields[name] = read(content, name)
        result = self.digest(fields)
        self._known[key] = (content, result)
        return result
