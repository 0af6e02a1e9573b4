"""schedule: drafts only in preview, articles dated in the future only after their date.

An article whose ``date`` is after "now" is *scheduled*: it is moved to the drafts
before Pelican builds its indexes, so it is absent from the home page, categories,
tags, archives, feeds, sitemap and search of every build made before its date, and
appears by itself in the first build after it.  Drafts (``status: draft``) and
scheduled articles are written (to ``DRAFT_SAVE_AS``, where the theme marks them
"Bản nháp") only when ``SCHEDULE_SHOW_DRAFTS`` is on — ``make devserver`` turns it
on; ``make html`` and ``make publish`` leave it off, so a published site never holds
a draft.

This replaces Pelican's ``WITH_FUTURE_DATES = False`` (which compares with the
machine's clock and cannot be fixed for a test): keep ``WITH_FUTURE_DATES`` at
Pelican's default ``True``.  When it is ``False`` anyway, an article Pelican made a
draft only because of its date is given back its status once "now" has passed it.

Settings (defaults in ``DEFAULTS``):
``SCHEDULE_NOW`` — the moment that decides what is scheduled: an aware or naive
datetime (naive means ``TIMEZONE``), a date (the end of that day), an ISO string
(``"2018-08-17"``, ``"2018-08-17 11:07"``), or ``None`` for the environment variable
``TINHOI_NOW`` (same forms; the setting, then the environment variable) and else
the time of the build.  The moment is read once, at start, and stored back as
``TINHOI_NOW`` for the other plugins;
``SCHEDULE_SHOW_DRAFTS`` — write drafts and scheduled articles (preview only).
"""

import datetime
import logging
import os
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.utils import order_content

logger = logging.getLogger(__name__)

DEFAULTS = {
    "SCHEDULE_NOW": None,
    "SCHEDULE_SHOW_DRAFTS": False,
}
ENVIRONMENT_NOW = "TINHOI_NOW"


class ScheduleSettingsError(ValueError):
    """``SCHEDULE_NOW`` (or ``TINHOI_NOW``) cannot be read as a moment."""


def initialize(pelican):
    """Apply the defaults, read the build's moment once and share it as ``TINHOI_NOW``.

    Every plugin that needs "now" (upcoming events, calendars, feeds) falls back
    to ``TINHOI_NOW``, so one fixed clock (a setting or the environment variable)
    moves them all together and a build never disagrees with itself.
    """
    for name, value in DEFAULTS.items():
        pelican.settings.setdefault(name, value)
    pelican.settings["TINHOI_NOW"] = schedule_now(pelican.settings)


def schedule_now(settings):
    """The aware moment that separates published from scheduled articles."""
    tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    value = settings.get("SCHEDULE_NOW")
    source = "SCHEDULE_NOW"
    if value in (None, ""):
        value, source = settings.get("TINHOI_NOW"), "TINHOI_NOW"
    if value in (None, ""):
        value, source = os.environ.get(ENVIRONMENT_NOW) or None, ENVIRONMENT_NOW
    if value is None:
        return datetime.datetime.now(tz)
    return parse_moment(value, tz, source)


def parse_moment(value, tz, name="SCHEDULE_NOW"):
    """Read a datetime, a date (end of that day) or an ISO string in ``tz``."""
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time.max, tzinfo=tz)
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return parse_moment(datetime.date.fromisoformat(text), tz, name)
            return parse_moment(datetime.datetime.fromisoformat(text), tz, name)
        except ValueError:
            pass
    raise ScheduleSettingsError(
        f"{name} {value!r} is not a date or a time like '2018-08-17' or '2018-08-17 11:07'")


def schedule(generator):
    """Move articles dated after now to the drafts; drop the drafts unless previewing."""
    settings = generator.settings
    now = schedule_now(settings)
    articles, drafts = _split(generator.articles, now)
    hidden, hidden_drafts = _split(generator.hidden_articles, now)
    translations, draft_translations = _split(generator.translations, now)
    hidden_translations, hidden_draft_translations = _split(generator.hidden_translations, now)
    kept_drafts, back = _give_back(generator.drafts, now)
    kept_draft_translations, back_translations = _give_back(generator.drafts_translations, now)

    order = settings["ARTICLE_ORDER_BY"]
    generator.articles = order_content(
        articles + [a for a in back if a.status == "published"], order)
    generator.hidden_articles = order_content(
        hidden + [a for a in back if a.status == "hidden"], order)
    generator.translations = translations + [
        a for a in back_translations if a.status == "published"]
    generator.hidden_translations = hidden_translations + [
        a for a in back_translations if a.status == "hidden"]

    drafts = order_content(kept_drafts + drafts + hidden_drafts, order)
    draft_translations = kept_draft_translations + draft_translations + hidden_draft_translations
    if settings.get("SCHEDULE_SHOW_DRAFTS", DEFAULTS["SCHEDULE_SHOW_DRAFTS"]):
        for draft in drafts + draft_translations:
            if getattr(draft, "scheduled", False):
                logger.info("Hẹn đăng %s: %s (xem trước: %s)", draft.date.isoformat(),
                            draft.get_relative_source_path(), draft.url)
            else:
                logger.info("Bản nháp: %s (xem trước: %s)",
                            draft.get_relative_source_path(), draft.url)
        generator.drafts, generator.drafts_translations = drafts, draft_translations
    else:
        for draft in drafts + draft_translations:
            logger.debug("not written (draft or scheduled): %s", draft.get_relative_source_path())
        generator.drafts, generator.drafts_translations = [], []


def _split(contents, now):
    """``(kept, scheduled)``: the scheduled ones become drafts, marked ``scheduled``."""
    kept, scheduled = [], []
    for content in contents:
        if _is_after(content, now):
            content.status = "draft"
            content.scheduled = True
            scheduled.append(content)
        else:
            kept.append(content)
    return kept, scheduled


def _give_back(drafts, now):
    """Undo Pelican's ``WITH_FUTURE_DATES = False`` for the articles now due."""
    kept, due = [], []
    for draft in drafts:
        written = str(draft.metadata.get("status", "published")).lower()
        if written == "draft":
            kept.append(draft)
        elif _is_after(draft, now):
            draft.scheduled = True
            kept.append(draft)
        else:
            draft.status = written
            due.append(draft)
    return kept, due


def _is_after(content, now):
    date = getattr(content, "date", None)
    if date is None:
        return False
    if date.tzinfo is None:
        date = date.replace(tzinfo=now.tzinfo)
    return date > now


def register():
    """Connect the scheduler to Pelican's signals."""
    signals.initialized.connect(initialize)
    signals.article_generator_pretaxonomy.connect(schedule)
