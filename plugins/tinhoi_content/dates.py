"""Dates as Vietnamese editors write them, read in the site's time zone.

Accepted: ``2018-08-17``, ``2018-08-17 11:07``, ``2018-08-17T11:07:00+07:00``,
``17/08/2018``, ``17/8/2018 11:07``, ``17-08-2018``, ``17.08.2018`` and times as
``11:07``, ``11:07:30``, ``11h07`` or ``11h``.  A date-time without an offset is
local time in ``TIMEZONE`` (``Asia/Ho_Chi_Minh``); one with an offset is
converted to it.
"""

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from pelican.utils import SafeDatetime

_TIME = r"(?P<hour>\d{1,2})(?:(?::|h)(?P<minute>\d{2})?(?::(?P<second>\d{2}))?)?"
_OFFSET = r"(?P<offset>Z|[+-]\d{2}:?\d{2})?"
_ISO = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    rf"(?:(?:T|\s+)(?:lúc\s+)?{_TIME}\s*{_OFFSET})?$",
    re.IGNORECASE,
)
_VIETNAMESE = re.compile(
    r"^(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})"
    rf"(?:\s*[,|]?\s*(?:lúc\s+)?{_TIME})?$",
    re.IGNORECASE,
)
_TIME_ONLY = re.compile(rf"^{_TIME}$", re.IGNORECASE)

DATE_FORMATS_HINT = "2018-08-17, 2018-08-17 11:07, 17/08/2018 hoặc 17/08/2018 11:07"


class DateError(ValueError):
    """A date the editor wrote cannot be understood; the message says why."""


def parse_date(text, tz_name="Asia/Ho_Chi_Minh"):
    """Parse an editor's date into an aware :class:`SafeDatetime` in ``tz_name``."""
    text = " ".join(str(text).split())
    match = _ISO.match(text) or _VIETNAMESE.match(text)
    if not match:
        raise DateError(f"ngày '{text}' không đúng dạng — cần dạng {DATE_FORMATS_HINT}")
    parts = match.groupdict()
    hour, minute, second = _time_parts(parts, text)
    tz = ZoneInfo(tz_name)
    try:
        naive = datetime(
            int(parts["year"]), int(parts["month"]), int(parts["day"]), hour, minute, second
        )
    except ValueError:
        raise DateError(
            f"ngày '{text}' không có thật (tháng 1–12, ngày phải có trong tháng) — "
            f"cần một ngày có thật, dạng {DATE_FORMATS_HINT}"
        ) from None
    offset = parts.get("offset")
    if offset:
        moment = naive.replace(tzinfo=_fixed_offset(offset)).astimezone(tz)
    else:
        moment = naive.replace(tzinfo=tz)
    return SafeDatetime(
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second,
        tzinfo=tz,
    )


def parse_time_on(day, text):
    """Parse ``text`` as a time on the day of ``day`` (for ``end: "11:30"``), or ``None``."""
    match = _TIME_ONLY.match(" ".join(str(text).split()))
    if not match:
        return None
    hour, minute, second = _time_parts(match.groupdict(), text)
    return day.replace(hour=hour, minute=minute, second=second)


def has_time(text):
    """Whether the editor wrote a time of day in ``text``."""
    text = " ".join(str(text).split())
    match = _ISO.match(text) or _VIETNAMESE.match(text)
    return bool(match and match.group("hour") is not None)


def _time_parts(parts, text):
    hour = int(parts.get("hour") or 0)
    minute = int(parts.get("minute") or 0)
    second = int(parts.get("second") or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise DateError(f"giờ trong '{text}' không có thật — cần giờ 0–23 và phút 0–59")
    return hour, minute, second


def _fixed_offset(offset):
    if offset.upper() == "Z":
        return UTC
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
