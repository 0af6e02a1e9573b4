"""calendars: iCalendar (``.ics``) feeds of the association's events, written with icalendar.

One calendar of every event, and one per event type (``meeting``, ``signing``,
``award``), each with the events that are still to come and those of the past
``CALENDARS_PAST_DAYS`` days: what a subscriber's calendar app shows.  An event
comes from an article's ``event`` block (see ``tinhoi_content/contract.py``).

Each ``VEVENT`` has:

* ``DTSTART``/``DTEND`` in ``Asia/Ho_Chi_Minh`` (``TIMEZONE``) with its
  ``VTIMEZONE``; an event without a time of day (``has_time`` false) is an
  all-day event (``VALUE=DATE``, ``DTEND`` the day after its last day); an event
  with a time and no ``end`` has no ``DTEND`` (it is an instant, RFC 5545);
* ``SUMMARY`` (the article's title), ``LOCATION``, ``ORGANIZER`` (the organiser's
  name as ``CN``; its address is the organisation's page when the organisations
  plugin knows it, else the site, since no e-mail address is known),
  ``DESCRIPTION`` (summary and the main facts), ``URL`` (the article),
  ``CATEGORIES`` (the event type);
* a stable ``UID``: ``<source path relative to content/>@<domain>`` (or the
  front-matter ``id`` when ``TINHOI_EXTRA_FIELDS`` allows it), unchanged when the
  title, slug or content is edited;
* ``DTSTAMP``/``LAST-MODIFIED`` from the article's ``modified`` (else ``date``)
  and ``CREATED`` from its ``date``, in UTC — never the build's clock, so two
  builds of the same content give the same bytes.

Drafts, hidden articles and scheduled articles (dated after the end of
``CALENDARS_TODAY``) are left out.  The calendars are listed in the template
context as ``calendar_catalog`` (the feeds plugin's "Theo dõi" page shows them).

URLs in a calendar are absolute: ``CALENDARS_SITEURL``, else an absolute
``SITEURL``; a local build (``RELATIVE_URLS = True``) uses
``CALENDARS_PREVIEW_SITEURL``; otherwise no calendar is written and a warning says why.

Settings (defaults in ``DEFAULTS``):
``CALENDARS_ALL`` — path of the calendar of every event (``None``: not written);
``CALENDARS_EVENT_TYPE`` — path of each event type's calendar, with ``{slug}``;
``CALENDARS_EVENT_TYPE_SLUGS`` — event type → slug in that path;
``CALENDARS_PAST_DAYS`` — how many days of past events to keep (365);
``CALENDARS_TODAY`` — the day the window is counted from (a date or ISO string;
``None``: the day of the build in ``TIMEZONE``);
``CALENDARS_SITEURL``, ``CALENDARS_PREVIEW_SITEURL`` — base of URLs;
``CALENDARS_ID_AUTHORITY`` — the domain in UIDs (``None``: the host of the base);
``CALENDARS_REFRESH_HOURS`` — how often apps should fetch again (12);
``CALENDARS_PRODID`` — the calendar's ``PRODID``;
``CALENDARS_CACHE_PATH`` — ``".cache/calendars"`` (relative to the folder holding
``PATH``; ``None``: no cache): each calendar's bytes are kept there under the digest of
its fields, its events' properties, the plugin's code, icalendar's version and the time
zone's rules, and read back when the next build makes the same calendar (icalendar is
then not imported at all).
"""

from pelican import signals

from .config import DEFAULTS, check_settings
from .generator import CalendarsGenerator


def initialize(pelican):
    """Apply the defaults and check the settings."""
    settings = pelican.settings
    for name, default in DEFAULTS.items():
        settings.setdefault(name, default)
    check_settings(settings)


def add_generator(pelican):
    """Calendars are written by :class:`CalendarsGenerator`."""
    return CalendarsGenerator


def register():
    """Check the settings once read, and add the calendars generator."""
    signals.initialized.connect(initialize)
    signals.get_generators.connect(add_generator)
