"""Event indexes: every event, one page per type and per year, upcoming apart from past."""

import logging
import shutil

import pytest

from tests.conftest import FIXTURES, parse_html, run_build

PLUGINS = ["tinhoi_content", "vietnamese", "events", "organisations"]


def build(tmp_path, name="out", **override):
    content = tmp_path / "content"
    if not content.exists():
        shutil.copytree(FIXTURES / "events" / "content", content)
    return run_build(content, tmp_path / name, PLUGINS=PLUGINS, **override)


def text(element):
    return " ".join(element.text_content().split())


def titles(elements):
    return [text(e.xpath(".//p[@class='event-title']")[0]) for e in elements]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The fixture site built on 1 June 2019: three events to come, four past."""
    return build(tmp_path_factory.mktemp("events"), EVENTS_TODAY="2019-06-01")


def test_all_events_page_splits_upcoming_from_past(site):
    page = parse_html(site / "su-kien" / "index.html")
    assert page.findtext(".//h1") == "Các sự kiện"
    upcoming = page.xpath("//section[@class='events-upcoming']")[0]
    assert upcoming.findtext("h2") == "Sắp diễn ra"
    # Soonest first; an event on the build date itself is still to come.
    assert titles(upcoming.xpath(".//li[contains(@class,'event-entry')]")) == [
        "Gặp mặt đầu tháng 6 các cộng tác viên",
        "Làm việc với Hội Khuyến học quận 10",
        "Họp đầu năm 2020 của Ban Thường vụ",
    ]
    past = page.xpath("//section[@class='events-past']")[0]
    assert past.findtext("h2") == "Đã diễn ra"
    assert titles(past.xpath(".//li[contains(@class,'event-entry')]")) == [
        "Hội nghị giao ban khuyến học 6 tháng đầu năm 2019",
        "Trao học bổng Khuyến tài năm học 2018–2019",
        "Ký kết chương trình phối hợp giai đoạn 2018–2020",
        "Thường trực Thành ủy làm việc với Hội Khuyến học Thành phố",
    ]
    # Grouped by year, newest year first.
    assert [h.text for h in past.xpath(".//section[@class='event-year']/h3")] == [
        "Năm 2019", "Năm 2018"]
    # An article without an event is not an event.
    assert "Tin thường không có sự kiện" not in text(page)


def test_a_later_build_date_moves_events_to_the_past(tmp_path):
    output = build(tmp_path, EVENTS_TODAY="2019-06-02")
    page = parse_html(output / "su-kien" / "index.html")
    upcoming = page.xpath("//section[@class='events-upcoming']//li")
    assert titles(upcoming) == ["Làm việc với Hội Khuyến học quận 10",
                                "Họp đầu năm 2020 của Ban Thường vụ"]


def test_each_entry_shows_date_place_and_the_essentials_of_its_type(site):
    page = parse_html(site / "su-kien" / "index.html")
    entries = {titles([li])[0]: li for li in page.xpath("//li[contains(@class,'event-entry')]")}

    signing = entries["Ký kết chương trình phối hợp giai đoạn 2018–2020"]
    when = signing.xpath(".//p[contains(@class,'event-when')]/time")
    assert when[0].get("datetime") == "2018-08-17T08:00:00+07:00"
    assert text(signing.xpath(".//p[contains(@class,'event-when')]")[0]) == (
        "Thứ Sáu, 17/08/2018 08:00 – 11:30 · Hội trường UBND quận Cầu Giấy")
    assert text(signing.xpath(".//dd[@class='event-parties']")[0]) == (
        "Hội Khuyến học quận Cầu Giấy; Đoàn TNCS Hồ Chí Minh quận Cầu Giấy")
    assert signing.xpath(".//dd[@class='event-programme']")[0].text == (
        "Khuyến học – Khuyến tài – Xây dựng xã hội học tập")
    assert signing.xpath(".//dd[@class='event-period']")[0].text == "2018–2020"

    award = entries["Trao học bổng Khuyến tài năm học 2018–2019"]
    assert award.xpath(".//dd[@class='event-award']")[0].text == "Học bổng Khuyến tài"
    assert text(award.xpath(".//dd[@class='event-recipients']")[0]) == "120 người nhận"
    assert award.xpath(".//dd[@class='event-value']")[0].text == "1.500.000.000 đồng"
    assert text(award.xpath(".//dd[@class='event-sponsor']")[0]) == (
        "Công ty Cổ phần Ví dụ Phương Nam")
    # A date without a time is a date, not midnight.
    assert award.xpath(".//time")[0].get("datetime") == "2018-09-05"

    meeting = entries["Thường trực Thành ủy làm việc với Hội Khuyến học Thành phố"]
    assert meeting.xpath(".//p[@class='kicker']")[0].text == "Làm việc, hội nghị"
    assert text(meeting.xpath(".//dd[@class='event-organizer']")[0]) == (
        "Thành ủy TP. Hồ Chí Minh")
    assert text(meeting.xpath(".//dd[@class='event-units']")[0]) == (
        "Sở Giáo dục và Đào tạo TP. Hồ Chí Minh; Hội Khuyến học Thành phố Hồ Chí Minh")
    # With the organisations plugin the names link to their pages.
    link = meeting.xpath(".//dd[@class='event-organizer']/a")[0]
    assert (site / "su-kien" / link.get("href") / "index.html").resolve().is_file()


def test_one_page_per_type_with_vietnamese_urls_and_titles(site):
    expected = {"lam-viec": ("Sự kiện: Làm việc, hội nghị", 5),
                "ky-ket": ("Sự kiện: Ký kết", 1),
                "khen-thuong": ("Sự kiện: Khen thưởng, học bổng", 1)}
    for slug, (title, count) in expected.items():
        page = parse_html(site / "su-kien" / slug / "index.html")
        assert page.findtext(".//h1") == title
        assert len(page.xpath("//li[contains(@class,'event-entry')]")) == count, slug
    signing = parse_html(site / "su-kien" / "ky-ket" / "index.html")
    assert titles(signing.xpath("//li[contains(@class,'event-entry')]")) == [
        "Ký kết chương trình phối hợp giai đoạn 2018–2020"]
    # Each type page links to the others, the current one marked.
    current = signing.xpath("//nav[@class='event-filters']//a[@aria-current='page']")
    assert [a.text for a in current] == ["Ký kết"]


def test_year_pages_hold_the_events_of_their_year(site):
    assert sorted(p.name for p in (site / "su-kien").iterdir() if p.name.isdigit()) == [
        "2018", "2019", "2020"]
    page = parse_html(site / "su-kien" / "2018" / "index.html")
    assert page.findtext(".//h1") == "Sự kiện năm 2018"
    assert titles(page.xpath("//li[contains(@class,'event-entry')]")) == [
        "Trao học bổng Khuyến tài năm học 2018–2019",
        "Ký kết chương trình phối hợp giai đoạn 2018–2020",
        "Thường trực Thành ủy làm việc với Hội Khuyến học Thành phố",
    ]
    year_2019 = parse_html(site / "su-kien" / "2019" / "index.html")
    assert len(year_2019.xpath("//section[@class='events-upcoming']//li")) == 2
    assert len(year_2019.xpath("//section[@class='events-past']//li")) == 1


def test_type_page_paginates_through_pelicans_paginator(tmp_path):
    output = build(tmp_path, EVENTS_TODAY="2030-01-01", EVENTS_PAGINATION=2)
    folder = output / "su-kien" / "lam-viec"
    pages = [folder / "index.html", folder / "trang" / "2" / "index.html",
             folder / "trang" / "3" / "index.html"]
    assert not (folder / "trang" / "4").exists()
    seen = []
    for number, path in enumerate(pages, start=1):
        page = parse_html(path)
        seen.append(titles(page.xpath("//li[contains(@class,'event-entry')]")))
        assert text(page.xpath("//nav[@class='pagination']/span")[0]) == f"Trang {number} / 3"
    assert seen == [
        ["Họp đầu năm 2020 của Ban Thường vụ", "Làm việc với Hội Khuyến học quận 10"],
        ["Gặp mặt đầu tháng 6 các cộng tác viên",
         "Hội nghị giao ban khuyến học 6 tháng đầu năm 2019"],
        ["Thường trực Thành ủy làm việc với Hội Khuyến học Thành phố"],
    ]
    first = parse_html(pages[0])
    next_link = first.xpath("//a[@rel='next']")[0].get("href")
    assert (pages[0].parent / next_link / "index.html").resolve() == pages[1].resolve()
    assert not first.xpath("//a[@rel='prev']")


def test_empty_type_still_gets_a_page_that_says_so(tmp_path, write_article):
    write_article("2021/hop.md", "---\ntitle: Họp Ban Thường vụ\ndate: 2021-03-01\n"
                                 "event:\n  type: meeting\n---\nNội dung.\n")
    output = run_build(tmp_path / "content", tmp_path / "out", PLUGINS=PLUGINS,
                       EVENTS_TODAY="2021-06-01")
    page = parse_html(output / "su-kien" / "ky-ket" / "index.html")
    assert page.findtext(".//h1") == "Sự kiện: Ký kết"
    assert page.xpath("//p[@class='empty']")[0].text == (
        "Chưa có sự kiện nào thuộc loại “Ký kết”.")
    assert not page.xpath("//li[contains(@class,'event-entry')]")
    assert (output / "su-kien" / "khen-thuong" / "index.html").is_file()


def test_menu_links_to_events_and_organisations(site):
    home = parse_html(site / "index.html")
    nav = {a.text: a.get("href") for a in home.xpath("//nav[contains(@class,'site-nav')]//a")}
    assert nav["Sự kiện"] == "./su-kien/"
    assert nav["Tổ chức"] == "./to-chuc/"


def test_unusable_build_date_is_a_clear_configuration_error(tmp_path):
    from events.events import EventsConfigError

    with pytest.raises(EventsConfigError, match="EVENTS_TODAY"):
        build(tmp_path, EVENTS_TODAY="ngày mai")


def test_same_content_gives_byte_identical_event_pages(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    first = build(tmp_path, "a", EVENTS_TODAY="2019-06-01")
    second = build(tmp_path, "b", EVENTS_TODAY="2019-06-01")
    files = sorted(p.relative_to(first) for p in (first / "su-kien").rglob("*.html"))
    assert len(files) == 7
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
