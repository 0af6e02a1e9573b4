"""The ``CALENDARS_*`` settings: defaults, checks, and the values derived from them."""

from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

DEFAULTS = {
    "CALENDARS_ALL": "lich/tat-ca.ics",
    "CALENDARS_EVENT_TYPE": "lich/{slug}.ics",
    "CALENDARS_EVENT_TYPE_SLUGS": {"meeting": "lam-viec", "signing": "ky-ket",
                                   "award": "khen-thuong"},
    "CALENDARS_PAST_DAYS": 365,
    "CALENDARS_TODAY": None,
    "CALENDARS_SITEURL": None,
    "CALENDARS_PREVIEW_SITEURL": "http://127.0.0.1:8000",
    "CALENDARS_ID_AUTHORITY": None,
    "CALENDARS_REFRESH_HOURS": 12,
    "CALENDARS_PRODID": "-//tinhoi//Lich su kien//VI",
    "CALENDARS_CACHE_PATH": ".cache/calendars",
}


class CalendarsSettingsError(ValueError):
    """A ``CALENDARS_*`` setting cannot be used."""


def calendars_today(settings):
    """``CALENDARS_TODAY`` as a date (else the build's ``TINHOI_NOW``, else today)."""
    value = settings["CALENDARS_TODAY"]
    if value is None:
        value = settings.get("TINHOI_NOW")
    if value is None:
        return datetime.now(ZoneInfo(settings["TIMEZONE"])).date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError as error:
            raise CalendarsSettingsError(f"CALENDARS_TODAY {value!r} is not a date like "
                                         "'2018-10-01'") from error
    if isinstance(value, datetime):
        zone = ZoneInfo(settings["TIMEZONE"])
        return (value.astimezone(zone) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    raise CalendarsSettingsError(f"CALENDARS_TODAY must be a date or None, not {value!r}")


def check_settings(settings):
    """Raise :class:`CalendarsSettingsError` for a setting that cannot be used."""
    days = settings["CALENDARS_PAST_DAYS"]
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        raise CalendarsSettingsError(f"CALENDARS_PAST_DAYS must be a whole number of days "
                                     f"(0 or more), not {days!r}")
    hours = settings["CALENDARS_REFRESH_HOURS"]
    if hours is not None and (not isinstance(hours, int) or isinstance(hours, bool) or hours < 1):
        raise CalendarsSettingsError(f"CALENDARS_REFRESH_HOURS must be a whole number of hours "
                                     f"from 1, or None, not {hours!r}")
    pattern = settings["CALENDARS_EVENT_TYPE"]
    if pattern and "{slug}" not in pattern:
        raise CalendarsSettingsError(f"CALENDARS_EVENT_TYPE = {pattern!r} needs '{{slug}}', like "
                                     f"{DEFAULTS['CALENDARS_EVENT_TYPE']!r}")
    for name in ("CALENDARS_SITEURL", "CALENDARS_PREVIEW_SITEURL"):
        if settings[name] and not is_absolute(settings[name]):
            raise CalendarsSettingsError(f"{name} = {settings[name]!r} must be an absolute "
                                         "http(s) address")
    calendars_today(settings)


def is_absolute(url):
    """Whether ``url`` is an absolute http(s) address."""
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def site_base(settings):
    """``(base, origin)`` — see the module docstring; ``base`` is ``None`` when missing."""
    for name in ("CALENDARS_SITEURL", "SITEURL"):
        value = (settings.get(name) or "").strip()
        if is_absolute(value):
            return value.rstrip("/"), "site"
    if settings.get("RELATIVE_URLS") and settings.get("CALENDARS_PREVIEW_SITEURL"):
        return settings["CALENDARS_PREVIEW_SITEURL"].rstrip("/"), "preview"
    return None, "missing"
