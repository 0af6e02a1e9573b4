"""Vietnamese dates and money without any OS locale."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from vietnamese.vietnamese import Formatter


@pytest.fixture
def vi():
    return Formatter("vi", "Asia/Ho_Chi_Minh")


def test_full_date(vi):
    assert vi.date(datetime(2018, 8, 17, 11, 7)) == "Thứ Sáu, 17 tháng 8, 2018"


def test_date_and_time_for_article_pages(vi):
    assert vi.datetime(datetime(2018, 8, 17, 11, 7)) == "Thứ Sáu, 17/08/2018 11:07"


def test_times_are_shown_in_ho_chi_minh_city(vi):
    utc = datetime(2018, 8, 17, 4, 7, tzinfo=ZoneInfo("UTC"))
    assert vi.time(utc) == "11:07"
    assert vi.iso(utc) == "2018-08-17T11:07:00+07:00"


def test_money(vi):
    assert vi.money(1_500_000_000) == "1.500.000.000 đồng"


def test_month(vi):
    assert vi.month(datetime(2018, 8, 1)) == "tháng 8 năm 2018"


def test_no_os_locale_needed(vi, monkeypatch):
    monkeypatch.setenv("LC_ALL", "C")
    monkeypatch.setenv("LANG", "C")
    assert vi.date(datetime(2018, 3, 8)) == "Thứ Năm, 8 tháng 3, 2018"


def test_an_unknown_locale_setting_is_reported_and_vietnamese_used(caplog):
    from types import SimpleNamespace

    from vietnamese.vietnamese import add_template_helpers

    pelican = SimpleNamespace(settings={"VIETNAMESE_LOCALE": "xx", "TIMEZONE": "Asia/Ho_Chi_Minh"})
    add_template_helpers(pelican)
    assert "VIETNAMESE_LOCALE = 'xx'" in caplog.text
    assert pelican.settings["VIETNAMESE_LOCALE"] == "vi"  # what the feeds format with
    vi_date = pelican.settings["JINJA_FILTERS"]["vi_date"]
    assert vi_date(datetime(2018, 8, 17)) == "Thứ Sáu, 17 tháng 8, 2018"


def test_the_formatter_fingerprint_names_the_locale(vi):
    assert vi.render_fingerprint() == ("vi", "Asia/Ho_Chi_Minh")


THEME_PATTERNS = ("full", "dd/MM/yyyy", "EEEE, dd/MM/yyyy HH:mm", "HH:mm")


@pytest.mark.parametrize("locale", ["vi", "en", "fr"])
def test_dates_are_written_as_babel_writes_them(locale):
    """The theme's patterns are written without Babel's per-call work (names asked of
    Babel once per weekday and month): every day of 40 years, at moving times, naive
    and in UTC, gives Babel's own text."""
    from datetime import timedelta

    from babel.dates import format_date, format_datetime

    formatter = Formatter(locale, "Asia/Ho_Chi_Minh")
    assert all(formatter._fast(pattern) is not None for pattern in THEME_PATTERNS)
    start, utc = datetime(1990, 1, 1), ZoneInfo("UTC")
    for day in range(0, 40 * 366, 3):
        naive = start + timedelta(days=day, minutes=37 * day)
        for value in (naive, naive.replace(tzinfo=utc), naive.date()):
            local = formatter.local(value)
            for pattern in ("full", "dd/MM/yyyy"):
                assert formatter.date(value, pattern) == format_date(local, pattern,
                                                                     locale=locale)
            if isinstance(value, datetime):
                for pattern in ("EEEE, dd/MM/yyyy HH:mm", "HH:mm"):
                    assert formatter.datetime(value, pattern) == format_datetime(
                        local, pattern, tzinfo=formatter.tz, locale=locale)


def test_other_patterns_are_left_to_babel(vi):
    """A pattern with a field the fast path does not write (an abbreviated weekday, a
    quarter) is formatted by Babel."""
    assert vi._fast("EEE, dd/MM/yyyy") is None
    assert vi._fast("QQQ y") is None
    assert vi.date(datetime(2018, 8, 17), "EEE, dd/MM/yyyy") == "Thứ 6, 17/08/2018"


def test_a_format_name_for_a_date_and_time_is_babels_date_and_time(vi):
    """``vi_datetime`` with a format name gives Babel's date and time, not the fast
    path's date pattern of that name (which ``vi_date`` uses)."""
    from babel.dates import format_datetime

    value = datetime(2018, 8, 17, 11, 7)
    for name in ("full", "long", "medium"):
        assert vi.datetime(value, name) == format_datetime(
            vi.local(value), name, tzinfo=vi.tz, locale=vi.locale)
    assert vi.date(value, "full") == "Thứ Sáu, 17 tháng 8, 2018"


def test_a_quoted_percent_sign_is_text(vi):
    """A pattern's quoted text may hold what looks like a field of Babel's template."""
    value = datetime(2018, 8, 17)
    assert vi.date(value, "dd '%(d)s' MM") == "17 %(d)s 08"
    assert vi.date(value, "dd'%'MM") == "17%08"


def test_labels_given_in_part_keep_the_others_of_their_group():
    """``VIETNAMESE_LABELS = {"calendars": {"read_more": …}}`` changes that label only: the
    other labels of the group stay (it replaced the whole group, and a template asking
    for another of them failed the build with a bare ``KeyError``)."""
    from types import SimpleNamespace

    from vietnamese.labels import all_labels
    from vietnamese.vietnamese import add_template_helpers

    group = next(key for key, value in all_labels().items()
                 if isinstance(value, dict) and len(value) > 1)
    first, *others = sorted(all_labels()[group])
    pelican = SimpleNamespace(settings={"TIMEZONE": "Asia/Ho_Chi_Minh",
                                        "VIETNAMESE_LABELS": {group: {first: "Nhãn mới"},
                                                              "moi": "Thêm"}})
    add_template_helpers(pelican)
    labels = pelican.settings["JINJA_GLOBALS"]["L"]
    assert labels[group][first] == "Nhãn mới" and labels["moi"] == "Thêm"
    assert {key: labels[group][key] for key in others} == \
        {key: all_labels()[group][key] for key in others}
    assert labels["home"] == all_labels()["home"]


def test_labels_that_are_not_a_dict_are_reported_and_the_built_in_ones_used(caplog):
    from types import SimpleNamespace

    from vietnamese.labels import all_labels
    from vietnamese.vietnamese import add_template_helpers

    pelican = SimpleNamespace(settings={"TIMEZONE": "Asia/Ho_Chi_Minh",
                                        "VIETNAMESE_LABELS": ["Trang chủ"]})
    add_template_helpers(pelican)
    assert "VIETNAMESE_LABELS = ['Trang chủ']" in caplog.text and "cần một dict" in caplog.text
    assert pelican.settings["JINJA_GLOBALS"]["L"] == all_labels()
