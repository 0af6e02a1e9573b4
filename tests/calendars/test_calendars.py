"""Calendars as a subscriber's calendar app reads them: parsed back with icalendar."""

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from tests.feeds.site import SITEURL, build, copy_fixture, edit

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SIGNING = "Ký kết chương trình phối hợp giai đoạn 2018–2020"
MEETING = "Thường trực Thành ủy làm việc với Hội Khuyến học Thành phố"
UPCOMING = "Hội nghị tổng kết năm học sẽ diễn ra vào tháng 11"
AWARD = 'Trao học bổng <b>"1&1"</b> ]]>'


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    return build(tmp_path_factory.mktemp("calendars"))


def calendar(output, name="tat-ca"):
    return icalendar.Calendar.from_ical((output / "lich" / f"{name}.ics").read_bytes())


def events(cal):
    return {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}


def test_upcoming_events_and_the_past_year_only(output):
    found = events(calendar(output))
    # 2018-10-01 is "today": the 2016 signing is too old, the draft and the
    # scheduled article are not published.
    assert set(found) == {SIGNING, MEETING, UPCOMING, AWARD}
    assert [str(e["SUMMARY"]) for e in calendar(output).walk("VEVENT")] == [
        MEETING, SIGNING, AWARD, UPCOMING]  # in time order


def test_one_calendar_per_event_type(output):
    assert set(events(calendar(output, "ky-ket"))) == {SIGNING}
    assert set(events(calendar(output, "lam-viec"))) == {MEETING, UPCOMING}
    assert set(events(calendar(output, "khen-thuong"))) == {AWARD}


