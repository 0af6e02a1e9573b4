"""Sitemap, robots.txt, the 404 page, the favicon, neighbours and share tags."""

import base64
import json
from urllib.parse import unquote

import pytest
from lxml import etree

from tests.conftest import parse_html

SITEURL = "https://tinhoi.example.org"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
PLUGINS = ["tinhoi_content", "vietnamese", "site_extras"]


@pytest.fixture
def public(build_site):
    return build_site("basic", SITEURL=SITEURL, RELATIVE_URLS=False, PLUGINS=PLUGINS)


def test_sitemap_lists_published_pages_with_absolute_urls(public):
    tree = etree.parse(str(public / "sitemap.xml"))
    locs = tree.xpath("//s:loc/text()", namespaces=SITEMAP_NS)
    assert f"{SITEURL}/" in locs
    assert f"{SITEURL}/gioi-thieu/" in locs
    assert (f"{SITEURL}/2018/ky-ket-chuong-trinh-phoi-hop-giai-doan-2018-2020-o-dong-da/"
            in locs)
    assert not [loc for loc in locs if "ban-nhap" in loc or "nhap" in loc.rsplit("/", 2)[-2]]
    lastmods = tree.xpath("//s:lastmod/text()", namespaces=SITEMAP_NS)
    assert lastmods and all(m.endswith("+07:00") for m in lastmods)


def test_robots_names_the_sitemap(public):
    robots = (public / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {SITEURL}/sitemap.xml" in robots


def test_local_build_has_no_sitemap_but_a_robots_file(build_site):
    output = build_site("basic", PLUGINS=PLUGINS)
    assert not (output / "sitemap.xml").exists()
    assert "Sitemap" not in (output / "robots.txt").read_text(encoding="utf-8")


def test_not_found_page_in_vietnamese_with_root_links(public):
    page = parse_html(public / "404.html")
    assert page.findtext(".//h1") == "Không tìm thấy trang"
    assert page.xpath("//main//a/@href")[0] == f"{SITEURL}/"


def test_favicon_at_the_root(public):
    assert (public / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"


def test_previous_and_next_articles(public):
    slug = "ky-ket-chuong-trinh-phoi-hop-giai-doan-2018-2020-o-dong-da"
    middle = parse_html(public / "2018" / slug / "index.html")
    prev = middle.xpath("//nav[@class='prev-next']/a[@rel='prev']")[0]
    nxt = middle.xpath("//nav[@class='prev-next']/a[@rel='next']")[0]
    assert "Thường trực Thành ủy" in prev.text_content()
    assert "Trao học bổng" in nxt.text_content()


def test_canonical_open_graph_and_share_links_are_absolute(public):
    slug = "ky-ket-chuong-trinh-phoi-hop-giai-doan-2018-2020-o-dong-da"
    page = parse_html(public / "2018" / slug / "index.html")
    url = f"{SITEURL}/2018/{slug}/"
    assert page.xpath("//link[@rel='canonical']/@href") == [url]
    assert page.xpath("//meta[@property='og:url']/@content") == [url]
    assert page.xpath("//meta[@property='og:image']/@content")[0].startswith(f"{SITEURL}/")
    assert page.xpath("//meta[@property='og:locale']/@content") == ["vi_VN"]
    facebook = page.xpath("//section[@class='share']//a[contains(@href,'facebook')]/@href")[0]
    assert "u=https%3A//tinhoi.example.org/2018/" in facebook
    zalo = page.xpath("//section[@class='share']//a[text()='Zalo']/@href")[0]
    assert zalo.startswith("https://button-share.zalo.me/share_external?d=")
    payload = base64.b64decode(unquote(zalo.split("d=", 1)[1]))
    assert json.loads(payload) == {"url": url}
    assert not page.xpath("//script[contains(@src, 'zalo') or contains(@src, 'facebook')]")


def test_breadcrumbs(public):
    slug = "ky-ket-chuong-trinh-phoi-hop-giai-doan-2018-2020-o-dong-da"
    page = parse_html(public / "2018" / slug / "index.html")
    crumbs = [" ".join(li.text_content().split())
              for li in page.xpath("//nav[@class='breadcrumbs']//li")]
    assert crumbs[:2] == ["Trang chủ", "Phối hợp"]
    assert page.xpath("//nav[@class='breadcrumbs']//li[@aria-current='page']")
