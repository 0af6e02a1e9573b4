"""events: what the association has done, by kind of event and by year.

Reads the ``event`` dict the article contract puts on published articles and
writes, with the ``events.html`` template:

* one page of every event (``su-kien/``),
* one page per event type, always, with a sentence when it has no event yet
  (``su-kien/lam-viec/``, ``su-kien/ky-ket/``, ``su-kien/khen-thuong/``),
* one page per year that has events (``su-kien/2018/``).

On each page upcoming events (soonest first) are listed apart from past ones
(newest first, grouped by year in the template).  The past events are
paginated by Pelican's paginator as ``events`` (``events_page``,
``events_paginator``, …); the upcoming ones are on the first page.  An event is
upcoming when its last day (``end`` or else ``date``, in ``TIMEZONE``) is the
build date or later.

Template variables: ``events_index`` (the page being written: ``title``,
``kind`` — ``"all"``, ``"type"`` or ``"year"`` —, ``event_type``, ``year``,
``url``, ``upcoming``, ``past``, ``count``), ``events_all`` (the page of every
event), ``events_type_pages`` and ``events_year_pages`` (for links between pages).

Settings (defaults in ``DEFAULTS``):
``EVENTS_URL`` (``"su-kien/"``), ``EVENTS_SAVE_AS`` (``"su-kien/index.html"``) — every event;
``EVENTS_TYPE_URL`` (``"su-kien/{slug}/"``), ``EVENTS_TYPE_SAVE_AS``
(``"su-kien/{slug}/index.html"``) — one event type;
``EVENTS_TYPE_SLUGS`` (``{"meeting": "lam-viec", "signing": "ky-ket", "award":
"khen-thuong"}``) — the slug of each type's page, in the order pages are listed;
``EVENTS_YEAR_URL`` (``"su-kien/{year}/"``), ``EVENTS_YEAR_SAVE_AS``
(``"su-kien/{year}/index.html"``) — one year;
``EVENTS_TODAY`` (``None``) — the build date that splits upcoming from past: a
``date``, an aware ``datetime`` or ``"YYYY-MM-DD"``; ``None`` is today in ``TIMEZONE``
(set it to make a build reproducible);
``EVENTS_PAGINATION`` (``None``) — past events per page, put in
``PAGINATED_TEMPLATES["events"]`` unless that is set already; ``None`` means
``DEFAULT_PAGINATION``.
"""

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.generators import Generator

logger = logging.getLogger(__name__)


DEFAULTS = {
    "EVENTS_URL": "su-kien/",
    "EVENTS_SAVE_AS": "su-kien/index.html",
    "EVENTS_TYPE_URL": "su-kien/{slug}/",
    "EVENTS_TYPE_SAVE_AS": "su-kien/{slug}/index.html",
    "EVENTS_TYPE_SLUGS": {"meeting": "lam-viec", "signing": "ky-ket", "award": "khen-thuong"},
    "EVENTS_YEAR_URL": "su-kien/{year}/",
    "EVENTS_YEAR_SAVE_AS": "su-kien/{year}/index.html",
    "EVENTS_TODAY": None,
    "EVENTS_PAGINATION": None,
}


class EventsConfigError(Exception):
    """The EVENTS_* settings cannot be used."""


def apply_settings(pelican):
    """Apply defaults, check them, and let event pages paginate."""
    settings = pelican.settings
    for name, default in DEFAULTS.items():
        settings.setdefault(name, default)
    build_date(settings)  # fail early on an unusable EVENTS_TODAY
    slugs = settings["EVENTS_TYPE_SLUGS"]
    if not isinstance(slugs, dict) or not all(isinstance(s, str) and s for s in slugs.values()):
        raise EventsConfigError("EVENTS_TYPE_SLUGS must map each event type to a slug, "
                                "e.g. {'meeting': 'lam-viec'}")
    for name, field in (("EVENTS_TYPE_URL", "{slug}"), ("EVENTS_TYPE_SAVE_AS", "{slug}"),
                        ("EVENTS_YEAR_URL", "{year}"), ("EVENTS_YEAR_SAVE_AS", "{year}")):
        if field not in settings[name]:
            raise EventsConfigError(f"{name} must contain '{field}'")
    paginated = dict(settings.get("PAGINATED_TEMPLATES") or {})
    paginated.setdefault("events", settings["EVENTS_PAGINATION"])
    settings["PAGINATED_TEMPLATES"] = paginated