def test_timed_event_in_ho_chi_minh_time_with_its_vtimezone(output):
    cal = calendar(output)
    zones = cal.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Asia/Ho_Chi_Minh"]
    signing = events(cal)[SIGNING]
    start, end = signing.decoded("DTSTART"), signing.decoded("DTEND")
    assert start == datetime(2018, 8, 17, 8, 0, tzinfo=HCM)
    assert start.utcoffset() == timedelta(hours=7)
    assert end == datetime(2018, 8, 17, 11, 30, tzinfo=HCM)
    assert signing["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"


def test_event_without_a_time_is_an_all_day_event(output):
    meeting = events(calendar(output))[MEETING]
    assert meeting.decoded("DTSTART") == date(2018, 3, 8)
    assert not isinstance(meeting.decoded("DTSTART"), datetime)
    assert meeting.decoded("DTEND") == date(2018, 3, 9)  # the day after, exclusive
    assert b"DTSTART;VALUE=DATE:20180308" in (output / "lich" / "tat-ca.ics").read_bytes()


def test_event_facts_and_link_back_to_the_article(output):
    signing = events(calendar(output))[SIGNING]
    assert str(signing["LOCATION"]) == "Hội trường UBND quận Cầu Giấy"
    assert signing["ORGANIZER"].params["CN"] == "Hội Khuyến học quận Cầu Giấy"
    url = str(signing["URL"])
    assert url.startswith(f"{SITEURL}/2018/ky-ket-")
    page = output / url[len(SITEURL) + 1:] / "index.html"
    assert page.is_file()
    description = str(signing["DESCRIPTION"])
    assert "Hội Khuyến học quận ký kết với năm đơn vị." in description
    assert "Đoàn TNCS Hồ Chí Minh quận Cầu Giấy" in description
    assert url in description
    assert "Ký kết" in [str(c) for c in signing["CATEGORIES"].cats]


def test_organizer_points_to_the_organisation_page_when_known(output):
    upcoming = events(calendar(output))[UPCOMING]
    assert str(upcoming["ORGANIZER"]) == f"{SITEURL}/to-chuc/hoi-khuyen-hoc-thanh-pho/"
    assert upcoming["ORGANIZER"].params["CN"] == "Hội Khuyến học Thành phố"


def test_timestamps_come_from_the_article_not_the_clock(output):
    signing = events(calendar(output))[SIGNING]
    # modified: 20/08/2018 09:30 in Hà Nội time.
    assert signing.decoded("DTSTAMP") == datetime(2018, 8, 20, 2, 30, tzinfo=UTC)
    assert signing.decoded("LAST-MODIFIED") == datetime(2018, 8, 20, 2, 30, tzinfo=UTC)
    assert signing.decoded("CREATED") == datetime(2018, 8, 17, 4, 7, tzinfo=UTC)


def test_uid_is_unique_and_survives_title_and_slug_edits(tmp_path):
    before = calendar(build(tmp_path / "a"))
    content = copy_fixture(tmp_path / "b")
    edit(content / "2018" / "ky-ket.md", {
        f"title: {SIGNING}": "title: Ký kết (tiêu đề mới)\nslug: ky-ket-moi",
    })
    after = calendar(build(tmp_path / "b", content))
    old, new = events(before)[SIGNING], events(after)["Ký kết (tiêu đề mới)"]
    assert str(old["UID"]) == str(new["UID"]) == "2018/ky-ket.md@tinhoi.example.org"
    assert str(new["URL"]).endswith("/ky-ket-moi/")
    uids = [str(e["UID"]) for e in after.walk("VEVENT")]
    assert len(set(uids)) == len(uids)


def test_past_days_window_is_a_setting(tmp_path):
    output = build(tmp_path, CALENDARS_PAST_DAYS=30)
    assert set(events(calendar(output))) == {AWARD, UPCOMING}
    output = build(tmp_path / "x", CALENDARS_TODAY="2016-06-01")
    # Only what was published by then: the 2016 signing.
    assert set(events(calendar(output))) == {"Lễ ký kết cũ năm 2016"}


def test_a_type_with_no_event_still_has_a_valid_calendar(tmp_path):
    output = build(tmp_path, CALENDARS_PAST_DAYS=0)
    cal = calendar(output, "ky-ket")
    assert str(cal["VERSION"]) == "2.0" and cal.walk("VEVENT") == []
    assert str(cal["X-WR-CALNAME"]).startswith("Lịch sự kiện: Ký kết")


def test_calendar_properties(output):
    cal = calendar(output)
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Ho_Chi_Minh"
    assert str(cal["SOURCE"]) == f"{SITEURL}/lich/tat-ca.ics"
    assert cal.decoded("REFRESH-INTERVAL") == timedelta(hours=12)
    raw = (output / "lich" / "tat-ca.ics").read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")  # CRLF line endings, RFC 5545


def test_publish_build_without_absolute_siteurl_writes_no_calendar(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    output = build(tmp_path, SITEURL="", RELATIVE_URLS=False)
    assert not (output / "lich").exists()
    assert [r for r in caplog.records if r.name.startswith("calendars")]


@pytest.mark.parametrize("override", [
    {"CALENDARS_PAST_DAYS": -1}, {"CALENDARS_TODAY": "mai"},
    {"CALENDARS_EVENT_TYPE": "lich/su-kien.ics"},
])
def test_unusable_settings_stop_the_build_with_a_clear_error(tmp_path, override):
    from calendars.config import CalendarsSettingsError

    with pytest.raises(CalendarsSettingsError) as error:
        build(tmp_path, **override)
    assert next(iter(override)) in str(error.value)


def ics_files(output):
    return {path.name: path.read_bytes() for path in sorted((output / "lich").glob("*.ics"))}


def test_a_build_making_the_same_calendars_reads_them_from_the_cache(tmp_path, monkeypatch):
    """The next build with the same events writes the same bytes without icalendar; an
    edited event makes again the calendars holding it, as a build without the cache
    would; a damaged kept document is made again."""
    import pickle
    import sys

    import calendars.events as calendar_events

    content = copy_fixture(tmp_path)
    first = ics_files(build(tmp_path, content))
    kept = tmp_path / ".cache" / "calendars" / "lich.pickle"
    assert kept.is_file()
    made = []
    original = calendar_events.build_calendar

    def counting(events, *, meta):
        made.append(meta["source"].rsplit("/", 1)[-1])
        return original(events, meta=meta)

    monkeypatch.setattr(calendar_events, "build_calendar", counting)
    with monkeypatch.context() as blocked:  # icalendar cannot even be imported
        for name in [name for name in sys.modules if name.split(".")[0] == "icalendar"]:
            blocked.setitem(sys.modules, name, None)
        blocked.setitem(sys.modules, "icalendar", None)
        assert ics_files(build(tmp_path / "again", content)) == first
    assert made == []
    edit(content / "2018" / "ky-ket.md", {f"title: {SIGNING}": "title: Ký kết (tiêu đề mới)"})
    edited = ics_files(build(tmp_path / "edited", content))
    assert sorted(made) == ["ky-ket.ics", "tat-ca.ics"]
    assert edited == ics_files(build(tmp_path / "plain", content, CALENDARS_CACHE_PATH=None))
    assert edited["ky-ket.ics"] != first["ky-ket.ics"]
    assert edited["lam-viec.ics"] == first["lam-viec.ics"]
    # The last build's documents only: the signing's old calendars are let go.
    assert sorted(pickle.loads(kept.read_bytes()[16:]).values()) == sorted(edited.values())
    kept.write_bytes(kept.read_bytes()[:-3] + b"xyz")
    made.clear()
    assert ics_files(build(tmp_path / "damaged", content)) == edited
    assert len(made) == len(first)
