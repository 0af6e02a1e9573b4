"""The ``FEEDS_*`` settings: defaults, checks, and the values derived from them."""

from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

DEFAULTS = {
    "FEEDS_SITEURL": None,
    "FEEDS_PREVIEW_SITEURL": "http://127.0.0.1:8000",
    "FEEDS_ID_AUTHORITY": None,
    "FEEDS_MAX_ITEMS": 30,
    "FEEDS_NOW": None,
    "FEEDS_ALL_ATOM": "feeds/tat-ca.atom.xml",
    "FEEDS_ALL_RSS": "feeds/tat-ca.rss.xml",
    "FEEDS_ALL_JSON": "feeds/tat-ca.json",
    "FEEDS_EVENT_TYPE_ATOM": "feeds/su-kien/{slug}.atom.xml",
    "FEEDS_EVENT_TYPE_RSS": "feeds/su-kien/{slug}.rss.xml",
    "FEEDS_EVENT_TYPE_SLUGS": {"meeting": "lam-viec", "signing": "ky-ket", "award": "khen-thuong"},
    "FEEDS_EVENT_TYPE_PAGE_URL": None,
    "FEEDS_CATEGORY_ATOM": "feeds/chuyen-muc/{slug}.atom.xml",
    "FEEDS_CATEGORY_RSS": "feeds/chuyen-muc/{slug}.rss.xml",
    "FEEDS_TAG_ATOM": "feeds/chu-de/{slug}.atom.xml",
    "FEEDS_TAG_RSS": "feeds/chu-de/{slug}.rss.xml",
    "FEEDS_ORGANISATION_ATOM": "feeds/to-chuc/{slug}.atom.xml",
    "FEEDS_ORGANISATION_RSS": "feeds/to-chuc/{slug}.rss.xml",
    "FEEDS_SUBSCRIBE_URL": "theo-doi/",
    "FEEDS_SUBSCRIBE_SAVE_AS": "theo-doi/index.html",
    "FEEDS_CACHE_PATH": ".cache/feeds",
    "FEEDS_BACKGROUND": True,
}

PER_SLUG_PATHS = (
    "FEEDS_EVENT_TYPE_ATOM", "FEEDS_EVENT_TYPE_RSS", "FEEDS_CATEGORY_ATOM", "FEEDS_CATEGORY_RSS",
    "FEEDS_TAG_ATOM", "FEEDS_TAG_RSS", "FEEDS_ORGANISATION_ATOM", "FEEDS_ORGANISATION_RSS",
)
PELICAN_FEED_SETTINGS = (
    "FEED_ALL_ATOM", "FEED_ALL_RSS", "FEED_ATOM", "FEED_RSS", "CATEGORY_FEED_ATOM",
    "CATEGORY_FEED_RSS", "TAG_FEED_ATOM", "TAG_FEED_RSS", "AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS",
    "TRANSLATION_FEED_ATOM", "TRANSLATION_FEED_RSS",
)


class FeedsSettingsError(ValueError):
    """A ``FEEDS_*`` setting cannot be used."""


def site_base(settings):
    """The absolute base URL of feed links (no trailing slash), and where it came from.

    Returns ``(base, origin)``: ``origin`` is ``"site"`` (``FEEDS_SITEURL`` or an
    absolute ``SITEURL``), ``"preview"`` (a local build: ``FEEDS_PREVIEW_SITEURL``)
    or ``"missing"`` (``base`` is ``None``: no feed can be written).
    """
    for name in ("FEEDS_SITEURL", "SITEURL"):
        value = (settings.get(name) or "").strip()
        if is_absolute(value):
            return value.rstrip("/"), "site"
    if settings.get("RELATIVE_URLS") and settings.get("FEEDS_PREVIEW_SITEURL"):
        return settings["FEEDS_PREVIEW_SITEURL"].rstrip("/"), "preview"
    return None, "missing"


def feeds_now(settings):
    """``FEEDS_NOW`` as an aware datetime (else the build's ``TINHOI_NOW``, else now)."""
    value = settings["FEEDS_NOW"]
    if value is None:
        value = settings.get("TINHOI_NOW")
    return parse_now(value, ZoneInfo(settings["TIMEZONE"]))


def parse_now(value, tz):
    """A datetime, a date (its end), an ISO string or ``None`` (now) as an aware datetime."""
    if value is None:
        return datetime.now(tz)
    if isinstance(value, str):
        value = _parse_iso(value.strip())
    if isinstance(value, datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value
    if isinstance(value, date):
        return datetime.combine(value + timedelta(days=1), time(), tz) - timedelta(microseconds=1)
    raise FeedsSettingsError(f"FEEDS_NOW must be a date, a datetime or None, not {value!r}")


def _parse_iso(text):
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            return parse(text)
        except ValueError:
            continue
    raise FeedsSettingsError(f"FEEDS_NOW {text!r} is not an ISO date or time, like '2018-10-01'")


def check_settings(settings):
    """Raise :class:`FeedsSettingsError` for a setting that cannot be used."""
    max_items = settings["FEEDS_MAX_ITEMS"]
    if max_items is not None and (not isinstance(max_items, int) or isinstance(max_items, bool)
                                  or max_items < 1):
        raise FeedsSettingsError(f"FEEDS_MAX_ITEMS must be a whole number from 1, or None "
                                 f"for every article, not {max_items!r}")
    for name in PER_SLUG_PATHS:
        value = settings[name]
        if value and "{slug}" not in value:
            raise FeedsSettingsError(f"{name} = {value!r} needs '{{slug}}', like "
                                     f"{DEFAULTS[name]!r} (or None to turn it off)")
    for name in ("FEEDS_SITEURL", "FEEDS_PREVIEW_SITEURL"):
        value = settings[name]
        if value and not is_absolute(value):
            raise FeedsSettingsError(f"{name} = {value!r} must be an absolute http(s) address, "
                                     "like 'https://tinhoi.example.org'")
    slugs = settings["FEEDS_EVENT_TYPE_SLUGS"]
    if not isinstance(slugs, dict) or not all(isinstance(v, str) and v for v in slugs.values()):
        raise FeedsSettingsError("FEEDS_EVENT_TYPE_SLUGS must map each event type to a slug, "
                                 f"like {DEFAULTS['FEEDS_EVENT_TYPE_SLUGS']!r}")
    parse_now(settings["FEEDS_NOW"], ZoneInfo(settings["TIMEZONE"]))


def is_absolute(url):
    """Whether ``url`` is an absolute http(s) address."""
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)
