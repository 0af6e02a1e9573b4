"""Organisation pages: one page per organisation however its name is written."""

import logging
import shutil
import unicodedata

import pytest

from tests.conftest import FIXTURES, parse_html, run_build

PLUGINS = ["tinhoi_content", "vietnamese", "organisations"]
ALIASES = {"Đoàn Thanh niên": "Đoàn TNCS Hồ Chí Minh"}
NFD = unicodedata.normalize("NFD", "Đoàn  TNCS Hồ   Chí Minh")


def nfd_article():
    """An article whose front-matter is decomposed (NFD), as some editors save it."""
    text = ("---\ntitle: Hội nghị phối hợp với Đoàn\ndate: 2019-04-02\n"
            "event:\n  type: meeting\n  organizer: Hội Khuyến học quận Cầu Giấy\n"
            f"  organizations: [{NFD}, Hội Cựu chiến binh]\n---\nNội dung.\n")
    return unicodedata.normalize("NFD", text)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("organisations")
    content = root / "content"
    shutil.copytree(FIXTURES / "organisations" / "content", content)
    (content / "2019" / "hoi-nghi-nfd.md").write_text(nfd_article(), encoding="utf-8")
    assert unicodedata.is_normalized("NFD", (content / "2019" / "hoi-nghi-nfd.md").read_text(
        encoding="utf-8"))
    return run_build(content, root / "out", PLUGINS=PLUGINS, ORGANISATIONS_ALIASES=ALIASES)


def text(element):
    return " ".join(element.text_content().split())


def index_entries(site):
    page = parse_html(site / "to-chuc" / "index.html")
    return [(li.find("a").text, li.find("span").text)
            for li in page.xpath("//ul[contains(@class,'organisation-list')]/li")]


def test_spellings_and_aliases_never_split_an_organisation(site):
    folders = sorted(p.name for p in (site / "to-chuc").iterdir() if p.is_dir())
    assert [f for f in folders if f.startswith("doan")] == ["doan-tncs-ho-chi-minh"]
    names = [name for name, _ in index_entries(site)]
    assert names.count("Đoàn TNCS Hồ Chí Minh") == 1
    assert not [n for n in names if n.casefold().startswith("đoàn thanh")]
    page = parse_html(site / "to-chuc" / "doan-tncs-ho-chi-minh" / "index.html")
    # Shown in its most common spelling (twice as written here, once in capitals,
    # once decomposed with extra spaces, once by its alias).
    assert page.findtext(".//h1") == "Đoàn TNCS Hồ Chí Minh"
    assert len(page.xpath("//li[contains(@class,'event-entry')]")) == 4
    assert page.xpath("//p[@class='meta']")[0].text == "4 sự kiện"


def test_index_in_vietnamese_order_with_event_counts(site):
    entries = index_entries(site)
    names = [name for name, _ in entries]
    assert names == [
        "Ban Dân vận Thành ủy",
        "Công ty Anh Dương",
        "Công ty Ánh Dương",
        "Công ty Ao Xanh",
        "Dân quân phường 7",
        "Đoàn TNCS Hồ Chí Minh",
        "Hội Cựu chiến binh",
        "Hội Khuyến học quận 3",
        "Hội Khuyến học quận 10",
        "Hội Khuyến học quận Cầu Giấy",
        "Ủy ban nhân dân phường 7",
    ]
    counts = dict(entries)
    assert counts["Đoàn TNCS Hồ Chí Minh"] == "(4 sự kiện)"
    assert counts["Hội Khuyến học quận Cầu Giấy"] == "(3 sự kiện)"


def test_organisation_page_lists_its_events_with_its_role_in_each(site):
    page = parse_html(site / "to-chuc" / "doan-tncs-ho-chi-minh" / "index.html")
    roles = {text(li.xpath(".//p[@class='event-title']")[0]):
             text(li.xpath(".//dd[@class='event-roles']")[0])
             for li in page.xpath("//li[contains(@class,'event-entry')]")}
    assert roles == {
        "Đoàn tổ chức ngày hội khuyến học": "đơn vị tổ chức",
        "Ký kết phối hợp với Đoàn Thanh niên": "bên ký kết",
        "Trao học bổng do Đoàn Thanh niên tài trợ": "nhà tài trợ",
        "Hội nghị phối hợp với Đoàn": "đơn vị tham gia",
    }
    # Newest event first.
    assert list(roles)[0] == "Trao học bổng do Đoàn Thanh niên tài trợ"
    both = parse_html(site / "to-chuc" / "hoi-khuyen-hoc-quan-cau-giay" / "index.html")
    signing = [li for li in both.xpath("//li[contains(@class,'event-entry')]")
               if "Ký kết" in text(li)][0]
    assert text(signing.xpath(".//dd[@class='event-roles']")[0]) == (
        "đơn vị tổ chức, bên ký kết")
    # Each party links to its page, a spelling in capitals too.
    parties = {a.text: a.get("href") for a in signing.xpath(".//dd[@class='event-parties']/a")}
    assert parties == {
        "Hội Khuyến học quận Cầu Giấy": "../../to-chuc/hoi-khuyen-hoc-quan-cau-giay/",
        "ĐOÀN TNCS HỒ CHÍ MINH": "../../to-chuc/doan-tncs-ho-chi-minh/"}


