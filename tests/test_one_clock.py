"""One clock for a build: TINHOI_NOW moves scheduling, upcoming events, feeds and calendars."""

import feedparser
import icalendar

from tests.conftest import parse_html

PLUGINS = ["tinhoi_content", "vietnamese", "schedule", "events", "feeds", "calendars"]
SITEURL = "https://tinhoi.example.org"


def build(build_site, now):
    return build_site("feeds", PLUGINS=PLUGINS, SITEURL=SITEURL, RELATIVE_URLS=False,
                      TINHOI_NOW=now)


def titles_in_feed(output):
    return {e.title for e in feedparser.parse(str(output / "feeds" / "tat-ca.atom.xml")).entries}


def upcoming_titles(output):
    page = parse_html(output / "su-kien" / "index.html")
    return " ".join(" ".join(s.text_content().split())
                    for s in page.xpath("//section[@class='events-upcoming']"))


def calendar_summaries(output):
    calendar = icalendar.Calendar.from_ical((output / "lich" / "tat-ca.ics").read_bytes())
    return {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}


def test_before_the_meeting_is_announced(build_site):
    output = build(build_site, "2018-09-10 12:00")
    assert "Hội nghị tổng kết năm học sẽ diễn ra vào tháng 11" not in titles_in_feed(output)
    assert "Hội nghị tổng kết" not in upcoming_titles(output)
    assert "Ký kết chương trình phối hợp giai đoạn 2018–2020" in titles_in_feed(output)


def test_after_the_announcement_every_output_agrees(build_site):
    output = build(build_site, "2018-10-01 12:00")
    title = "Hội nghị tổng kết năm học sẽ diễn ra vào tháng 11"
    assert title in titles_in_feed(output)
    assert "Hội nghị tổng kết" in upcoming_titles(output)
    assert title in calendar_summaries(output)
    # The article scheduled for December is still nowhere.
    assert "Bài hẹn giờ đăng sau" not in titles_in_feed(output)
    assert not list(output.rglob("bai-hen-gio-dang-sau*"))
