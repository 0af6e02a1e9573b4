"""Which feeds a build has: one :class:`Feed` per site, event type, category, tag, organisation.

The catalog is put in the template context as ``feed_catalog`` (the "Theo dõi" page
lists it, with each feed's number of articles), and each feed's links under a name of
its own (``feed_links_site``, ``feed_links_tag/<slug>``…: ``feed_links`` looks them up
there, for every page's ``<link rel="alternate">``); entries are built later, when the
feeds are written.
"""

from dataclasses import dataclass, field

ATOM_TYPE = "application/atom+xml"
RSS_TYPE = "application/rss+xml"
JSON_TYPE = "application/feed+json"

# The groups of feeds, in the order the "Theo dõi" page shows them.
KINDS = ("event_type", "category", "tag", "organisation")


@dataclass
class Feed:
    """One subject followed by an Atom and an RSS feed (and JSON Feed for the site)."""

    kind: str  # "site" or one of KINDS
    key: str  # slug (an event type's slug for "event_type")
    name: str  # what the feed follows, as readers see it ("" for the site)
    title: str  # the feed's title
    page_url: str  # site-relative URL of the HTML page the feed follows
    atom: str | None = None  # site-relative output paths
    rss: str | None = None
    json: str | None = None
    event_type: str | None = None
    articles: list = field(default_factory=list, repr=False)

    @property
    def links(self):
        """``<link rel="alternate">`` data: type, site-relative href, title."""
        found = []
        for path, media_type, fmt in ((self.atom, ATOM_TYPE, "Atom"), (self.rss, RSS_TYPE, "RSS"),
                                      (self.json, JSON_TYPE, "JSON Feed")):
            if path:
                found.append({"type": media_type, "href": path, "title": f"{self.title} ({fmt})",
                              "format": fmt})
        return found


class FeedCatalog:
    """The feeds of one build, in a stable order."""

    def __init__(self):
        self.site = None
        self.groups = {kind: [] for kind in KINDS}
        self._index = {}

    def add(self, feed):
        """Add ``feed`` (the site feed, or one of a group)."""
        if feed.kind == "site":
            self.site = feed
        else:
            self.groups[feed.kind].append(feed)
        self._index[(feed.kind, feed.key)] = feed
        if feed.event_type:
            self._index[(feed.kind, feed.event_type)] = feed

    def find(self, kind, key=None):
        """The feed of ``kind`` and ``key`` (a slug), or ``None``."""
        if kind == "site":
            return self.site
        return self._index.get((kind, str(key) if key is not None else None))

    @property
    def sections(self):
        """``(kind, feeds)`` for every group that has feeds, in page order."""
        return [(kind, self.groups[kind]) for kind in KINDS if self.groups[kind]]

    def __iter__(self):
        if self.site:
            yield self.site
        for kind in KINDS:
            yield from self.groups[kind]

    def __bool__(self):
        return self.site is not None or any(self.groups.values())

    def links_index(self):
        """The feeds' links as plain data, without their articles, under the context name
        ``feed_links`` looks each feed up by: ``{"feed_links_site": links,
        "feed_links_tag/<slug>": links, …}``.

        One name per feed (see ``generator.py``): the render plugin renders a page again
        when a value it read changes, and a page reads only the names of the feeds it
        links to, so a new article changes no page's links, and a new tag or
        organisation only the pages that show it.
        """
        index = {"feed_links_site": self.site.links if self.site is not None else []}
        for (kind, key), feed in self._index.items():
            if kind in KINDS:
                index[links_name(kind, key)] = feed.links
        return index


def links_name(kind, key=None):
    """The context name of the links of the feed of ``kind`` and ``key``."""
    return "feed_links_site" if kind == "site" else f"feed_links_{kind}/{key}"