def build_date(settings):
    """The date that splits upcoming events from past ones."""
    tz = ZoneInfo(settings.get("TIMEZONE") or "Asia/Ho_Chi_Minh")
    today = settings.get("EVENTS_TODAY")
    if today is None:
        today = settings.get("TINHOI_NOW")  # the build's moment, shared by every plugin
    if today is None:
        return datetime.now(tz).date()
    if isinstance(today, datetime):
        return (today.astimezone(tz) if today.tzinfo else today).date()
    if isinstance(today, date):
        return today
    if isinstance(today, str):
        try:
            return date.fromisoformat(today.strip())
        except ValueError:
            pass
    raise EventsConfigError(f"EVENTS_TODAY is {today!r} — expected None, a date or "
                            "'YYYY-MM-DD'")


class EventsPage:
    """One index page: every event, one type or one year."""

    def __init__(self, kind, url, save_as, events, today, tz, *, event_type=None, year=None):
        self.kind = kind
        self.url = url
        self.save_as = save_as
        self.event_type = event_type
        self.year = year
        self.upcoming = sorted((a for a in events if _last_day(a, tz) >= today), key=_order)
        self.past = sorted((a for a in events if _last_day(a, tz) < today), key=_order,
                           reverse=True)

    @property
    def count(self):
        return len(self.upcoming) + len(self.past)

    @property
    def page_name(self):
        return self.url.rstrip("/")


def _last_day(article, tz):
    event = article.event
    return (event.get("end") or event["date"]).astimezone(tz).date()


def _order(article):
    return (article.event["date"], article.date, article.slug)


def _has_event(article):
    event = getattr(article, "event", None)
    return isinstance(event, dict) and isinstance(event.get("date"), datetime)


class EventsGenerator(Generator):
    """Collects the events of published articles and writes their index pages."""

    def generate_context(self):
        settings = self.settings
        tz = ZoneInfo(settings["TIMEZONE"])
        today = build_date(settings)
        events = [a for a in self.context.get("articles", []) if _has_event(a)]
        self.all_page = EventsPage("all", settings["EVENTS_URL"], settings["EVENTS_SAVE_AS"],
                                   events, today, tz)
        self.type_pages = []
        for kind, slug in settings["EVENTS_TYPE_SLUGS"].items():
            self.type_pages.append(EventsPage(
                "type", settings["EVENTS_TYPE_URL"].format(slug=slug),
                settings["EVENTS_TYPE_SAVE_AS"].format(slug=slug),
                [a for a in events if a.event.get("type") == kind], today, tz,
                event_type=kind))
        known = set(settings["EVENTS_TYPE_SLUGS"])
        for article in events:
            if article.event.get("type") not in known:
                logger.warning("%s: sự kiện loại %r không có trang riêng — thêm loại này vào "
                               "EVENTS_TYPE_SLUGS", article.source_path, article.event.get("type"))
        years = sorted({a.event["date"].astimezone(tz).year for a in events}, reverse=True)
        self.year_pages = [
            EventsPage("year", settings["EVENTS_YEAR_URL"].format(year=year),
                       settings["EVENTS_YEAR_SAVE_AS"].format(year=year),
                       [a for a in events if a.event["date"].astimezone(tz).year == year],
                       today, tz, year=year)
            for year in years
        ]
        logger.debug("events: %d events, %d upcoming on %s", len(events),
                     len(self.all_page.upcoming), today)

    def generate_output(self, writer):
        template = self.get_template("events")
        shared = {"events_all": self.all_page, "events_type_pages": self.type_pages,
                  "events_year_pages": self.year_pages}
        for page in [self.all_page, *self.type_pages, *self.year_pages]:
            writer.write_file(page.save_as, template, self.context,
                              relative_urls=self.settings["RELATIVE_URLS"],
                              paginated={"events": page.past}, template_name="events",
                              url=page.url, page_name=page.page_name, events_index=page,
                              **shared)


def get_generators(pelican):
    return EventsGenerator


def register():
    """Connect the settings check and the page generator."""
    signals.initialized.connect(apply_settings)
    signals.get_generators.connect(get_generators)
