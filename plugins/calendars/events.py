"""One article's ``event`` as an iCalendar ``VEVENT``, and the calendar that holds them."""

import unicodedata
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from markupsafe import Markup

# icalendar is imported when the first calendar is made, not with the plugin: its import
# took 0.06 s of every build's start, when only the build process runs (and a build that
# keeps the site as it is never makes a calendar).  ``PRELOAD`` names it for the live
# preview, which imports the libraries its next build needs ahead of time.
PRELOAD = ("icalendar",)


def aware(value, tz):
    """``value`` as an aware datetime in ``tz`` (a date is its midnight)."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)


def event_days(event, tz):
    """The first and last local day of ``event``."""
    first = aware(event["date"], tz).date()
    last = aware(event["end"], tz).date() if event.get("end") else first
    return first, max(first, last)


def event_uid(article, authority):
    """``<source path>@<domain>`` — unchanged by edits of the title, slug or content."""
    pinned = str(article.metadata.get("id") or "").strip()
    specific = pinned or article.get_relative_source_path() or article.slug
    specific = unicodedata.normalize("NFC", specific)
    return f"{quote(specific, safe='/-._~')}@{authority}"


def sort_key(article, tz, authority):
    """Events in time order; the UID breaks ties so the order never depends on reading order."""
    return (aware(article.event["date"], tz).astimezone(UTC), event_uid(article, authority))


def event_properties(article, *, base, authority, tz, labels):
    """The properties of ``article.event``'s ``VEVENT``, in order, as plain data:
    ``[(name, value, parameters or None)]`` (what the calendars' cache keys a calendar
    by, without icalendar)."""
    event = article.event
    url = f"{base}/{article.url}"
    created = aware(article.date, tz)
    modified = getattr(article, "modified", None)
    stamp = max(created, aware(modified, tz)) if modified else created
    properties = [
        ("uid", event_uid(article, authority), None),
        ("dtstamp", stamp.astimezone(UTC), None),
        ("created", created.astimezone(UTC), None),
        ("last-modified", stamp.astimezone(UTC), None),
        ("summary", str(article.title), None),
    ]
    if event.get("has_time"):
        properties.append(("dtstart", aware(event["date"], tz), None))
        if event.get("end"):
            properties.append(("dtend", aware(event["end"], tz), None))
    else:
        first, last = event_days(event, tz)
        properties += [("dtstart", first, None), ("dtend", last + timedelta(days=1), None),
                       ("transp", "TRANSPARENT", None)]
    if event.get("location"):
        properties.append(("location", event["location"], None))
    if event.get("organizer"):
        properties.append(("organizer", _organizer_address(article, event["organizer"], base),
                           {"CN": event["organizer"]}))
    properties += [("url", url, {"VALUE": "URI"}),
                   ("description", _description(article, event, url, labels), None)]
    type_name = labels["event_types"].get(event.get("type"), event.get("type"))
    if type_name:
        properties.append(("categories", [type_name], None))
    properties += [("status", "CONFIRMED", None), ("class", "PUBLIC", None)]
    return properties


def vevent(properties):
    """The ``VEVENT`` holding ``properties`` (see :func:`event_properties`)."""
    from icalendar import Event

    event = Event()
    for name, value, parameters in properties:
        event.add(name, value, parameters=parameters)
    return event


def build_calendar(events, *, meta):
    """A ``VCALENDAR`` (``meta``: prodid, name, description, timezone, url, source,
    refresh) holding ``events`` (``VEVENT`` components)."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", meta["prodid"])
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", meta["name"])
    calendar.add("x-wr-calname", meta["name"])
    calendar.add("description", meta["description"])
    calendar.add("x-wr-caldesc", meta["description"])
    calendar.add("x-wr-timezone", meta["timezone"])
    calendar.add("url", meta["url"], parameters={"VALUE": "URI"})
    calendar.add("source", meta["source"], parameters={"VALUE": "URI"})
    if meta.get("refresh"):
        calendar.add("refresh-interval", meta["refresh"], parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", _duration_text(meta["refresh"]))
    for component in events:
        calendar.add_component(component)
    calendar.add_missing_timezones()
    return calendar


def calendar_document(event_lists, *, meta):
    """The ``.ics`` bytes of a calendar: ``meta`` (see :func:`build_calendar`) and the
    properties of each of its events (see :func:`event_properties`)."""
    return build_calendar([vevent(properties) for properties in event_lists],
                          meta=meta).to_ical()


def _organizer_address(article, name, base):
    """The organiser's page when the organisations plugin knows it, else the site."""
    wanted = _fold(name)
    for organisation in getattr(article, "organisations", None) or []:
        if (isinstance(organisation, dict) and organisation.get("url")
                and _fold(str(organisation.get("name", ""))) == wanted):
            return f"{base}/{str(organisation['url']).lstrip('/')}"
    return f"{base}/"


def _description(article, event, url, labels):
    lines = []
    summary = article.metadata.get("summary")
    if summary:
        lines.append(" ".join(Markup(str(summary)).striptags().split()))
    facts = []
    if event.get("parties"):
        facts.append((labels["event_parties"], ", ".join(event["parties"])))
    if event.get("programme"):
        facts.append((labels["event_programme"], event["programme"]))
    if event.get("award"):
        facts.append((labels["event_award"], event["award"]))
    if event.get("sponsor"):
        facts.append((labels["event_sponsor"], event["sponsor"]))
    if event.get("participants"):
        people = "; ".join(p["name"] + (f" ({p['role']})" if p.get("role") else "")
                           for p in event["participants"])
        facts.append((labels["event_participants"], people))
    if facts:
        if lines:
            lines.append("")
        lines.extend(f"{name}: {value}" for name, value in facts)
    if lines:
        lines.append("")
    lines.append(f"{labels['calendars']['read_more']}: {url}")
    return "\n".join(lines)


def _duration_text(delta):
    hours, seconds = divmod(int(delta.total_seconds()), 3600)
    return f"PT{hours}H" + (f"{seconds // 60}M" if seconds else "")


def _fold(text):
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())

