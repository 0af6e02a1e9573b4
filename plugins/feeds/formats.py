"""Atom and RSS 2.0 with feedgen, and JSON Feed 1.1, from :class:`~.entries.FeedItem` lists.

feedgen's traps, and what this module does about them:

* naive datetimes raise — every date is made aware before it gets here;
* ``add_entry()`` prepends — entries are added with ``order="append"``;
* the RSS channel ``<link>`` is the *last* link added — the self link goes first,
  the HTML page last;
* Atom entry links lose ``rel``/``type``/``length`` (feedgen reuses a variable),
  so a lead photo given as ``link(rel="enclosure")`` would become a second
  ``alternate`` link — the enclosure is written by our own entry extension instead,
  the entry keeps a single link (the article, ``alternate`` by default);
* ``type="CDATA"`` content is invalid Atom and ``]]>`` breaks CDATA — content is
  always ``type="html"``, escaped text;
* the feed's ``updated`` / ``lastBuildDate`` and each entry's ``updated`` default to
  *now* — they are always set from the articles;
* RSS ``<author>`` needs an e-mail address — authors go to ``<dc:creator>``.

An article is in many feeds (the site's, its category's, each of its tags' and
organisations'…): inside :func:`shared_entries`, each article's entry is made once
for each format, its XML element built once and copied into every feed listing it.
feedgen builds each entry as an element of its own and appends it to the feed, so
the copies give the same bytes; a site of 200 articles made each entry eleven times.
"""

import contextlib
import copy
import json

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

MEDIA_NS = "http://search.yahoo.com/mrss/"
DC_NS = "http://purl.org/dc/elements/1.1/"
GENERATOR = "tinhoi"


class _MediaExtension(BaseExtension):
    def extend_ns(self):
        return {"media": MEDIA_NS}


class _PhotoEntryExtension(BaseEntryExtension):
    """The lead photo: an enclosure in either format, and ``<media:content>``."""

    def __init__(self):
        self.photo = None

    def extend_atom(self, entry):
        if self.photo:
            # Unprefixed, like feedgen's own elements: the Atom namespace is the default one.
            xml_elem("link", entry, rel="enclosure", href=self.photo.url, type=self.photo.type,
                     length=str(self.photo.length))
            self._media(entry)
        return entry

    def extend_rss(self, item):
        if self.photo:
            xml_elem("enclosure", item, url=self.photo.url, length=str(self.photo.length),
                     type=self.photo.type)
            self._media(item)
        return item

    def _media(self, parent):
        media = xml_elem(f"{{{MEDIA_NS}}}content", parent, url=self.photo.url,
                         type=self.photo.type, fileSize=str(self.photo.length), medium="image")
        if self.photo.alt:
            description = xml_elem(f"{{{MEDIA_NS}}}description", media, type="plain")
            description.text = self.photo.alt


class _CreatorExtension(BaseExtension):
    def extend_ns(self):
        return {"dc": DC_NS}


class _CreatorEntryExtension(BaseEntryExtension):
    """RSS authors without an e-mail address, as ``<dc:creator>``."""

    def __init__(self):
        self.names = []

    def extend_rss(self, item):
        for name in self.names:
            xml_elem(f"{{{DC_NS}}}creator", item).text = name
        return item


def feed_generator(meta, items, fmt):
    """A :class:`FeedGenerator` for one feed in ``fmt`` ("atom" or "rss").

    ``meta`` holds ``title``, ``subtitle``, ``self_url``, ``page_url``, ``author``
    and ``language``; ``items`` are :class:`FeedItem` objects, newest first.
    """
    fg = FeedGenerator()
    fg.register_extension("photo", _MediaExtension, _PhotoEntryExtension, atom=True, rss=True)
    if fmt == "rss":
        fg.register_extension("creator", _CreatorExtension, _CreatorEntryExtension,
                              atom=False, rss=True)
    fg.id(meta["self_url"])
    fg.title(meta["title"])
    fg.subtitle(meta["subtitle"])  # also the RSS <description>
    fg.language(meta["language"])
    fg.generator(GENERATOR)
    if meta.get("author"):
        fg.author({"name": meta["author"]})
    media_type = "application/atom+xml" if fmt == "atom" else "application/rss+xml"
    fg.link(href=meta["self_url"], rel="self", type=media_type)
    fg.link(href=meta["page_url"], rel="alternate", type="text/html")  # last: the RSS <link>
    fg.updated(max(item.updated for item in items))
    for item in items:
        _add_entry(fg, item, fmt)
    return fg


