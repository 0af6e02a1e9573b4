"""Feeds as a subscriber's reader sees them: parsed with feedparser, checked by rule with lxml."""

import email.utils
import json
import logging
import re
from datetime import datetime

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from tests.conftest import parse_html
from tests.feeds.site import SITEURL, build, copy_fixture, edit

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|"
                    r"Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}$")
ESCAPE_TITLE = 'Trao học bổng <b>"1&1"</b> ]]>'
PUBLISHED = {
    "Ký kết chương trình phối hợp giai đoạn 2018–2020",
    "Thường trực Thành ủy làm việc với Hội Khuyến học Thành phố",
    ESCAPE_TITLE,
    "Hội nghị tổng kết năm học sẽ diễn ra vào tháng 11",
    "Lễ ký kết cũ năm 2016",
}
HIDDEN = ("Bài nháp chưa đăng", "Bài hẹn giờ đăng sau")


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    return build(tmp_path_factory.mktemp("feeds"))


def feed_files(output, pattern):
    files = sorted((output / "feeds").rglob(pattern))
    assert files, pattern
    return files


def atom_files(output):
    return feed_files(output, "*.atom.xml")


def rss_files(output):
    return feed_files(output, "*.rss.xml")


def parsed(path):
    return feedparser.parse(path.read_bytes())


def entry_by_title(feed, title):
    return next(e for e in feed.entries if e.title == title)


# -- what is written ----------------------------------------------------------------


def test_a_feed_for_the_site_each_event_type_category_tag_and_organisation(output):
    feeds = output / "feeds"
    expected = [
        "tat-ca.atom.xml", "tat-ca.rss.xml", "tat-ca.json",
        "su-kien/lam-viec.atom.xml", "su-kien/ky-ket.rss.xml", "su-kien/khen-thuong.atom.xml",
        "chuyen-muc/phoi-hop.atom.xml", "chuyen-muc/hoc-bong.rss.xml",
        "chuyen-muc/hoat-dong.atom.xml",
        "chu-de/khuyen-hoc.atom.xml", "chu-de/ky-ket.rss.xml", "chu-de/hoc-bong.atom.xml",
        "to-chuc/hoi-khuyen-hoc-quan-cau-giay.atom.xml",
        "to-chuc/doan-tncs-ho-chi-minh-quan-cau-giay.rss.xml",
        "to-chuc/cong-ty-vi-du.atom.xml",
    ]
    for name in expected:
        assert (feeds / name).is_file(), name
    # Pelican's own writer stays off: nothing written twice under its names.
    for name in ("all.atom.xml", "all.rss.xml", "phoi-hop.atom.xml", "khuyen-hoc.atom.xml"):
        assert not (feeds / name).exists(), name


def test_each_feed_holds_the_articles_of_its_subject(output):
    def titles(name):
        return {e.title for e in parsed(output / "feeds" / name).entries}

    assert titles("tat-ca.atom.xml") == PUBLISHED
    assert titles("su-kien/ky-ket.atom.xml") == {
        "Ký kết chương trình phối hợp giai đoạn 2018–2020", "Lễ ký kết cũ năm 2016"}
    assert titles("su-kien/lam-viec.rss.xml") == {
        "Thường trực Thành ủy làm việc với Hội Khuyến học Thành phố",
        "Hội nghị tổng kết năm học sẽ diễn ra vào tháng 11"}
    assert titles("chu-de/hoc-bong.atom.xml") == {ESCAPE_TITLE}
    assert titles("chuyen-muc/phoi-hop.rss.xml") == {
        "Ký kết chương trình phối hợp giai đoạn 2018–2020", "Lễ ký kết cũ năm 2016"}
    assert titles("to-chuc/doan-tncs-ho-chi-minh-quan-cau-giay.atom.xml") == {
        "Ký kết chương trình phối hợp giai đoạn 2018–2020"}


def test_drafts_and_scheduled_articles_never_appear(output):
    for path in [*(output / "feeds").rglob("*.*")]:
        text = path.read_text(encoding="utf-8")
        for title in HIDDEN:
            assert title not in text, (path, title)


