"""A real build of a site with camera photos, read back with lxml and Pillow."""

import base64
import logging
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from pelican.log import LimitFilter
from PIL import Image

from tests.images.photos import ARTIST, GREEN, RED, SERIAL
from tests.images.site import (
    build_keeping_articles,
    make_project,
    open_url,
    page,
    photo_files,
    srcset_urls,
)

ARTICLE = "2024/le-khai-giang-lop-hoc-cong-dong/index.html"
GALLERY = "2024/anh-hoi-nghi-tong-ket-nam-2024/index.html"
BROKEN = "2024/bai-co-anh-hong/index.html"


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("images-site")
    content = make_project(root)
    handler = Records()
    logging.getLogger().addHandler(handler)
    images_logger = logging.getLogger("images")
    level = images_logger.level
    images_logger.setLevel(logging.INFO)
    try:
        with mock.patch.object(LimitFilter, "_raised_messages", set()):
            output, articles = build_keeping_articles(content, root / "output")
    finally:
        images_logger.setLevel(level)
        logging.getLogger().removeHandler(handler)
    return SimpleNamespace(root=root, content=content, output=output, records=handler.records,
                           articles=articles)


def messages(site, level):
    return [r.getMessage() for r in site.records if r.levelno == level]


def test_lead_and_body_photos_become_responsive_pictures(site):
    html_file = site.output / ARTICLE
    doc = page(site.output, ARTICLE)
    lead = doc.xpath("//figure[@class='lead-photo']")[0]
    img = lead.xpath(".//picture//img")[0]
    assert img.get("alt") == "Học viên ngồi nghe giảng trong lớp học cộng đồng"
    assert lead.findtext("figcaption") == "Buổi học đầu tiên của lớp"
    assert img.get("loading") is None, "the lead photo is not lazy"
    assert img.get("decoding") == "async"
    # The camera photo is 800×600 stored with orientation 6: upright it is 600×800.
    assert (int(img.get("width")), int(img.get("height"))) == (320, 427)
    body = doc.xpath("//div[@class='article-body']//picture")
    assert len(body) == 2
    figure = doc.xpath("//div[@class='article-body']//figure")[0]
    assert figure.findtext("figcaption") == "Toàn cảnh hội trường"
    for picture in body:
        body_img = _img(picture)
        assert body_img.get("loading") == "lazy"
        assert body_img.get("decoding") == "async"
        assert body_img.get("sizes")
        assert body_img.get("width") and body_img.get("height")
    assert _img(body[0]).get("alt") == "Toàn cảnh hội trường ngày khai giảng"
    for picture in [lead.find("picture"), *body]:
        source = picture.xpath(".//source")[0]
        assert source.get("type") == "image/webp"
        for element, fmt in ((source, "WEBP"), (_img(picture), "JPEG")):
            for url, width in srcset_urls(element.get("srcset")):
                with open_url(html_file, url) as variant:
                    assert variant.format == fmt
                    assert variant.width == width
        with open_url(html_file, _img(picture).get("src")) as fallback:
            assert fallback.format == "JPEG"


def test_widths_are_never_upscaled(site):
    doc = page(site.output, ARTICLE)
    inline = doc.xpath("//div[@class='article-body']//p/picture//img")[0]
    assert inline.get("alt") == "Phần quà tặng học sinh"
    # qua.png is 300 px wide: 160 and the source width, not 320.
    assert [w for _url, w in srcset_urls(inline.get("srcset"))] == [160, 300]
    assert (inline.get("width"), inline.get("height")) == ("300", "200")


def test_photos_are_upright_and_carry_no_metadata(site):
    files = photo_files(site.output)
    assert files, "variants were written"
    for path in files:
        raw = path.read_bytes()
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info), path
        for secret in (SERIAL.encode(), ARTIST.encode(), b"Canon", b"Exif\0"):
            assert secret not in raw, (path, secret)
    camera = [p for p in files if p.name.startswith("may-anh-320.")]
    assert {p.suffix for p in camera} == {".jpg", ".webp"}
    for path in camera:
        with Image.open(path) as image:
            assert image.size == (320, 427)
            rgb = image.convert("RGB")
            # The red mark drawn at the sensor's top-left is at the top-right once upright.
            assert _near(rgb.getpixel((image.width - 8, 8)), RED), path
            assert not _near(rgb.getpixel((8, 8)), RED), path


def test_camera_originals_are_not_published(site):
    names = {p.name for p in photo_files(site.output)}
    for original in ("may-anh.jpg", "hoi-truong.jpg", "qua.png", "cat-cut.jpg", "bom.png",
                     "hinh-ve.svg", "doi-lot.png", "khong-phai-anh.jpg"):
        assert original not in names


def test_placeholder_is_a_tiny_inline_image(site):
    img = page(site.output, ARTICLE).xpath("//figure[@class='lead-photo']//img")[0]
    style = img.get("style")
    assert style.startswith("background:url(data:image/webp;base64,")
    data = style.split("base64,", 1)[1].split(")", 1)[0]
    raw = base64.b64decode(data)
    assert len(raw) < 400
    with Image.open(__import__("io").BytesIO(raw)) as tiny:
        assert tiny.format == "WEBP"
        assert tiny.width == 16
        assert abs(tiny.width / tiny.height - 600 / 800) < 0.1


