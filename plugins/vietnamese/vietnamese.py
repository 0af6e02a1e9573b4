"""vietnamese: Vietnamese dates, money and labels for templates, with no OS locale.

Adds Jinja filters (``vi_date``, ``vi_datetime``, ``vi_time``, ``vi_month``,
``vnd``, ``vi_number``, ``isodate``) and the ``L`` global of theme labels.
Dates are shown in ``TIMEZONE`` and formatted by Babel, so a build never needs
a ``vi_VN`` locale to be installed.

Settings (defaults in ``DEFAULTS``):
``VIETNAMESE_LOCALE`` — the Babel locale (``"vi"``);
``VIETNAMESE_LABELS`` — a dict merged over the built-in labels.
"""

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.core import UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from pelican import signals

from .labels import all_labels

logger = logging.getLogger(__name__)

DEFAULTS = {"VIETNAMESE_LOCALE": "vi", "VIETNAMESE_LABELS": {}}


class Formatter:
    """Formats dates and numbers for one locale and time zone."""

    def __init__(self, locale, timezone):
        # Parsed once: Babel parses a locale given by name on every call (a third of
        # the time it takes to format a date).
        self.locale = Locale.parse(locale)
        self.tz = ZoneInfo(timezone)
        # The same dates are formatted on many pages (an article's date on its page, in
        # every list and feed that shows it); Babel takes ~0.1 ms each time.
        self._formatted = {}

    def _memo(self, kind, compute, value, *args):
        key = (kind, type(value), value, *args)  # 1 == 1.0 == True, but not as text
        try:
            return self._formatted[key]
        except KeyError:
            result = self._formatted[key] = compute(value, *args)
            return result
        except TypeError:  # an unhashable value: nothing to remember it by
            return compute(value, *args)

    def render_fingerprint(self):
        """What shapes this formatter's output (for the render plugin's page reuse)."""
        return (str(self.locale), self.tz.key)

    def local(self, value):
        """``value`` in the site's time zone (naive values are taken as local)."""
        if isinstance(value, datetime):
            return value.replace(tzinfo=self.tz) if value.tzinfo is None else value.astimezone(
                self.tz)
        return value

    def date(self, value, fmt="full"):
        """``Thứ Sáu, 17 tháng 8, 2018`` (``fmt`` is a Babel format or pattern)."""
        return self._memo("date", self._date, value, fmt)

    def _date(self, value, fmt):
        return format_date(self.local(value), fmt, locale=self.locale)

    def datetime(self, value, pattern="EEEE, dd/MM/yyyy HH:mm"):
        """``Thứ Sáu, 17/08/2018 11:07``."""
        return self._memo("datetime", self._datetime, value, pattern)

    def _datetime(self, value, pattern):
        if not isinstance(value, datetime):
            return format_date(value, pattern.split(" HH")[0], locale=self.locale)
        return format_datetime(self.local(value), pattern, tzinfo=self.tz, locale=self.locale)

    def time(self, value):
        """``11:07``."""
        return self._memo("time", self._time, value)

    def _time(self, value):
        return format_datetime(self.local(value), "HH:mm", tzinfo=self.tz, locale=self.locale)

    def month(self, value):
        """``tháng 8 năm 2018``."""
        return f"tháng {value.month} năm {value.year}"

    def number(self, value):
        """``1.500.000.000``."""
        return self._memo("number", self._number, value)

    def _number(self, value):
        return format_decimal(value, locale=self.locale)

    def money(self, value):
        """``1.500.000.000 đồng``."""
        return f"{self.number(value)} đồng"

    def iso(self, value):
        """ISO 8601 with the offset, for ``<time datetime>`` and JSON-LD."""
        return self._memo("iso", self._iso, value)

    def _iso(self, value):
        if isinstance(value, datetime):
            return self.local(value).isoformat()
        if isinstance(value, date):
            return value.isoformat()
        return str(value)


def add_template_helpers(pelican):
    """Put the filters and labels in the Jinja settings (copies, never the user's dicts)."""
    settings = pelican.settings
    for name, default in DEFAULTS.items():
        settings.setdefault(name, default)
    try:
        formatter = Formatter(settings["VIETNAMESE_LOCALE"], settings["TIMEZONE"])
    except (UnknownLocaleError, ValueError, TypeError) as error:
        logger.error("VIETNAMESE_LOCALE = %r: Babel không biết locale này (%s); dùng \"vi\"",
                     settings["VIETNAMESE_LOCALE"], error)
        # For every plugin that formats with it (the feeds' dates), not only the filters.
        settings["VIETNAMESE_LOCALE"] = "vi"
        formatter = Formatter("vi", settings["TIMEZONE"])
    filters = dict(settings.get("JINJA_FILTERS", {}))
    filters.update({
        "vi_date": formatter.date,
        "vi_datetime": formatter.datetime,
        "vi_time": formatter.time,
        "vi_month": formatter.month,
        "vi_number": formatter.number,
        "vnd": formatter.money,
        "isodate": formatter.iso,
    })
    settings["JINJA_FILTERS"] = filters
    labels = {**all_labels(), **settings["VIETNAMESE_LABELS"]}
    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), "L": labels}


def register():
    """Add the template helpers once settings are read."""
    signals.initialized.connect(add_template_helpers)
