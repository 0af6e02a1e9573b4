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