def test_scheduled_article_appears_once_its_date_has_come(tmp_path):
    output = build(tmp_path, FEEDS_NOW="2018-12-01T08:00:00+07:00")
    titles = {e.title for e in parsed(output / "feeds" / "tat-ca.atom.xml").entries}
    assert "Bài hẹn giờ đăng sau" in titles
    assert "Bài nháp chưa đăng" not in titles


# -- feedparser: what a reader sees -----------------------------------------------------


def test_every_feed_parses_cleanly_with_absolute_links(output):
    for path in atom_files(output) + rss_files(output):
        feed = parsed(path)
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert feed.version == ("atom10" if path.name.endswith(".atom.xml") else "rss20"), path
        assert feed.entries, path
        assert feed.feed.language == "vi", path
        for entry in feed.entries:
            assert entry.link.startswith(SITEURL + "/"), (path, entry.link)
            assert entry.id.startswith("tag:tinhoi.example.org,"), entry.id
            assert entry.author, (path, entry.title)


def test_lead_photo_is_an_enclosure_with_its_size_and_type(output):
    jpg = (output / "images" / "ky-ket.jpg").stat().st_size
    png = (output / "2018" / "trao-hoc-bong.png").stat().st_size
    for name in ("tat-ca.atom.xml", "tat-ca.rss.xml"):
        feed = parsed(output / "feeds" / name)
        signing = entry_by_title(feed, "Ký kết chương trình phối hợp giai đoạn 2018–2020")
        assert [dict(e) for e in signing.enclosures] == [
            {"href": f"{SITEURL}/images/ky-ket.jpg", "length": str(jpg), "type": "image/jpeg"}]
        award = entry_by_title(feed, ESCAPE_TITLE)
        assert award.enclosures[0]["href"] == f"{SITEURL}/2018/trao-hoc-bong.png"
        assert award.enclosures[0]["length"] == str(png)
        assert award.enclosures[0]["type"] == "image/png"
        meeting = entry_by_title(feed, "Thường trực Thành ủy làm việc với Hội Khuyến học Thành phố")
        assert meeting.enclosures == []
        # media:content for readers that show a thumbnail.
        assert signing.media_content[0]["url"] == f"{SITEURL}/images/ky-ket.jpg"


def raw_fragments(path):
    """Every HTML fragment of a feed as written (feedparser would resolve and sanitise URLs)."""
    root = etree.fromstring(path.read_bytes())
    names = (f"{ATOM}content", f"{ATOM}summary", "description", f"{CONTENT}encoded")
    entries = root.findall(f"{ATOM}entry") + root.findall("channel/item")
    return [(entry, child.text) for entry in entries for child in entry if child.tag in names]


def raw_content(path, title):
    """The full content of the entry titled ``title``, as an HTML tree."""
    root = etree.fromstring(path.read_bytes())
    for entry in root.findall(f"{ATOM}entry") + root.findall("channel/item"):
        if entry.findtext(f"{ATOM}title") == title or entry.findtext("title") == title:
            text = entry.findtext(f"{ATOM}content") or entry.findtext(f"{CONTENT}encoded")
            return lxml_html.fragment_fromstring(text, create_parent="div")
    raise AssertionError(title)


def test_full_content_has_no_relative_url(output):
    checked = 0
    for path in atom_files(output) + rss_files(output):
        fragments = raw_fragments(path)
        assert fragments, path
        for _, fragment in fragments:
            root = lxml_html.fragment_fromstring(fragment, create_parent="div")
            for element in root.iter(etree.Element):
                for name in ("href", "src", "poster", "cite"):
                    if element.get(name) is not None:
                        assert element.get(name).startswith(f"{SITEURL}/"), (path, name)
                        checked += 1
                for candidate in (element.get("srcset") or "").split(","):
                    if candidate.strip():
                        assert candidate.strip().startswith(f"{SITEURL}/"), path
                        checked += 1
    assert checked > 20


