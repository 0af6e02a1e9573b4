"""``photo_problem`` and ``gallery_problems``: what ``make check`` can tell an editor."""

import pytest
from images.process import process_photo
from images.settings import DEFAULTS, fingerprint, processing_options
from images.validate import article_problems, gallery_problems, photo_problem
from PIL import Image
from tinhoi_content.contract import check_file

from tests.images.photos import (
    SVG_ONLOAD,
    SVG_WITH_SCRIPT,
    adobe_rgb_profile,
    camera_jpeg,
    png_bomb,
    transparent_png,
    truncated_jpeg,
)


@pytest.fixture
def content(tmp_path):
    root = tmp_path / "content"
    (root / "images").mkdir(parents=True)
    (root / "2024").mkdir()
    return root


def settings_for(content, **override):
    return {"PATH": str(content), **override}


def test_a_good_photo_has_no_problem(content):
    camera_jpeg(content / "images" / "tot.jpg")
    transparent_png(content / "images" / "tot.png")
    for name in ("tot.jpg", "tot.png"):
        assert photo_problem(str(content / "images" / name), settings_for(content)) is None


@pytest.mark.parametrize(("name", "make", "expected"), [
    ("van-ban.jpg", lambda p: p.write_text("không phải ảnh"), "không phải là ảnh"),
    ("cat.jpg", truncated_jpeg, "bị hỏng hoặc chưa chép hết"),
    ("bom.png", png_bomb, "quá lớn"),
    ("ve.svg", lambda p: p.write_text(SVG_WITH_SCRIPT), "SVG có chứa mã script"),
    ("ve.png", lambda p: p.write_text(SVG_ONLOAD), "SVG có chứa mã script"),
    ("ve-sach.svg", lambda p: p.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>'),
     "là hình SVG"),
    ("iphone.jpg", lambda p: p.write_bytes(b"\0\0\0\x18ftypheic" + b"\0" * 64), "HEIC"),
    ("khong-co.jpg", lambda p: None, "không tìm thấy ảnh"),
])
def test_bad_files_get_a_message_an_editor_understands(content, name, make, expected):
    path = content / "images" / name
    make(path)
    problem = photo_problem(str(path), settings_for(content))
    assert problem is not None
    assert problem.startswith(f"ảnh 'images/{name}' ") or problem.startswith("không tìm thấy")
    assert expected in problem
    wrong, wanted = problem.split(" — ", 1)
    assert "cần" in wanted


def test_the_pixel_limit_is_a_setting(content):
    camera_jpeg(content / "images" / "lon.jpg", size=(800, 600))
    path = str(content / "images" / "lon.jpg")
    assert photo_problem(path, settings_for(content)) is None
    problem = photo_problem(path, settings_for(content, IMAGES_MAX_PIXELS=400_000))
    assert "quá lớn (800×600" in problem


def test_gallery_problems_name_the_line_of_each_entry(content):
    camera_jpeg(content / "images" / "a.jpg", size=(320, 240))
    (content / "images" / "hong.jpg").write_text("không phải ảnh")
    source = content / "2024" / "bai.md"
    source.write_text(
        "---\ntitle: Bài\ndate: 01/01/2024\ngallery:\n"
        "  - {src: images/a.jpg, alt: Ảnh tốt}\n"
        "  - images/hong.jpg\n"
        "  - images/khong-co.jpg\n"
        "  - images/a.jpg\n"
        "---\nThân bài.\n", encoding="utf-8")
    gallery = [{"src": "images/a.jpg", "alt": "Ảnh tốt"}, "images/hong.jpg",
               "images/khong-co.jpg", "images/a.jpg"]
    found = gallery_problems(str(source), gallery, settings_for(content))
    assert [(line, level) for line, level, _message in found] == [
        (6, "error"), (7, "error"), (5, "warning")]
    assert "không phải là ảnh" in found[0][2]
    assert "không tìm thấy ảnh 'images/khong-co.jpg'" in found[1][2]
    assert "thiếu mô tả" in found[2][2]


