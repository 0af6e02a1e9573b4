"""The content-hash cache, parallel processing and settings, on a one-article site."""

import logging
import os
from pathlib import Path
from unittest import mock

import pytest
from images.settings import ImagesSettingsError
from pelican.log import LimitFilter
from PIL import Image

from tests.images.photos import camera_jpeg, transparent_png
from tests.images.site import build, page, photo_files, srcset_urls

ARTICLE = """\
---
title: Trao quà cho học sinh
date: 02/06/2024 09:00
summary: Trao quà.
image: images/a.jpg
image_alt: Trao quà
---
Buổi trao quà.

![Học sinh nhận quà](images/b.jpg "Học sinh nhận quà")

![Phần quà](images/c.png)
"""
PAGE = "2024/trao-qua-cho-hoc-sinh/index.html"


@pytest.fixture
def small_site(tmp_path):
    content = tmp_path / "content"
    (content / "2024").mkdir(parents=True)
    (content / "2024" / "trao-qua.md").write_text(ARTICLE, encoding="utf-8")
    (content / "images").mkdir()
    camera_jpeg(content / "images" / "a.jpg", size=(480, 360))
    camera_jpeg(content / "images" / "b.jpg", size=(400, 300), orientation=1)
    transparent_png(content / "images" / "c.png", size=(240, 160))
    return tmp_path


def cache_files(root):
    """``{path: (mtime_ns, inode)}`` of every file in the cache."""
    return {p: (p.stat().st_mtime_ns, p.stat().st_ino)
            for p in (root / ".cache" / "images").rglob("*") if p.is_file()}


def snapshot(output):
    return {p.relative_to(output): p.read_bytes() for p in photo_files(output)}


def build_logged(root, output, caplog, **override):
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="images"), \
            mock.patch.object(LimitFilter, "_raised_messages", set()):
        build(root / "content", output, **override)
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("Ảnh: 3 ảnh")]


def test_a_rebuild_with_unchanged_photos_reencodes_nothing(small_site, caplog):
    first = build_logged(small_site, small_site / "out1", caplog)
    assert first and "3 xử lý mới, 0 lấy từ bộ nhớ đệm" in first[0]
    cached = cache_files(small_site)
    second = build_logged(small_site, small_site / "out2", caplog)
    assert second and "0 xử lý mới, 3 lấy từ bộ nhớ đệm" in second[0]
    assert cache_files(small_site) == cached, "no cache file was written again"
    assert snapshot(small_site / "out1") == snapshot(small_site / "out2")
    assert (small_site / "out1" / PAGE).read_bytes() == (small_site / "out2" / PAGE).read_bytes()


def test_a_changed_photo_reencodes_only_its_own_variants(small_site, caplog):
    build_logged(small_site, small_site / "out", caplog)
    before = snapshot(small_site / "out")
    camera_jpeg(small_site / "content" / "images" / "b.jpg", size=(400, 300), orientation=3)
    messages = build_logged(small_site, small_site / "out2", caplog)
    assert "1 xử lý mới, 2 lấy từ bộ nhớ đệm" in messages[0]
    after = snapshot(small_site / "out2")
    changed = {p.name.split("-")[0] for p in set(before) ^ set(after)}
    assert changed == {"b"}
    assert {p: d for p, d in before.items() if p.name[0] in "ac"} == {
        p: d for p, d in after.items() if p.name[0] in "ac"}


def test_changed_settings_reprocess_every_photo(small_site, caplog):
    build_logged(small_site, small_site / "out", caplog)
    messages = build_logged(small_site, small_site / "out2", caplog,
                            IMAGES_QUALITY={"jpeg": 60})
    assert "3 xử lý mới, 0 lấy từ bộ nhớ đệm" in messages[0]


def test_an_interrupted_cache_entry_is_made_again(small_site, caplog):
    build_logged(small_site, small_site / "out", caplog)
    manifests = sorted((small_site / ".cache" / "images").rglob("manifest.json"))
    assert len(manifests) == 3
    manifests[0].unlink()  # as if the build stopped before the entry was complete
    messages = build_logged(small_site, small_site / "out2", caplog)
    assert "1 xử lý mới, 2 lấy từ bộ nhớ đệm" in messages[0]
    assert snapshot(small_site / "out") == snapshot(small_site / "out2")


def test_one_or_two_processes_give_the_same_bytes(small_site, caplog):
    build(small_site / "content", small_site / "one", IMAGES_PROCESSES=1,
          IMAGES_CACHE_PATH=str(small_site / "cache-one"))
    build(small_site / "content", small_site / "two", IMAGES_PROCESSES=2,
          IMAGES_CACHE_PATH=str(small_site / "cache-two"))
    assert snapshot(small_site / "one") == snapshot(small_site / "two")
    assert snapshot(small_site / "one")


def test_cache_lives_outside_the_output(small_site):
    build(small_site / "content", small_site / "output")
    assert list((small_site / ".cache" / "images").rglob("manifest.json"))
    assert not [p for p in (small_site / "output").rglob("*") if p.name == "manifest.json"]


def test_a_cache_inside_the_output_is_refused(small_site):
    with pytest.raises(ImagesSettingsError, match="IMAGES_CACHE_PATH"):
        build(small_site / "content", small_site / "output",
              IMAGES_CACHE_PATH=str(small_site / "output" / "cache"))


def test_avif_comes_first_when_enabled(small_site):
    output = build(small_site / "content", small_site / "output",
                   IMAGES_FORMATS=["avif", "webp", "jpeg"])
    picture = page(output, PAGE).xpath("//figure[@class='lead-photo']//picture")[0]
    types = [s.get("type") for s in picture.xpath(".//source")]
    assert types == ["image/avif", "image/webp"]
    html_file = output / PAGE
    for url, width in srcset_urls(picture.xpath(".//source")[0].get("srcset")):
        with Image.open((html_file.parent / url).resolve()) as variant:
            assert variant.format == "AVIF"
            assert variant.width == width
            assert not variant.getexif()
            assert "exif" not in variant.info and "xmp" not in variant.info


def test_absolute_urls_when_publishing(small_site):
    output = build(small_site / "content", small_site / "output",
                   SITEURL="https://tinhoi.example.org", RELATIVE_URLS=False)
    for relative in (PAGE, "index.html"):
        doc = page(output, relative)
        urls = [url for img in doc.xpath("//picture//img")
                for url, _w in srcset_urls(img.get("srcset"))]
        urls += [img.get("src") for img in doc.xpath("//picture//img")]
        assert urls
        for url in urls:
            assert url.startswith("https://tinhoi.example.org/images/"), url
            assert (output / url.removeprefix("https://tinhoi.example.org/")).is_file()


def test_file_permissions_let_a_web_server_read(small_site):
    output = build(small_site / "content", small_site / "output")
    for path in photo_files(output):
        assert os.stat(path).st_mode & 0o044 == 0o044, path
    assert Path(output).is_dir()


def test_photos_in_an_automatic_summary_resolve_on_list_pages(small_site):
    source = small_site / "content" / "2024" / "trao-qua.md"
    source.write_text(ARTICLE.replace("summary: Trao quà.\n", "").replace(
        "Buổi trao quà.\n", ""), encoding="utf-8")
    output = build(small_site / "content", small_site / "output")
    for relative in ("index.html", PAGE):
        imgs = page(output, relative).xpath("//div[@class='article-body' or @class='summary']"
                                            "//picture//img")
        assert imgs, relative
        for img in imgs:
            for url, _width in srcset_urls(img.get("srcset")):
                assert ((output / relative).parent / url).resolve().is_file(), (relative, url)