def test_links_and_photos_of_the_body_resolve_to_the_right_pages(output):
    for name in ("tat-ca.atom.xml", "tat-ca.rss.xml"):
        path = output / "feeds" / name
        body = raw_content(path, "Ký kết chương trình phối hợp giai đoạn 2018–2020")
        link = entry_by_title(parsed(path), "Ký kết chương trình phối hợp giai đoạn 2018–2020").link
        hrefs = body.xpath("//a/@href")
        assert (f"{SITEURL}/2018/thuong-truc-thanh-uy-lam-viec-voi-hoi-khuyen-hoc-thanh-pho/"
                in hrefs)
        assert f"{SITEURL}/images/ky-ket.jpg" in hrefs  # ../../images/ky-ket.jpg
        assert link + "#muc-luc" in hrefs
        small = body.xpath("//img[@alt='Ảnh nhỏ']")[0]
        assert small.get("src") == f"{SITEURL}/images/ky-ket.jpg"
        assert small.get("srcset") == (f"{SITEURL}/images/ky-ket.jpg 1x, "
                                       f"{SITEURL}/images/ky-ket.jpg 2x")
        # The lead photo and the event's facts come first, as on the article page.
        assert body.xpath("//figure/figcaption/text()")[0] == "Đại diện các đơn vị ký kết"
        facts = " ".join(body.text_content().split())
        assert "Thứ Sáu, 17/08/2018 08:00 – 11:30" in facts
        assert "Hội trường UBND quận Cầu Giấy" in facts


def test_categories_come_from_event_type_category_and_tags(output):
    for name in ("tat-ca.atom.xml", "tat-ca.rss.xml"):
        entry = entry_by_title(parsed(output / "feeds" / name),
                               "Ký kết chương trình phối hợp giai đoạn 2018–2020")
        assert [t.term for t in entry.tags] == ["Ký kết", "Phối hợp", "ký kết", "khuyến học"]


# -- Atom by rule -------------------------------------------------------------------


def test_atom_feeds_follow_rfc_4287(output):
    for path in atom_files(output):
        root = etree.fromstring(path.read_bytes())
        assert root.tag == f"{ATOM}feed"
        assert root.get(XML_LANG) == "vi"
        for name in ("id", "title", "updated"):
            assert len(root.findall(f"{ATOM}{name}")) == 1, (path, name)
        assert RFC3339.match(root.findtext(f"{ATOM}updated"))
        self_link = root.find(f"{ATOM}link[@rel='self']")
        assert self_link.get("href") == f"{SITEURL}/{path.relative_to(output).as_posix()}"
        assert root.find(f"{ATOM}link[@rel='alternate']").get("href").startswith(SITEURL)
        for entry in root.findall(f"{ATOM}entry"):
            for name in ("id", "title", "updated", "published"):
                assert len(entry.findall(f"{ATOM}{name}")) == 1, (path, name)
            assert RFC3339.match(entry.findtext(f"{ATOM}updated"))
            assert RFC3339.match(entry.findtext(f"{ATOM}published"))
            alternates = [link for link in entry.findall(f"{ATOM}link")
                          if link.get("rel", "alternate") == "alternate"]
            assert len(alternates) == 1, path
            assert entry.find(f"{ATOM}author/{ATOM}name").text
            content = entry.find(f"{ATOM}content")
            assert content.get("type") == "html" and content.text
            for enclosure in entry.findall(f"{ATOM}link[@rel='enclosure']"):
                assert int(enclosure.get("length")) > 0
                assert enclosure.get("type").startswith("image/")
                assert enclosure.get("href").startswith(f"{SITEURL}/")


def test_feed_updated_is_its_newest_entry(output):
    for path in atom_files(output):
        root = etree.fromstring(path.read_bytes())
        updated = [datetime.fromisoformat(e.findtext(f"{ATOM}updated"))
                   for e in root.findall(f"{ATOM}entry")]
        assert datetime.fromisoformat(root.findtext(f"{ATOM}updated")) == max(updated), path
    root = etree.fromstring((output / "feeds" / "su-kien" / "ky-ket.atom.xml").read_bytes())
    # The signing was edited on 20/08 09:30: the entry's updated is its 'modified'.
    assert root.findtext(f"{ATOM}updated") == "2018-08-20T09:30:00+07:00"
    entry = root.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}published") == "2018-08-17T11:07:00+07:00"


