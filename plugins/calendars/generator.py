"""The generator that chooses the events of each calendar and writes the ``.ics`` files."""

import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pelican.generators import Generator
from pelican.utils import sanitised_join

from .cache import CalendarCache, cache_folder
from .config import CalendarsSettingsError, calendars_today, site_base
from .events import aware, calendar_document, event_days, event_properties, sort_key

logger = logging.getLogger(__name__)


@dataclass
class CalendarInfo:
    """One ``.ics`` file, as the "Theo dõi" page lists it."""

    key: str  # "all" or an event type's slug
    name: str
    path: str  # site-relative output path
    url: str  # absolute
    event_type: str | None = None
    articles: list = field(default_factory=list, repr=False)

    @property
    def count(self):
        """How many events the calendar holds."""
        return len(self.articles)

    @property
    def webcal_url(self):
        """The ``webcal://`` address that asks a calendar app to subscribe."""
        parts = urlsplit(self.url)
        return "webcal://" + self.url[len(parts.scheme) + 3:]


class CalendarsGenerator(Generator):
    """Chooses events in ``generate_context`` (``calendar_catalog``), writes them in
    ``generate_output``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calendars = []
        self.base = None

    def generate_context(self):
        """Pick the events of every calendar and list the calendars for templates."""
        self.base, origin = site_base(self.settings)
        if origin == "preview":
            logger.info("calendars: SITEURL is not an absolute address, so calendars link to %s "
                        "(the preview server)", self.base)
        elif origin == "missing":
            logger.warning("calendars: no calendar written — SITEURL %r is not an absolute "
                           "address and calendar apps need absolute links; set SITEURL "
                           "(publishconf.py) or CALENDARS_SITEURL", self.settings.get("SITEURL"))
        self.calendars = self._catalog(self._events()) if self.base else []
        self.context["calendar_catalog"] = self.calendars

    def _events(self):
        """Articles whose event is to come or in the past ``CALENDARS_PAST_DAYS``, by time."""
        settings = self.settings
        tz = ZoneInfo(settings["TIMEZONE"])
        today = calendars_today(settings)
        fixed = settings["CALENDARS_TODAY"] is not None or settings.get("TINHOI_NOW")
        now = (datetime.combine(today + timedelta(days=1), time(), tz) if fixed
               else datetime.now(tz))
        first_kept = today - timedelta(days=settings["CALENDARS_PAST_DAYS"])
        chosen = []
        for article in self.context.get("articles", []):
            event = getattr(article, "event", None)
            if getattr(article, "status", "published") != "published" or not event:
                continue
            if not event.get("date") or aware(article.date, tz) > now:
                continue
            if event_days(event, tz)[1] >= first_kept:
                chosen.append(article)
        authority = self._authority()
        chosen.sort(key=lambda a: sort_key(a, tz, authority))
        return chosen

    def _catalog(self, articles):
        settings = self.settings
        labels = self._labels()
        calendars = []
        if settings["CALENDARS_ALL"]:
            path = settings["CALENDARS_ALL"]
            calendars.append(CalendarInfo("all", labels["calendars"]["all"],
                                          path, f"{self.base}/{path}", articles=articles))
        if settings["CALENDARS_EVENT_TYPE"]:
            type_names = labels["event_types"]
            for event_type, slug in settings["CALENDARS_EVENT_TYPE_SLUGS"].items():
                path = settings["CALENDARS_EVENT_TYPE"].format(slug=slug)
                members = [a for a in articles if a.event.get("type") == event_type]
                calendars.append(CalendarInfo(slug, type_names.get(event_type, event_type), path,
                                              f"{self.base}/{path}", event_type, members))
        return calendars

    def _labels(self):
        """The ``L`` labels of the vietnamese plugin (calendar words under ``calendars``)."""
        labels = self.settings.get("JINJA_GLOBALS", {}).get("L") or {}
        if "calendars" not in labels:
            raise CalendarsSettingsError("the calendars plugin takes its words from the "
                                         "'vietnamese' plugin: add 'vietnamese' to PLUGINS")
        return labels

    def _authority(self):
        return self.settings["CALENDARS_ID_AUTHORITY"] or urlsplit(self.base).hostname

    def generate_output(self, writer):
        """Write every calendar, even one with no event yet: a subscription stays valid."""
        settings = self.settings
        tz = ZoneInfo(settings["TIMEZONE"])
        labels = self._labels()
        words = labels["calendars"]
        site = settings["SITENAME"]
        hours = settings["CALENDARS_REFRESH_HOURS"]
        built = {}
        cache = CalendarCache(cache_folder(settings), settings["TIMEZONE"])
        for calendar in self.calendars:
            events = []
            for article in calendar.articles:
                if article.source_path not in built:
                    built[article.source_path] = event_properties(
                        article, base=self.base, authority=self._authority(), tz=tz,
                        labels=labels)
                events.append(built[article.source_path])
            if calendar.event_type:
                name = words["title_type"].format(name=calendar.name, site=site)
            else:
                name = words["title"].format(site=site)
            meta = {
                "prodid": settings["CALENDARS_PRODID"],
                "name": name,
                "description": words["description"].format(site=site),
                "timezone": settings["TIMEZONE"],
                "url": f"{self.base}/",
                "source": calendar.url,
                "refresh": timedelta(hours=hours) if hours else None,
            }
            self._write(calendar.path, cache.document(calendar_document, meta, events))
        cache.save()
        logger.debug("calendars: %d made, %d from the cache", cache.misses, cache.hits)

    def _write(self, path, data):
        target = sanitised_join(self.output_path, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(data)
        logger.info('Writing "%s"', target)
