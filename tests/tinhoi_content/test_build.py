"""A real build of a small fixture site, read back with lxml."""

import logging

import pytest

from tests.conftest import parse_html


@pytest.fixture
def site(build_site, caplog):
    caplog.set_level(logging.WARNING)
    output = build_site("basic")
    return output, caplog


def article(output, year, slug):
    return parse_html(output / year / slug / "index.html")


def test_signing_article_shows_its_facts_in_vietnamese(site):
    output, _ = site
    page = article(output, "2018", "ky-ket-chuong-trinh-phoi-hop-giai-doan-2018-2020-o-dong-da")
    assert page.findtext(".//h1") == "Ký kết chương trình phối hợp giai đoạn 2018–2020 ở Đống Đa"
    published = page.xpath("//p[@class='meta']/time")[0]
    assert published.text == "Thứ Sáu, 17/08/2018 11:07"
    assert published.get("datetime") == "2018-08-17T11:07:00+07:00"
    box = page.xpath("//aside[contains(@class,'event-box')]")[0]
    text = " ".join(box.text_content().split())
    assert "Ký kết" in text
    assert "Hội Khuyến học quận Cầu Giấy" in text and "Đoàn TNCS Hồ Chí Minh quận Cầu Giấy" in text
    assert "2018–2020" in text
    assert "08:00 – 11:30" in text


def test_slug_folds_vietnamese_letters(site):
    output, _ = site
    assert (output / "2018" / "ky-ket-chuong-trinh-phoi-hop-giai-doan-2018-2020-o-dong-da").is_dir()
    assert (output / "gioi-thieu" / "index.html").is_file()


def test_award_value_in_vietnamese_money(site):
    output, _ = site
    pages = list((output / "2018").glob("trao-hoc-bong*/index.html"))
    assert len(pages) == 1
    text = " ".join(parse_html(pages[0]).text_content().split())
    assert "1.500.000.000 đồng" in text
    assert "120 người nhận" in text


def test_photos_in_body_and_lead_resolve_to_copied_files(site):
    output, _ = site
    folder = output / "2018" / "ky-ket-chuong-trinh-phoi-hop-giai-doan-2018-2020-o-dong-da"
    page = parse_html(folder / "index.html")
    figure = page.xpath("//div[@class='article-body']//figure")[0]
    assert figure.findtext("figcaption") == "Toàn cảnh hội nghị ký kết"
    for img in page.xpath("//img"):
        target = (folder / img.get("src")).resolve()
        assert target.is_file(), img.get("src")
    lead = page.xpath("//figure[@class='lead-photo']")[0]
    assert lead.xpath(".//img")[0].get("alt") == "Hai đại biểu ký văn bản"
    assert lead.findtext("figcaption") == "Đại diện các đơn vị ký kết"
    # A lead photo sitting next to its article is published too (as stripped variants).
    assert list((output / "2018").glob("trao-hoc-bong*.jpg"))


def test_front_matter_is_escaped_not_injected(site):
    output, _ = site
    raw = next((output / "2018").glob("trao-hoc-bong*/index.html")).read_text(encoding="utf-8")
    assert "<b>Khuyến tài</b>" not in raw
    assert "&lt;b&gt;Khuyến tài&lt;/b&gt;" in raw
    page = parse_html(next((output / "2018").glob("trao-hoc-bong*/index.html")))
    assert page.findtext(".//h1") == 'Trao học bổng <b>Khuyến tài</b> & quà "1&1"'


def test_summary_markdown_is_rendered(site):
    output, _ = site
    home = parse_html(output / "index.html")
    assert home.xpath("//div[@class='summary']//strong[text()='năm']")


def test_broken_article_is_reported_with_its_line_and_left_out(site):
    output, caplog = site
    records = caplog.get_records("setup")  # the build ran in the fixture
    errors = [r for r in records if r.levelno >= logging.ERROR]
    assert any("hong.md:5: loại sự kiện 'party' không có" in r.getMessage() for r in errors)
    assert not any(r.exc_info for r in records), "no traceback for content problems"
    assert not list((output / "2018").glob("bai-hong*"))
    assert (output / "index.html").is_file()


def test_drafts_stay_off_the_home_page(site):
    output, _ = site
    home = (output / "index.html").read_text(encoding="utf-8")
    assert "Bài còn nháp" not in home
    assert "Thường trực Thành ủy làm việc" in home


def test_every_page_speaks_vietnamese(site):
    output, _ = site
    for path in output.rglob("*.html"):
        assert parse_html(path).get("lang") == "vi", path


def test_archives_in_vietnamese(site):
    output, _ = site
    month = parse_html(output / "luu-tru" / "2018" / "08" / "index.html")
    assert "tháng 8 năm 2018" in month.findtext(".//h1")
    archive = parse_html(output / "luu-tru" / "index.html")
    assert archive.xpath("//h2[text()='Năm 2018']")


def test_plain_link_to_another_article_file_is_resolved(build_site, write_article):
    write_article("2018/lien-ket.md", "---\ntitle: Liên kết\ndate: 2018-11-01\n---\n"
                  "Xem [buổi làm việc](lam-viec.md) và [giới thiệu](/pages/gioi-thieu.md).\n")
    output = build_site("basic")
    page = parse_html(output / "2018" / "lien-ket" / "index.html")
    links = {a.text: a.get("href") for a in page.xpath("//div[@class='article-body']//a")}
    assert links["buổi làm việc"] == (
        "../../2018/thuong-truc-thanh-uy-lam-viec-voi-hoi-khuyen-hoc-thanh-pho/")
    assert links["giới thiệu"] == "../../gioi-thieu/"