def test_open_graph_image_is_cropped_around_the_centre(site):
    gallery_article = site.articles["anh-hoi-nghi-tong-ket-nam-2024"]
    og = site.output / gallery_article.og_image
    with Image.open(og) as image:
        assert image.size == (1200, 630)
        assert (gallery_article.og_image_width, gallery_article.og_image_height) == (1200, 630)
        rgb = image.convert("RGB")
        # hoi-truong.jpg is 1600×1000 with 80 px green bands at top and bottom:
        # the centre 1600×840 crop leaves both out.
        for x in (10, 600, 1190):
            assert not _near(rgb.getpixel((x, 2)), GREEN)
            assert not _near(rgb.getpixel((x, 627)), GREEN)
        assert not image.getexif()
    # A source smaller than 1200×630 is cropped, never upscaled; the lead photo wins.
    lead_article = site.articles["le-khai-giang-lop-hoc-cong-dong"]
    with Image.open(site.output / lead_article.og_image) as image:
        assert image.size == (600, 315)
        assert image.size == (lead_article.og_image_width, lead_article.og_image_height)
    assert lead_article.og_image.startswith("images/may-anh-og.")


def test_gallery_is_a_grid_of_links_that_needs_no_javascript(site):
    html_file = site.output / GALLERY
    doc = page(site.output, GALLERY)
    gallery = doc.xpath("//section[@class='gallery']")[0]
    assert "Thư viện ảnh" in gallery.findtext("h2")
    assert "3 ảnh" in gallery.xpath("string(h2)")
    items = gallery.xpath(".//li")
    assert len(items) == 3
    assert items[0].findtext(".//figcaption") == "Đại biểu dự hội nghị"
    assert items[0].xpath(".//img/@alt") == ["Hội trường kín đại biểu"]
    for item in items:
        link = item.find(".//a")
        with open_url(html_file, link.get("href")) as large:
            assert large.width == 320 or large.width == 300
        assert link.xpath(".//picture//img")[0].get("loading") == "lazy"
    assert not doc.xpath("//section[@class='gallery']//script")
    assert [p.name for p in site.content.glob("images/*")]  # sources untouched
    warnings = messages(site, logging.WARNING)
    assert any("thu-vien-anh.md:11: ảnh 'images/may-anh.jpg' trong thư viện ảnh thiếu mô tả"
               in m for m in warnings), warnings


def test_a_page_gets_pictures_too(site):
    doc = page(site.output, "gioi-thieu/index.html")
    img = doc.xpath("//div[@class='article-body']//picture//img")[0]
    assert img.get("alt") == "Trụ sở hội"
    with open_url(site.output / "gioi-thieu/index.html", img.get("src")) as fallback:
        assert fallback.format == "JPEG"


def test_cards_on_the_home_page_show_the_lead_photo(site):
    doc = page(site.output, "index.html")
    cards = doc.xpath("//a[@class='card-photo']//picture//img")
    assert cards
    for img in cards:
        with open_url(site.output / "index.html", img.get("src")) as fallback:
            assert fallback.format == "JPEG"
        assert img.get("alt") == ""


def test_bad_photos_are_reported_with_their_line_and_left_out(site):
    errors = [r for r in site.records if r.levelno >= logging.ERROR
              and r.name.startswith("images")]
    text = [r.getMessage() for r in errors]
    expected = {
        "anh-hong.md:6: ảnh 'images/cat-cut.jpg' bị hỏng hoặc chưa chép hết",
        "anh-hong.md:11: ảnh 'images/khong-phai-anh.jpg' không phải là ảnh",
        "anh-hong.md:13: ảnh 'images/bom.png' quá lớn",
        "anh-hong.md:15: ảnh 'images/hinh-ve.svg' là hình SVG có chứa mã script",
        "anh-hong.md:17: ảnh 'images/doi-lot.png' là hình SVG có chứa mã script",
    }
    for start in expected:
        assert sum(start in m for m in text) == 1, (start, text)
    assert len(errors) == len(expected)
    assert all("cần" in m.split(" — ", 1)[1] for m in text), "what is wrong — what is expected"
    assert not any(r.exc_info for r in site.records), "no traceback for a bad photo"
    doc = page(site.output, BROKEN)
    assert doc.findtext(".//h1") == "Bài có ảnh hỏng"
    assert not doc.xpath("//figure[@class='lead-photo']")
    pictures = doc.xpath("//div[@class='article-body']//picture")
    assert len(pictures) == 1, "only the good photo is shown"
    assert _img(pictures[0]).get("alt") == "Ảnh tốt vẫn hiện"
    assert not doc.xpath("//img[not(ancestor::picture)]")
    assert "hinh-ve" not in (site.output / BROKEN).read_text(encoding="utf-8")


def test_no_partial_files_anywhere(site):
    for folder in (site.output, site.root / ".cache"):
        assert not [p for p in Path(folder).rglob("*") if p.name.endswith(".part")]


def test_build_reports_what_it_processed(site):
    infos = messages(site, logging.INFO)
    assert any(m.startswith("Ảnh: 8 ảnh — 3 xử lý mới, 0 lấy từ bộ nhớ đệm, 5 lỗi")
               for m in infos), [m for m in infos if m.startswith("Ảnh")]


def _img(picture):
    # lxml's HTML 4 parser does not know <source> is empty: the <img> ends up inside it.
    return picture.xpath(".//img")[0]


def _near(pixel, colour, tolerance=60):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))
