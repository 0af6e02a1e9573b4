"""Article and page bodies kept compressed while the build holds them.

Pelican keeps every article's HTML (``_content``) in memory from reading to the end
of the build, though each body is used by a few pages only (its own page, a feed, a
summary).  Vietnamese text takes two bytes a character in a Python string: 10 to 20
KB an article, most of the memory of a build of thousands of articles.  Each body is
kept here as zlib-compressed UTF-8 (a quarter of the size) and decompressed when
read (about 20 µs; the body last read or written is kept as text), from the moment the
pages are about to be written, when the build holds the most.

The content objects become instances of a subclass of their Pelican class (same
name, so Pelican's ``ARTICLE_*`` and ``PAGE_*`` settings still apply) whose
``_content`` is a property; nothing else about them changes.
"""

import zlib

from pelican.contents import Article, Page

LEVEL = 1  # the fastest: bodies are compressed on every build


def pack(text):
    """``text`` as bodies are kept: zlib-compressed UTF-8."""
    return zlib.compress(text.encode("utf-8", "surrogatepass"), LEVEL)


def unpack(packed):
    """The text of a body made by :func:`pack` (``zlib.error`` if it is damaged)."""
    return zlib.decompress(packed).decode("utf-8", "surrogatepass")


# The body last read or written, as text: plugins read one article's body several
# times in a row (links, photos, then its page), and often write back what they read.
_last = {"content": None, "text": None}


class _CompactBody:
    """``_content`` stored as zlib-compressed UTF-8 when it is a plain string."""

    @property
    def _content(self):
        if _last["content"] is self:
            return _last["text"]
        packed = self.__dict__.get("_packed_body")
        if packed is None:
            return self.__dict__.get("_plain_body")
        text = unpack(packed)
        _last.update(content=self, text=text)
        return text

    @_content.setter
    def _content(self, value):
        if type(value) is not str:  # Markup and other kinds are kept as they are
            self.__dict__["_plain_body"] = value
            self.__dict__.pop("_packed_body", None)
            if _last["content"] is self:
                _last.update(content=None, text=None)
            return
        if _last["content"] is self and _last["text"] is value:
            return  # the text it holds, written back
        self.__dict__["_packed_body"] = pack(value)
        self.__dict__.pop("_plain_body", None)
        _last.update(content=self, text=value)


def _compact_class(base):
    return type(base.__name__, (_CompactBody, base), {
        "__module__": __name__, "__qualname__": f"Compact{base.__name__}",
        "__doc__": f"A Pelican {base.__name__} whose body is kept compressed."})


CompactArticle = _compact_class(Article)
CompactPage = _compact_class(Page)
COMPACT = {Article: CompactArticle, Page: CompactPage}


# Content objects made in this build, compacted once every plugin has been through them.
_made = []
# Bodies read from the content cache, which keeps them compressed: ``{id(text): (text,
# packed)}``, so that a body no plugin rewrote is not compressed again.
_packed = {}


def remember_packed(text, packed):
    """``packed`` is ``text`` compressed as this module keeps bodies."""
    _packed[id(text)] = (text, packed)


def packed_form(text):
    """``text`` compressed as :func:`pack` does, taken from the content cache when it
    gave this very text (see :func:`remember_packed`)."""
    known = _packed.get(id(text))
    return known[1] if known is not None and known[0] is text else pack(text)


def note_content(content):
    """Remember a content object (``content_object_init``) to compact it later."""
    if type(content) in COMPACT:
        _made.append(content)


note_content.reads_content_only = True  # it changes nothing (see snapshot.py)


def forget_contents(_pelican=None):
    """A new build: forget the objects of an earlier one (``initialized``)."""
    _made.clear()
    _packed.clear()


def compact_bodies(pelican):
    """Compact the bodies of this build's articles and pages (``get_writer``: sent once
    every generator and every plugin's pass over the content is done, before pages are
    written), unless ``TINHOI_COMPACT_BODIES`` is off.

    Until then plugins read and rewrite the bodies over and over (links, photos) and
    the build holds less than while it writes: they stay plain text.
    """
    made = list(_made)
    _made.clear()
    packed = dict(_packed)
    _packed.clear()
    if not pelican.settings.get("TINHOI_COMPACT_BODIES", True):
        return
    for content in made:
        compact_body(content, packed)


def compact_body(content, packed=None):
    """Keep ``content``'s body compressed from now on (``packed``: bodies already
    compressed, see :func:`remember_packed`)."""
    compact = COMPACT.get(type(content))
    if compact is None:
        return
    body = content.__dict__.pop("_content", None)
    content.__class__ = compact
    known = (packed or {}).get(id(body))
    if known is not None and known[0] is body:
        content.__dict__["_packed_body"] = known[1]
        return
    content._content = body