def test_article_links_its_organisations_with_their_roles(site):
    page = parse_html(site / "2019" / "ky-ket-phoi-hop-voi-doan-thanh-nien" / "index.html")
    line = page.xpath("//p[contains(@class,'organisations')]")[0]
    assert text(line) == ("Đơn vị liên quan: Hội Khuyến học quận Cầu Giấy (đơn vị tổ chức, "
                          "bên ký kết); Đoàn TNCS Hồ Chí Minh (bên ký kết)")
    hrefs = [a.get("href") for a in line.xpath(".//a")]
    assert hrefs == ["../../to-chuc/hoi-khuyen-hoc-quan-cau-giay/",
                     "../../to-chuc/doan-tncs-ho-chi-minh/"]


def test_article_organisations_metadata_follows_the_contract(tmp_path, write_article):
    from pelican import Pelican, signals

    from tests.conftest import pelican_settings

    write_article("2019/a.md", "---\ntitle: A\ndate: 2019-01-01\nevent:\n  type: signing\n"
                               "  organizer: Hội A\n  parties: [Hội A, Hội B]\n"
                               "  organizations: [Hội D, hội b]\n---\nx\n")
    write_article("2019/b.md", "---\ntitle: B\ndate: 2019-02-01\nevent:\n  type: award\n"
                               "  sponsor: Công ty C\n  organizer: Hội A\n---\nx\n")
    seen, links = {}, {}

    def grab(generators):
        for generator in generators:
            for article in getattr(generator, "articles", []):
                seen[article.title] = article.organisations
                links[article.title] = article.organisation_links

    signals.all_generators_finalized.connect(grab)
    try:
        Pelican(pelican_settings(tmp_path / "content", tmp_path / "out",
                                 PLUGINS=PLUGINS)).run()
    finally:
        signals.all_generators_finalized.disconnect(grab)
    summary = {title: [(o["name"], o["slug"], o["url"], o["roles"]) for o in orgs]
               for title, orgs in seen.items()}
    assert summary == {
        "A": [("Hội A", "hoi-a", "to-chuc/hoi-a/", ["organizer", "party"]),
              ("Hội B", "hoi-b", "to-chuc/hoi-b/", ["party", "participant"]),
              ("Hội D", "hoi-d", "to-chuc/hoi-d/", ["participant"])],
        "B": [("Hội A", "hoi-a", "to-chuc/hoi-a/", ["organizer"]),
              ("Công ty C", "cong-ty-c", "to-chuc/cong-ty-c/", ["sponsor"])],
    }
    # Each spelling the article used, to its organisation's page (what event cards link).
    assert links == {
        "A": {"Hội A": "to-chuc/hoi-a/", "Hội B": "to-chuc/hoi-b/", "hội b": "to-chuc/hoi-b/",
              "Hội D": "to-chuc/hoi-d/"},
        "B": {"Hội A": "to-chuc/hoi-a/", "Công ty C": "to-chuc/cong-ty-c/"},
    }


def test_names_that_slugify_alike_keep_their_own_pages(site):
    plain = parse_html(site / "to-chuc" / "cong-ty-anh-duong" / "index.html")
    tone = parse_html(site / "to-chuc" / "cong-ty-anh-duong-2" / "index.html")
    assert plain.findtext(".//h1") == "Công ty Anh Dương"
    assert tone.findtext(".//h1") == "Công ty Ánh Dương"


def test_organisation_pages_paginate(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "organisations" / "content", content)
    output = run_build(content, tmp_path / "out", PLUGINS=PLUGINS,
                       ORGANISATIONS_ALIASES=ALIASES, ORGANISATIONS_PAGINATION=2)
    folder = output / "to-chuc" / "doan-tncs-ho-chi-minh"
    first = parse_html(folder / "index.html")
    second = parse_html(folder / "trang" / "2" / "index.html")
    assert len(first.xpath("//li[contains(@class,'event-entry')]")) == 2
    assert len(second.xpath("//li[contains(@class,'event-entry')]")) == 1
    assert text(second.xpath("//nav[@class='pagination']/span")[0]) == "Trang 2 / 2"


def test_name_without_letters_is_reported_not_a_traceback(tmp_path, write_article, caplog):
    caplog.set_level(logging.WARNING)
    write_article("2019/la.md", "---\ntitle: Lạ\ndate: 2019-01-01\nevent:\n  type: meeting\n"
                                "  organizer: \"—\"\n---\nx\n")
    output = run_build(tmp_path / "content", tmp_path / "out", PLUGINS=PLUGINS)
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("organisations")]
    assert len(messages) == 1
    assert messages[0].startswith("2019/la.md:6: tên tổ chức '—' không tạo được địa chỉ")
    assert not any(r.exc_info for r in caplog.records)
    assert index_entries(output) == []
    assert parse_html(output / "to-chuc" / "index.html").xpath("//p[@class='empty']")
