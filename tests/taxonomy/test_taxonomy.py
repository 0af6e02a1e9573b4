"""Tags folded into one page each, a weighted tag index, archives and "Các tin khác"."""

import shutil
import unicodedata

import pytest

from tests.conftest import FIXTURES, parse_html, run_build

PLUGINS = ["tinhoi_content", "vietnamese", "organisations", "taxonomy"]


def text(element):
    return " ".join(element.text_content().split())


def article(date, slug, tags, title=None):
    return (f"---\ntitle: {title or slug}\ndate: {date}\ntags: [{', '.join(tags)}]\n---\n"
            "Nội dung.\n")


@pytest.fixture(scope="module")
def tag_site(tmp_path_factory):
    """Three spellings of one tag (capitals, NFC, NFD), an alias, and near-homographs."""
    root = tmp_path_factory.mktemp("tags")
    content = root / "content" / "2018"
    content.mkdir(parents=True)
    nfd = unicodedata.normalize("NFD", "khuyến học")
    files = {
        "mot.md": article("2018-01-01", "mot", ["khuyến học", "anh", "dân"]),
        "hai.md": article("2018-02-01", "hai", [nfd, "ánh", "đoàn", "XHHT"]),
        # The newest article uses capitals: Pelican alone would name the tag after it.
        "ba.md": article("2018-03-01", "ba", ["KHUYẾN HỌC ", "ao", "xã hội học tập"]),
    }
    for name, source in files.items():
        (content / name).write_text(source, encoding="utf-8")
    assert nfd in (content / "hai.md").read_text(encoding="utf-8")
    return run_build(root / "content", root / "out", PLUGINS=PLUGINS,
                     TAGS_ALIASES={"XHHT": "xã hội học tập"})


def test_spellings_and_aliases_make_one_tag_in_its_most_common_spelling(tag_site):
    folders = sorted(p.name for p in (tag_site / "chu-de").iterdir() if p.is_dir())
    assert folders == ["anh", "anh-2", "ao", "dan", "doan", "khuyen-hoc", "xa-hoi-hoc-tap"]
    page = parse_html(tag_site / "chu-de" / "khuyen-hoc" / "index.html")
    assert page.findtext(".//h1") == "Chủ đề: khuyến học"
    assert sorted(text(a) for a in page.xpath("//article//h2/a")) == ["ba", "hai", "mot"]
    alias = parse_html(tag_site / "chu-de" / "xa-hoi-hoc-tap" / "index.html")
    assert sorted(text(a) for a in alias.xpath("//article//h2/a")) == ["ba", "hai"]
    # Every article links the one tag page, under the same name.
    for slug in ("mot", "hai", "ba"):
        links = parse_html(tag_site / "2018" / slug / "index.html").xpath(
            "//p[@class='tags']/a[@rel='tag']")
        first = links[0]
        assert (first.text, first.get("href")) == ("khuyến học", "../../chu-de/khuyen-hoc/")


def test_tag_index_in_vietnamese_order_with_counts_and_weights(tag_site):
    page = parse_html(tag_site / "chu-de" / "index.html")
    items = page.xpath("//ul[contains(@class,'tag-cloud')]/li")
    assert [(li.find("a").text, li.find("span").text) for li in items] == [
        ("anh", "(1)"), ("ánh", "(1)"), ("ao", "(1)"), ("dân", "(1)"), ("đoàn", "(1)"),
        ("khuyến học", "(3)"), ("xã hội học tập", "(2)")]
    weights = {li.find("a").text: li.get("class") for li in items}
    assert weights["khuyến học"] == "tag-weight-5"
    assert weights["xã hội học tập"] == "tag-weight-3"
    assert weights["anh"] == "tag-weight-1"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("taxonomy")
    shutil.copytree(FIXTURES / "taxonomy" / "content", root / "content")
    return run_build(root / "content", root / "out", PLUGINS=PLUGINS, DEFAULT_PAGINATION=2)


def related_titles(page):
    return [a.text for a in page.xpath("//aside[@class='related']//a")]


def test_related_articles_ranked_by_shared_tags_and_organisations_then_recency(site):
    page = parse_html(site / "2019" / "bai-goc-ve-khuyen-hoc" / "index.html")
    assert page.xpath("//aside[@class='related']/h2")[0].text == "Các tin khác"
    assert related_titles(page) == [
        "Cùng chủ đề và tổ chức",   # one tag and the organisation, newer of the two
        "Cùng hai chủ đề",          # two tags
        "Cùng một chủ đề",          # one tag
        "Khác, mới nhất",           # nothing shared: the newest fill the list
        "Khác, mới nhì",
    ]
    dates = page.xpath("//aside[@class='related']//time")
    assert dates[0].text == "01/02/2019"