class _SharedEntry(FeedEntry):
    """An entry whose XML element is built once and copied for each feed."""

    def __init__(self):
        super().__init__()
        self._elements = {}

    def atom_entry(self, extensions=True):
        """The Atom ``<entry>``: a copy of the one built first."""
        return self._element("atom", super().atom_entry, extensions)

    def rss_entry(self, extensions=True):
        """The RSS ``<item>``: a copy of the one built first."""
        return self._element("rss", super().rss_entry, extensions)

    def _element(self, fmt, build, extensions):
        if (fmt, extensions) not in self._elements:
            self._elements[fmt, extensions] = build(extensions)
        return copy.deepcopy(self._elements[fmt, extensions])


# The entries made so far inside :func:`shared_entries`: ``{(id(item), format): (item,
# entry)}`` (the item held, so that its id is not another's meanwhile); ``None`` outside.
_shared = {"entries": None}


@contextlib.contextmanager
def shared_entries():
    """Make each article's entry once for every feed rendered inside the block (the
    feeds of one build: each :class:`~.entries.FeedItem` stands for an article as it
    is in that build)."""
    _shared["entries"] = {}
    try:
        yield
    finally:
        _shared["entries"] = None


def _add_entry(fg, item, fmt):
    entries = _shared["entries"]
    known = entries.get((id(item), fmt)) if entries is not None else None
    if known is not None:
        fg.add_entry(known[1], order="append")
        return
    # A new entry gets the feed's extensions from ``add_entry``, ours as feedgen's own.
    entry = fg.add_entry(_SharedEntry() if entries is not None else None, order="append")
    _fill_entry(entry, item, fmt)
    if entries is not None:
        entries[id(item), fmt] = (item, entry)


def _fill_entry(entry, item, fmt):
    entry.id(item.id)
    entry.title(item.title)
    entry.link(href=item.url)
    entry.published(item.published)
    entry.updated(item.updated)
    entry.summary(item.summary_html, type="html")
    entry.content(item.content_html, type="html")
    for name in item.authors:
        entry.author({"name": name})
    for term, scheme in item.categories:
        entry.category({"term": term, "scheme": scheme} if scheme else {"term": term})
    entry.photo.photo = item.photo
    if fmt == "rss":
        entry.creator.names = list(item.authors)


def render_atom(meta, items):
    """The Atom document as UTF-8 bytes."""
    return feed_generator(meta, items, "atom").atom_str(pretty=True, encoding="UTF-8")


def render_rss(meta, items):
    """The RSS 2.0 document as UTF-8 bytes."""
    return feed_generator(meta, items, "rss").rss_str(pretty=True, encoding="UTF-8")


def render_json_feed(meta, items):
    """The JSON Feed 1.1 document as UTF-8 bytes."""
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": meta["title"],
        "home_page_url": meta["page_url"],
        "feed_url": meta["self_url"],
        "description": meta["subtitle"],
        "language": meta["language"],
    }
    if meta.get("author"):
        feed["authors"] = [{"name": meta["author"]}]
    feed["items"] = [_json_item(item, meta["language"]) for item in items]
    text = json.dumps(feed, ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def _json_item(item, language):
    data = {
        "id": item.id,
        "url": item.url,
        "title": item.title,
        "content_html": item.content_html,
        "summary": item.summary_text,
        "date_published": item.published.isoformat(),
        "date_modified": item.updated.isoformat(),
        "language": language,
    }
    if item.photo:
        data["image"] = item.photo.url
    if item.authors:
        data["authors"] = [{"name": name} for name in item.authors]
    tags = [term for term, _ in item.categories]
    if tags:
        data["tags"] = tags
    return data
