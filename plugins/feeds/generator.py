"""The generator that chooses the feeds of a build and writes them, and the "Theo dõi" page."""

import logging
import os
from zoneinfo import ZoneInfo

from pelican.generators import Generator
from pelican.utils import sanitised_join
from pelican.writers import FileOverwriteFailedError

from .background import start_in_background
from .cache import FeedCache, cache_folder
from .catalog import Feed, FeedCatalog
from .config import FeedsSettingsError, feeds_now, site_base
from .entries import EntryBuilder, absolute_url, aware, id_authority

logger = logging.getLogger(__name__)

class FeedsGenerator(Generator):
    """Collects the feeds in ``generate_context`` and writes them in ``generate_output``.

    Articles are read from the shared context after every plugin's
    ``article_generator_finalized`` handler (tags merged, organisations set);
    content is read when writing, once Pelican knows every static file, so
    ``{static}`` links resolve.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalog = FeedCatalog()
        self.base, self.base_origin = None, "missing"

    # -- choosing ----------------------------------------------------------------

    def generate_context(self):
        """Decide which feeds exist and put ``feed_catalog`` in the template context."""
        self.base, self.base_origin = site_base(self.settings)
        if self.base_origin == "preview":
            logger.info("feeds: SITEURL is not an absolute address, so feeds link to %s (the "
                        "preview server); publish with an absolute SITEURL or FEEDS_SITEURL",
                        self.base)
        elif self.base_origin == "missing":
            logger.warning("feeds: no feed written — SITEURL %r is not an absolute address and "
                           "feed readers need absolute links; set SITEURL (publishconf.py) or "
                           "FEEDS_SITEURL", self.settings.get("SITEURL"))
        self.catalog = FeedCatalog()
        if self.base:
            self._fill_catalog(self._published_articles())
        self.context["feed_catalog"] = self.catalog
        # What each page reads for its <link> tags: the links of the feeds it links to,
        # not the catalog with every feed's articles (the render plugin renders a page
        # again when a value it read changes: every page, for a new article or tag).
        self.context.update(self.catalog.links_index())

    def _published_articles(self):
        """Published articles dated up to ``FEEDS_NOW``, newest first."""
        tz = ZoneInfo(self.settings["TIMEZONE"])
        now = feeds_now(self.settings)
        articles, scheduled = [], 0
        for article in self.context.get("articles", []):
            if getattr(article, "status", "published") != "published":
                continue
            if aware(article.date, tz) > now:
                scheduled += 1
                continue
            articles.append(article)
        if scheduled:
            logger.info("feeds: %d scheduled article(s) left out until their date", scheduled)
        articles.sort(key=lambda a: (aware(a.date, tz), a.get_relative_source_path() or ""),
                      reverse=True)
        return articles

    def _fill_catalog(self, articles):
        settings = self.settings
        labels = self._labels()
        site = settings["SITENAME"]
        if articles and any(settings[n] for n in ("FEEDS_ALL_ATOM", "FEEDS_ALL_RSS",
                                                   "FEEDS_ALL_JSON")):
            self.catalog.add(Feed(
                kind="site", key="", name="", title=site, page_url="",
                atom=settings["FEEDS_ALL_ATOM"] or None, rss=settings["FEEDS_ALL_RSS"] or None,
                json=settings["FEEDS_ALL_JSON"] or None, articles=articles))
        for kind, key, name, page_url, members, event_type in self._groups(articles, labels):
            atom = settings[f"FEEDS_{kind.upper()}_ATOM"]
            rss = settings[f"FEEDS_{kind.upper()}_RSS"]
            if not (atom or rss):
                continue
            title = labels[f"title_{kind}"].format(name=name)
            self.catalog.add(Feed(
                kind=kind, key=key, name=name, title=f"{site} – {title}", page_url=page_url,
                atom=atom.format(slug=key) if atom else None,
                rss=rss.format(slug=key) if rss else None,
                event_type=event_type, articles=members))

    def _groups(self, articles, labels):
        """``(kind, slug, name, page_url, articles, event_type)`` of every group, in order."""
        type_names = labels["event_types"]
        for event_type, slug in self.settings["FEEDS_EVENT_TYPE_SLUGS"].items():
            members = [a for a in articles
                       if (getattr(a, "event", None) or {}).get("type") == event_type]
            if members:
                yield ("event_type", slug, type_names.get(event_type, event_type),
                       self._event_type_page(event_type, slug), members, event_type)
        categories, tags, organisations = {}, {}, {}
        for article in articles:
            category = getattr(article, "category", None)
            if category:
                _collect(categories, category.slug, str(category), category.url, article)
            for tag in getattr(article, "tags", None) or []:
                _collect(tags, tag.slug, str(tag), tag.url, article)
            for organisation in getattr(article, "organisations", None) or []:
                if isinstance(organisation, dict) and organisation.get("slug"):
                    _collect(organisations, str(organisation["slug"]),
                             str(organisation.get("name") or organisation["slug"]),
                             str(organisation.get("url") or ""), article)
        for kind, groups in (("category", categories), ("tag", tags),
                             ("organisation", organisations)):
            for slug in sorted(groups):
                name, page_url, members = groups[slug]
                yield kind, slug, name, page_url, members, None

    def _event_type_page(self, event_type, slug):
        """The page listing one event type: ``FEEDS_EVENT_TYPE_PAGE_URL``, else the events
        plugin's ``EVENTS_TYPE_URL`` when it is on, else the home page."""
        settings = self.settings
        if settings["FEEDS_EVENT_TYPE_PAGE_URL"]:
            return settings["FEEDS_EVENT_TYPE_PAGE_URL"].format(slug=slug, type=event_type)
        if "events" in settings.get("PLUGINS", []) and settings.get("EVENTS_TYPE_URL"):
            events_slug = (settings.get("EVENTS_TYPE_SLUGS") or {}).get(event_type, slug)
            return settings["EVENTS_TYPE_URL"].format(slug=events_slug)
        return ""

    def _labels(self):
        """The feeds' words from the ``L`` labels of the vietnamese plugin."""
        labels = self.settings.get("JINJA_GLOBALS", {}).get("L") or {}
        if "feeds" not in labels:
            raise FeedsSettingsError("the feeds plugin takes its words from the 'vietnamese' "
                                     "plugin: add 'vietnamese' to PLUGINS")
        return {**labels["feeds"], "event_types": labels["event_types"], "_all": labels}

    # -- writing -----------------------------------------------------------------

    def generate_output(self, writer):
        """Write every feed of the catalog (in a forked process when
        ``FEEDS_BACKGROUND`` is on, see :mod:`.background`), then the "Theo dõi" page."""
        if self.catalog:
            if not (self.settings["FEEDS_BACKGROUND"] and start_in_background(self)):
                self.write_feeds()
        self._write_subscribe_page(writer)

    def write_feeds(self):
        """Make every feed document of the catalog and write it."""
        self.write_documents(self.documents())

    def documents(self):
        """Yield ``(path in the output, bytes)`` for every feed of the catalog, in catalog
        order (read from the feeds' cache when their entries are those of the last
        build), one at a time: they are never all held at once."""
        # feedgen and lxml are imported here, not with the plugin (0.02 s of every
        # build's start): the documents are made by the forked copy (``background.py``).
        from .formats import shared_entries

        with shared_entries():
            yield from self._documents()

    def _documents(self):
        from .formats import render_atom, render_json_feed, render_rss

        settings = self.settings
        labels = self._labels()
        builder = EntryBuilder(settings, self.base, id_authority(settings, self.base),
                               labels["_all"])
        limit = settings["FEEDS_MAX_ITEMS"]
        cache = FeedCache(cache_folder(settings))
        written = {}
        for feed in self.catalog:
            items = [builder.item(article) for article in feed.articles[:limit]]
            kind = feed.kind
            description = labels[f"description_{kind}"].format(
                name=feed.name, site=settings["SITENAME"])
            meta = {
                "title": feed.title,
                "subtitle": description,
                "page_url": absolute_url(self.base, feed.page_url),
                "author": settings.get("AUTHOR") or settings["SITENAME"],
                "language": settings.get("DEFAULT_LANG") or "vi",
            }
            for path, render in ((feed.atom, render_atom), (feed.rss, render_rss),
                                 (feed.json, render_json_feed)):
                if not path:
                    continue
                if path in written:
                    logger.warning("feeds: %s is the feed of both %s and %s; only the first "
                                   "is written — give their FEEDS_* paths different folders",
                                   path, written[path], f"{kind} '{feed.key}'")
                    continue
                written[path] = f"{kind} '{feed.key}'"
                yield path, cache.document(
                    render, {**meta, "self_url": absolute_url(self.base, path)}, items)
        cache.prune()
        logger.debug("feeds: %d documents from the cache, %d made", cache.hits, cache.misses)

    def write_documents(self, documents):
        """Write each ``(path, bytes)`` of :meth:`documents` into the output."""
        for path, data in documents:
            self._write(path, data)

    def _write(self, path, data):
        target = sanitised_join(self.output_path, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data)
        logger.info('Writing "%s"', target)

    def _write_subscribe_page(self, writer):
        save_as = self.settings["FEEDS_SUBSCRIBE_SAVE_AS"]
        if not save_as:
            return
        try:
            writer.write_file(
                save_as, self.get_template("subscribe"), self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                url=self.settings["FEEDS_SUBSCRIBE_URL"],
                feed_catalog=self.catalog, feed_base=self.base,
                page_name=os.path.splitext(save_as)[0],
            )
        except FileOverwriteFailedError:
            logger.warning("feeds: %s is already a page of the site, so the \"Theo dõi\" page "
                           "is not written; set FEEDS_SUBSCRIBE_URL and FEEDS_SUBSCRIBE_SAVE_AS",
                           save_as)


def _collect(groups, slug, name, url, article):
    if slug not in groups:
        groups[slug] = (name, url, [])
    groups[slug][2].append(article)