def test_related_count_is_a_setting(tmp_path):
    shutil.copytree(FIXTURES / "taxonomy" / "content", tmp_path / "content")
    output = run_build(tmp_path / "content", tmp_path / "out", PLUGINS=PLUGINS,
                       TAGS_RELATED_COUNT=2)
    page = parse_html(output / "2019" / "bai-goc-ve-khuyen-hoc" / "index.html")
    assert related_titles(page) == ["Cùng chủ đề và tổ chức", "Cùng hai chủ đề"]


def test_the_ranking_is_reused_until_tags_dates_or_articles_change(tmp_path, monkeypatch):
    import taxonomy.taxonomy as module

    shutil.copytree(FIXTURES / "taxonomy" / "content", tmp_path / "content")
    run_build(tmp_path / "content", tmp_path / "out", PLUGINS=PLUGINS)
    assert (tmp_path / ".cache" / "related" / "related.pickle").exists()

    ranked = []
    original = module._relate
    monkeypatch.setattr(module, "_relate", lambda g: (ranked.append(g), original(g)))
    source = tmp_path / "content" / "2019" / "cung-mot-chu-de.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nMột câu nữa.\n",
                      encoding="utf-8")
    output = run_build(tmp_path / "content", tmp_path / "out", PLUGINS=PLUGINS)
    assert ranked == []  # a text edit: the last ranking, not a new one
    page = parse_html(output / "2019" / "bai-goc-ve-khuyen-hoc" / "index.html")
    assert related_titles(page)[:3] == ["Cùng chủ đề và tổ chức", "Cùng hai chủ đề",
                                        "Cùng một chủ đề"]

    # The article loses its shared tag: ranked again, and it falls behind the newest.
    source.write_text(source.read_text(encoding="utf-8").replace("[khuyến học]", "[khác]"),
                      encoding="utf-8")
    output = run_build(tmp_path / "content", tmp_path / "out", PLUGINS=PLUGINS)
    assert len(ranked) == 1
    page = parse_html(output / "2019" / "bai-goc-ve-khuyen-hoc" / "index.html")
    assert "Cùng một chủ đề" not in related_titles(page)[:3]


def test_categories_in_vietnamese_order_and_paginated(site):
    index = parse_html(site / "chuyen-muc" / "index.html")
    names = [a.text for a in index.xpath("//main//ul/li/a")]
    assert names == ["Dịch vụ", "Đào tạo"]
    first = parse_html(site / "chuyen-muc" / "dich-vu" / "index.html")
    assert first.findtext(".//h1") == "Chuyên mục: Dịch vụ"
    assert text(first.xpath("//p[@class='meta']")[0]) == "4 bài viết"
    last = parse_html(site / "chuyen-muc" / "dich-vu" / "trang" / "2" / "index.html")
    assert text(last.xpath("//nav[@class='pagination']/span")[0]) == "Trang 2 / 2"
    tag_page_2 = site / "chu-de" / "khuyen-hoc" / "trang" / "2" / "index.html"
    assert tag_page_2.is_file()


def test_year_and_month_archives_in_vietnamese(site):
    year = parse_html(site / "luu-tru" / "2019" / "index.html")
    assert year.findtext(".//h1") == "Lưu trữ: năm 2019"
    months = [a.text for a in year.xpath("//main//h2/a")]
    assert months == ["Tháng 12", "Tháng 11", "Tháng 6", "Tháng 3", "Tháng 2", "Tháng 1"]
    month_link = year.xpath("//main//h2/a")[0].get("href")
    assert (site / "luu-tru" / "2019" / month_link / "index.html").resolve() == (
        site / "luu-tru" / "2019" / "12" / "index.html")
    month = parse_html(site / "luu-tru" / "2019" / "12" / "index.html")
    assert month.findtext(".//h1") == "Lưu trữ: tháng 12 năm 2019"
    archive = parse_html(site / "luu-tru" / "index.html")
    assert [h.text for h in archive.xpath("//main//h2")] == ["Năm 2019", "Năm 2018"]


def test_a_damaged_ranking_cache_is_ranked_again(tmp_path):
    shutil.copytree(FIXTURES / "taxonomy" / "content", tmp_path / "content")
    run_build(tmp_path / "content", tmp_path / "out", PLUGINS=PLUGINS)
    (tmp_path / ".cache" / "related" / "related.pickle").write_bytes(b"not a pickle")
    output = run_build(tmp_path / "content", tmp_path / "out", PLUGINS=PLUGINS)
    page = parse_html(output / "2019" / "bai-goc-ve-khuyen-hoc" / "index.html")
    assert related_titles(page)[:3] == ["Cùng chủ đề và tổ chức", "Cùng hai chủ đề",
                                        "Cùng một chủ đề"]