def test_gallery_outside_content_is_refused(content):
    source = content / "2024" / "bai.md"
    source.write_text("---\ngallery:\n  - ../../mat-khau.jpg\n---\n", encoding="utf-8")
    (content.parent / "mat-khau.jpg").write_bytes(b"x")
    found = gallery_problems(str(source), ["../../mat-khau.jpg"], settings_for(content))
    assert found and found[0][0] == 3 and "nằm ngoài thư mục content/" in found[0][2]


def test_a_cmyk_photo_comes_out_as_rgb(tmp_path):
    source = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (200, 100), (0, 255, 255, 0)).save(source, "JPEG", quality=95)
    settings = {**DEFAULTS, "IMAGES_WIDTHS": [100], "IMAGES_FORMATS": ["jpeg"],
                "IMAGES_CACHE_PATH": str(tmp_path / "cache")}
    options = processing_options(settings)
    manifest = process_photo(str(source), fingerprint(options), options,
                             str(tmp_path / "cache"), 1_000_000)
    assert "error" not in manifest
    variant = next(v for v in manifest["variants"] if v["width"] == 100)
    folder = next((tmp_path / "cache").rglob("manifest.json")).parent
    with Image.open(folder / variant["file"]) as image:
        assert image.mode == "RGB"
        red, green, blue = image.getpixel((50, 25))
        assert red > 200 and green < 60 and blue < 60


def test_article_problems_give_make_check_every_bad_photo_with_its_line(content):
    images = content / "images"
    camera_jpeg(images / "tot.jpg", size=(320, 240))
    truncated_jpeg(images / "cat.jpg")
    (images / "chu.jpg").write_text("không phải ảnh")
    (images / "ve.svg").write_text(SVG_WITH_SCRIPT)
    source = content / "2024" / "bai.md"
    source.write_text(
        "---\n"
        "title: Bài có ảnh\n"
        "date: 01/01/2024\n"
        "image: images/cat.jpg\n"
        "image_alt: Ảnh đại diện\n"
        "gallery:\n"
        "  - {src: images/chu.jpg, alt: Chữ}\n"
        "  - {src: images/tot.jpg, alt: Tốt}\n"
        "---\n"
        "![Ảnh tốt](../images/tot.jpg)\n"
        "\n"
        "![Chữ](../images/chu.jpg)\n"
        '<p><img alt="Vẽ" src="{static}/images/ve.svg"></p>\n', encoding="utf-8")
    checked = check_file(str(source), str(content), extra_fields=("gallery",))
    found = article_problems(str(source), checked.photos, checked.metadata,
                             settings_for(content))
    assert [(line, level) for line, level, _m in found] == [
        (4, "error"), (7, "error"), (12, "error"), (13, "error")]
    assert "cat.jpg' bị hỏng" in found[0][2]
    assert "chu.jpg' không phải là ảnh" in found[1][2]
    assert "SVG" in found[3][2]


def test_a_wide_gamut_photo_is_converted_to_srgb(tmp_path):
    source = tmp_path / "adobe.jpg"
    Image.new("RGB", (200, 100), (100, 180, 100)).save(
        source, "JPEG", quality=95, icc_profile=adobe_rgb_profile())
    settings = {**DEFAULTS, "IMAGES_WIDTHS": [100], "IMAGES_FORMATS": ["jpeg"]}
    options = processing_options(settings)
    manifest = process_photo(str(source), fingerprint(options), options,
                             str(tmp_path / "cache"), 1_000_000)
    folder = next((tmp_path / "cache").rglob("manifest.json")).parent
    variant = next(v for v in manifest["variants"] if v["width"] == 100)
    with Image.open(folder / variant["file"]) as image:
        assert "icc_profile" not in image.info  # untagged means sRGB on the web
        red, green, blue = image.getpixel((50, 25))
    # Adobe RGB (100, 180, 100) is (0, 181, 94) in sRGB: shown untouched it would look dull.
    assert red < 20 and abs(green - 181) < 10 and abs(blue - 94) < 10