def test_entries_newest_first(output):
    root = etree.fromstring((output / "feeds" / "tat-ca.atom.xml").read_bytes())
    published = [e.findtext(f"{ATOM}published") for e in root.findall(f"{ATOM}entry")]
    assert [datetime.fromisoformat(p) for p in published] == sorted(
        (datetime.fromisoformat(p) for p in published), reverse=True)


# -- RSS by rule --------------------------------------------------------------------


def test_rss_feeds_follow_rss_2(output):
    for path in rss_files(output):
        root = etree.fromstring(path.read_bytes())
        assert root.tag == "rss" and root.get("version") == "2.0"
        channel = root.find("channel")
        for name in ("title", "link", "description"):
            assert channel.findtext(name), (path, name)
        assert channel.findtext("language") == "vi"
        assert channel.findtext("link").startswith(SITEURL + "/")
        assert channel.find(f"{ATOM}link[@rel='self']").get("href") == (
            f"{SITEURL}/{path.relative_to(output).as_posix()}")
        assert RFC822.match(channel.findtext("lastBuildDate")), path
        newest = max(email.utils.parsedate_to_datetime(i.findtext("pubDate"))
                     for i in channel.findall("item"))
        assert email.utils.parsedate_to_datetime(channel.findtext("lastBuildDate")) >= newest
        for item in channel.findall("item"):
            assert item.findtext("title") and item.findtext("link").startswith(SITEURL + "/")
            assert RFC822.match(item.findtext("pubDate")), path
            guid = item.find("guid")
            assert guid.get("isPermaLink") == "false" and guid.text.startswith("tag:")
            assert item.findtext(f"{CONTENT}encoded")
            assert item.findtext(f"{DC}creator")
            for enclosure in item.findall("enclosure"):
                assert set(enclosure.keys()) >= {"url", "length", "type"}
                assert int(enclosure.get("length")) > 0


# -- escaping -----------------------------------------------------------------------


def test_markup_in_titles_and_bodies_is_escaped_in_both_formats(output):
    for name in ("tat-ca.atom.xml", "tat-ca.rss.xml"):
        raw = (output / "feeds" / name).read_bytes()
        assert b"<![CDATA[" not in raw
        assert b"<b>" not in raw  # only ever as &lt;b&gt;
        root = etree.fromstring(raw)
        titles = root.xpath("//*[local-name()='entry' or local-name()='item']"
                            "/*[local-name()='title']/text()")
        assert ESCAPE_TITLE in titles
        body = raw_content(output / "feeds" / name, ESCAPE_TITLE)
        assert entry_by_title(parsed(output / "feeds" / name), ESCAPE_TITLE)
        assert 'Điểm thi 9 < 10 & "xuất sắc" ]]> vẫn được ghi nhận.' in body.text_content()
    data = json.loads((output / "feeds" / "tat-ca.json").read_text(encoding="utf-8"))
    assert ESCAPE_TITLE in [item["title"] for item in data["items"]]


# -- JSON Feed ----------------------------------------------------------------------


