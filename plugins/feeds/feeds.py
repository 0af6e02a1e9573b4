"""feeds: Atom, RSS 2.0 and JSON Feed 1.1 for subscribers, written with feedgen.

What is written (paths are settings, ``{slug}`` filled in; any of them may be
``None`` to leave that feed out):

* the whole site: Atom, RSS 2.0 and JSON Feed 1.1;
* Atom and RSS for each event type (``meeting``, ``signing``, ``award``), each
  category, each tag and each organisation (``article.organisations``, set by the
  organisations plugin);
* the page "Theo dõi" (template ``subscribe``) that lists them all, and the
  calendars when the calendars plugin is on.

Pelican's own feed writer must stay off (``FEED_ALL_ATOM = None`` and the other
``*_FEED_*`` settings, as in ``pelicanconf.py``); a warning says so when it is not.

Entries carry the full content (lead photo, event facts, body) with every
``href``/``src``/``srcset``/``poster`` made absolute, the lead photo as an
enclosure (RSS ``<enclosure>``, Atom ``<link rel="enclosure">``, and
``<media:content>`` in both) with its size and type, the event type, category
and tags as categories, the authors, and ``vi`` as language.

**Stable ids.**  An entry's id is a ``tag:`` URI (RFC 4151)::

    tag:<FEEDS_ID_AUTHORITY or the host of the site>,<year of 'date'>:<source path>

where the source path is the article's file relative to ``content/``
(``2018/ky-ket.md``, percent-encoded).  Editing the title, slug, content,
category, tags or ``modified`` keeps the id; renaming or moving the file, or
changing the *year* of ``date``, gives a new one.  When ``TINHOI_EXTRA_FIELDS``
lists ``"id"``, an article's front-matter ``id:`` replaces the source path, so a
file can be moved without readers seeing it twice.

**Reproducible.**  Nothing depends on the clock but the choice of which
articles are published: articles dated after ``FEEDS_NOW`` (default: the time of
the build) are scheduled and left out, as are drafts and hidden articles.  A
feed's updated time is that of its newest entry; entries are sorted newest
first (ties by source path).

**Absolute URLs.**  Feeds are read away from the site, so every URL in them is
absolute.  The base is ``FEEDS_SITEURL``, else ``SITEURL`` when it is absolute.
A local build (``SITEURL = ""`` with ``RELATIVE_URLS = True``) uses
``FEEDS_PREVIEW_SITEURL`` (``http://127.0.0.1:8000``, the address of
``make serve``) so the feeds can be tried in a reader; a build with
``RELATIVE_URLS = False`` and no absolute address writes no feed and warns.

Settings (defaults in ``DEFAULTS``):
``FEEDS_SITEURL`` — base of every URL in a feed (``None``: ``SITEURL``);
``FEEDS_PREVIEW_SITEURL`` — base for local builds without an absolute ``SITEURL``;
``FEEDS_ID_AUTHORITY`` — the domain in entry ids (``None``: the host of the base);
``FEEDS_MAX_ITEMS`` — entries per feed, newest first (``None``: all);
``FEEDS_NOW`` — the "now" that decides which articles are scheduled (a datetime,
a date meaning the end of that day, an ISO string, or ``None`` for the build's time);
``FEEDS_ALL_ATOM``, ``FEEDS_ALL_RSS``, ``FEEDS_ALL_JSON`` — the whole site;
``FEEDS_EVENT_TYPE_ATOM``, ``FEEDS_EVENT_TYPE_RSS`` — per event type, with
``FEEDS_EVENT_TYPE_SLUGS`` (type → Vietnamese slug) and
``FEEDS_EVENT_TYPE_PAGE_URL`` (the HTML page of a type, with ``{slug}``/``{type}``;
``None``: the events plugin's ``EVENTS_TYPE_URL`` when it is on, else the home page);
``FEEDS_CATEGORY_ATOM``, ``FEEDS_CATEGORY_RSS``, ``FEEDS_TAG_ATOM``,
``FEEDS_TAG_RSS``, ``FEEDS_ORGANISATION_ATOM``, ``FEEDS_ORGANISATION_RSS``;
``FEEDS_SUBSCRIBE_URL``, ``FEEDS_SUBSCRIBE_SAVE_AS`` — the "Theo dõi" page;
``FEEDS_CACHE_PATH`` (``".cache/feeds"``, relative to the folder holding ``PATH``) —
where the documents of the last build are kept, by the digest of their entries, to be
reused when the entries are the same (``None``: make every document);
``FEEDS_BACKGROUND`` (``True``) — make the documents in a forked copy of the build
process while the rest of the site is written, and write them on ``finalized`` (see
:mod:`.background`; ``False``: made and written in turn, the same bytes).

Templates get the ``feed_links(kind, key)`` global: the ``<link rel="alternate">``
data of the site feed (``kind="site"``) or of the feed of one event type, category,
tag or organisation (``key`` is its slug; an event type may also be given by
its type); an empty list when that feed was not written.
"""

import logging

from jinja2 import pass_context
from pelican import signals

from .background import finish, stop_leftover
from .catalog import links_name
from .config import DEFAULTS, PELICAN_FEED_SETTINGS, check_settings
from .generator import FeedsGenerator

logger = logging.getLogger(__name__)


def initialize(pelican):
    """Apply the defaults, check the settings and give templates ``feed_links``."""
    settings = pelican.settings
    for name, default in DEFAULTS.items():
        settings.setdefault(name, default)
    check_settings(settings)
    for name in PELICAN_FEED_SETTINGS:
        if settings.get(name):
            logger.warning("feeds: Pelican's own feed writer is on (%s = %r), so feeds would be "
                           "written twice; set it to None", name, settings[name])
    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), "feed_links": feed_links}


@pass_context
def feed_links(context, kind="site", key=None):
    """The alternate links (``type``, ``href`` relative to the site, ``title``) of one feed."""
    # This feed's own name only (see FeedCatalog.links_index).
    return context.get(links_name(kind, str(key) if key is not None else None)) or []


def add_generator(pelican):
    """Feeds are written by :class:`FeedsGenerator`, after every article is final."""
    return FeedsGenerator


def register():
    """Check the settings once read, and add the feeds generator."""
    signals.initialized.connect(stop_leftover)
    signals.initialized.connect(initialize)
    signals.get_generators.connect(add_generator)
    # After the plugins before it in PLUGINS (the search index): the copy making the
    # feeds works meanwhile.
    signals.finalized.connect(finish)