def test_json_feed_1_1(output):
    data = json.loads((output / "feeds" / "tat-ca.json").read_text(encoding="utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == f"{SITEURL}/feeds/tat-ca.json"
    assert data["home_page_url"] == f"{SITEURL}/"
    assert data["language"] == "vi"
    assert {item["title"] for item in data["items"]} == PUBLISHED
    atom = parsed(output / "feeds" / "tat-ca.atom.xml")
    assert [item["id"] for item in data["items"]] == [e.id for e in atom.entries]
    for item in data["items"]:
        assert item["url"].startswith(f"{SITEURL}/")
        assert datetime.fromisoformat(item["date_published"]).tzinfo is not None
        root = lxml_html.fragment_fromstring(item["content_html"], create_parent="div")
        assert all(u.startswith(f"{SITEURL}/") for u in root.xpath("//@href | //@src"))
    signing = next(i for i in data["items"] if i["title"].startswith("Ký kết"))
    assert signing["image"] == f"{SITEURL}/images/ky-ket.jpg"
    assert signing["authors"] == [{"name": "Phóng viên Hội"}]


# -- stable and reproducible ---------------------------------------------------------


def test_ids_survive_an_edit_of_title_slug_and_content(tmp_path):
    before = build(tmp_path / "a")
    content = copy_fixture(tmp_path / "b")
    edit(content / "2018" / "ky-ket.md", {
        "title: Ký kết chương trình phối hợp giai đoạn 2018–2020":
            "title: Ký kết chương trình phối hợp (đã sửa tiêu đề)\nslug: ky-ket-da-sua",
        "Ngày 17/8/2018": "Sáng ngày 17/8/2018",
    })
    after = build(tmp_path / "b", content)
    for name in ("tat-ca.atom.xml", "tat-ca.rss.xml"):
        old = entry_by_title(parsed(before / "feeds" / name),
                             "Ký kết chương trình phối hợp giai đoạn 2018–2020")
        new = entry_by_title(parsed(after / "feeds" / name),
                             "Ký kết chương trình phối hợp (đã sửa tiêu đề)")
        assert new.link != old.link and new.link.endswith("/ky-ket-da-sua/")
        assert new.id == old.id == "tag:tinhoi.example.org,2018:2018/ky-ket.md"
    old_ids = [e.id for e in parsed(before / "feeds" / "tat-ca.atom.xml").entries]
    new_ids = [e.id for e in parsed(after / "feeds" / "tat-ca.atom.xml").entries]
    assert old_ids == new_ids and len(set(new_ids)) == len(new_ids)


def test_an_id_in_the_front_matter_keeps_the_entry_when_its_file_moves(tmp_path):
    content = copy_fixture(tmp_path)
    source = content / "2018" / "ky-ket.md"
    edit(source, {"title:": "id: 2018/ky-ket.md\ntitle:"})
    moved = content / "2018" / "phoi-hop" / "ky-ket-doan-thanh-nien.md"
    moved.parent.mkdir()
    source.rename(moved)
    output = build(tmp_path, content, TINHOI_EXTRA_FIELDS=["id"])
    entry = entry_by_title(parsed(output / "feeds" / "tat-ca.atom.xml"),
                           "Ký kết chương trình phối hợp giai đoạn 2018–2020")
    assert entry.id == "tag:tinhoi.example.org,2018:2018/ky-ket.md"


def test_two_builds_of_the_same_content_are_byte_identical(tmp_path):
    first = build(tmp_path / "a")
    second = build(tmp_path / "b")
    names = sorted(p.relative_to(first).as_posix()
                   for p in [*first.rglob("feeds/**/*.*"), *first.rglob("lich/*.ics")])
    assert len(names) > 30
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert sorted(p.relative_to(second).as_posix()
                  for p in [*second.rglob("feeds/**/*.*"), *second.rglob("lich/*.ics")]) == names


def test_max_items_keeps_the_newest(tmp_path):
    output = build(tmp_path, FEEDS_MAX_ITEMS=2)
    feed = parsed(output / "feeds" / "tat-ca.rss.xml")
    assert [e.title for e in feed.entries] == [
        "Hội nghị tổng kết năm học sẽ diễn ra vào tháng 11", ESCAPE_TITLE]
    data = json.loads((output / "feeds" / "tat-ca.json").read_text(encoding="utf-8"))
    assert len(data["items"]) == 2


# -- pages ----------------------------------------------------------------------------


def alternates(page):
    return {link.get("href"): link.get("type")
            for link in page.xpath("//head/link[@rel='alternate']")}


def test_pages_announce_their_feeds(output):
    home = alternates(parse_html(output / "index.html"))
    assert home == {"./feeds/tat-ca.atom.xml": "application/atom+xml",
                    "./feeds/tat-ca.rss.xml": "application/rss+xml",
                    "./feeds/tat-ca.json": "application/feed+json"}
    tag_page = output / "chu-de" / "khuyen-hoc" / "index.html"
    tag_links = alternates(parse_html(tag_page))
    assert "../../feeds/chu-de/khuyen-hoc.atom.xml" in tag_links
    assert "../../feeds/chu-de/khuyen-hoc.rss.xml" in tag_links
    category_links = alternates(parse_html(output / "chuyen-muc" / "phoi-hop" / "index.html"))
    assert "../../feeds/chuyen-muc/phoi-hop.atom.xml" in category_links
    for page, links in ((tag_page, tag_links),):
        for href in links:
            assert (page.parent / href).resolve().is_file(), href
    article = next((output / "2018").glob("ky-ket-*/index.html"))
    assert set(alternates(parse_html(article))) == {
        "../../feeds/tat-ca.atom.xml", "../../feeds/tat-ca.rss.xml", "../../feeds/tat-ca.json"}


def test_subscribe_page_lists_every_feed_and_calendar(output):
    page_path = output / "theo-doi" / "index.html"
    page = parse_html(page_path)
    assert page.findtext(".//h1") == "Theo dõi tin của Hội"
    linked = {(page_path.parent / href).resolve()
              for href in page.xpath("//main//a/@href") if not href.startswith("webcal:")}
    written = {p.resolve() for p in (output / "feeds").rglob("*.*")}
    written |= {p.resolve() for p in (output / "lich").glob("*.ics")}
    assert written <= linked
    assert "webcal://tinhoi.example.org/lich/tat-ca.ics" in page.xpath("//main//a/@href")
    home = parse_html(output / "index.html")
    assert home.xpath("//nav//a[@href='./theo-doi/' and text()='Theo dõi']")


# -- addresses and settings ------------------------------------------------------------


def test_local_build_without_siteurl_links_to_the_preview_server(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    output = build(tmp_path, SITEURL="")
    feed = parsed(output / "feeds" / "tat-ca.atom.xml")
    assert not feed.bozo
    assert all(e.link.startswith("http://127.0.0.1:8000/") for e in feed.entries)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING
                and r.name.startswith("feeds")]


def test_publish_build_without_absolute_siteurl_writes_no_feed_and_says_why(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    output = build(tmp_path, SITEURL="", RELATIVE_URLS=False)
    assert not (output / "feeds").exists()
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("feeds")]
    assert len(warnings) == 1 and "SITEURL" in warnings[0]
    assert parse_html(output / "theo-doi" / "index.html").xpath("//p[@class='empty']")


def test_feeds_siteurl_overrides_siteurl(tmp_path):
    output = build(tmp_path, FEEDS_SITEURL="https://tin.example.vn/", FEEDS_ID_AUTHORITY="hoi.vn")
    entry = parsed(output / "feeds" / "tat-ca.atom.xml").entries[0]
    assert entry.link.startswith("https://tin.example.vn/")
    assert entry.id.startswith("tag:hoi.vn,")


@pytest.mark.parametrize("override", [
    {"FEEDS_MAX_ITEMS": 0}, {"FEEDS_TAG_ATOM": "feeds/chu-de.atom.xml"},
    {"FEEDS_SITEURL": "tinhoi.example.org"}, {"FEEDS_NOW": "hôm qua"},
])
def test_unusable_settings_stop_the_build_with_a_clear_error(tmp_path, override):
    from feeds.config import FeedsSettingsError

    with pytest.raises(FeedsSettingsError) as error:
        build(tmp_path, **override)
    assert next(iter(override)) in str(error.value)


def test_pelican_feed_settings_left_on_are_reported(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    build(tmp_path, FEED_ALL_ATOM="feeds/all.atom.xml")
    assert any("FEED_ALL_ATOM" in r.getMessage() for r in caplog.records
               if r.name.startswith("feeds"))


def test_no_feed_for_an_empty_site(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    output = build(tmp_path, content)
    assert not (output / "feeds").exists()
    assert parse_html(output / "theo-doi" / "index.html").xpath("//p[@class='empty']")


# -- the feed cache ---------------------------------------------------------------------


def feed_documents(output):
    return {p.relative_to(output).as_posix(): p.read_bytes()
            for p in (output / "feeds").rglob("*.*")}


def test_an_edit_remakes_the_feeds_holding_the_article_and_reuses_the_others(tmp_path):
    content = copy_fixture(tmp_path)
    build(tmp_path, content)
    cache = tmp_path / ".cache" / "feeds"
    before = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert len(before) > 30
    edit(content / "2018" / "ky-ket.md", {"title: Ký kết chương trình phối hợp":
                                          "title: Lễ ký kết chương trình phối hợp"})
    output = build(tmp_path, content)
    new_title = "Lễ ký kết chương trình phối hợp giai đoạn 2018–2020"
    holding = {"feeds/tat-ca.rss.xml", "feeds/su-kien/ky-ket.atom.xml",
               "feeds/chu-de/ky-ket.rss.xml", "feeds/chuyen-muc/phoi-hop.atom.xml"}
    for name in holding:
        assert entry_by_title(parsed(output / name), new_title), name
    after = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    kept = set(before) & set(after)
    # The feeds without the article were read back; each one holding it was made again,
    # and its old document was dropped from the cache.
    assert kept and all(before[name] == after[name] for name in kept)
    assert len(set(after) - kept) >= len(holding)
    assert len(after) == len(before)


def test_the_cache_keeps_a_feed_another_build_is_writing_and_drops_a_stale_one(tmp_path):
    """``make html`` beside the live preview: both builds keep their feeds in one cache.
    A temporary document another build is writing now is left alone when this build
    drops the documents it did not use; one left hours ago by a stopped build goes."""
    import os
    import time

    content = copy_fixture(tmp_path)
    build(tmp_path, content)
    cache = tmp_path / ".cache" / "feeds"
    writing = cache / ".feed-of-another-build"
    writing.write_bytes(b"<feed")
    stale = cache / ".feed-left-by-a-stopped-build"
    stale.write_bytes(b"<feed")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    edit(content / "2018" / "ky-ket.md", {"title: Ký kết chương trình phối hợp":
                                          "title: Lễ ký kết chương trình phối hợp"})
    build(tmp_path, content)
    assert writing.exists() and not stale.exists()


def test_feeds_from_the_cache_are_those_a_build_without_it_makes(tmp_path):
    content = copy_fixture(tmp_path / "cached")
    build(tmp_path / "cached", content)
    edit(content / "2018" / "ky-ket.md", {"title: Ký kết chương trình phối hợp":
                                          "title: Lễ ký kết chương trình phối hợp"})
    cached = build(tmp_path / "cached", content)
    plain_content = copy_fixture(tmp_path / "plain")
    edit(plain_content / "2018" / "ky-ket.md", {"title: Ký kết chương trình phối hợp":
                                                "title: Lễ ký kết chương trình phối hợp"})
    plain = build(tmp_path / "plain", plain_content, FEEDS_CACHE_PATH=None)
    assert not (tmp_path / "plain" / ".cache" / "feeds").exists()
    assert feed_documents(cached) == feed_documents(plain)


def test_a_damaged_cached_feed_is_made_again(tmp_path):
    content = copy_fixture(tmp_path / "cached")
    build(tmp_path / "cached", content)
    cache = tmp_path / "cached" / ".cache" / "feeds"
    for document in cache.iterdir():  # a disk error: bytes changed, the length kept
        data = bytearray(document.read_bytes())
        data[-10:] = b"x" * 10
        document.write_bytes(bytes(data))
    cached = build(tmp_path / "cached", content)
    plain = build(tmp_path / "plain", copy_fixture(tmp_path / "plain"), FEEDS_CACHE_PATH=None)
    assert feed_documents(cached) == feed_documents(plain)
    for path in (cached / "feeds").rglob("*.xml"):
        assert not parsed(path).bozo, path


def test_an_unknown_locale_setting_gives_vietnamese_feeds_not_a_traceback(tmp_path, caplog):
    """The vietnamese plugin reports the setting and puts ``vi`` in its place: the feeds,
    which format their dates with it too, build as with ``vi``."""
    output = build(tmp_path, VIETNAMESE_LOCALE="xx")
    assert "VIETNAMESE_LOCALE = 'xx'" in caplog.text
    parsed = feedparser.parse((output / "feeds" / "tat-ca.atom.xml").read_bytes())
    assert not parsed.bozo and parsed.entries
