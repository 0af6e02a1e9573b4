"""``make new``: a new article of each type, ready to fill in, that passes ``make check``."""

import re

import pytest
import yaml

from tests.conftest import ROOT, write_project_settings
from tinhoi.__main__ import main

FIELDS = {
    "news": ("title", "date", "status", "slug", "category", "tags", "summary", "author", "image",
             "image_caption", "image_alt"),
    "meeting": ("type", "date", "end", "location", "organizer", "organizations", "participants"),
}
FIELDS["signing"] = FIELDS["meeting"] + ("parties", "programme", "period")
FIELDS["award"] = FIELDS["meeting"] + ("award", "recipients", "value", "sponsor")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project; the clock says 22 November 2025, 09:05 in Hà Nội."""
    (tmp_path / "content").mkdir()
    write_project_settings(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TINHOI_NOW", "2025-11-22T02:05:00+00:00")
    return tmp_path


def run(capsys, *args):
    status = main(list(args))
    return status, capsys.readouterr().out


@pytest.mark.parametrize("kind", ["meeting", "signing", "award", "news"])
def test_each_type_scaffolds_an_article_that_passes_the_check(project, capsys, kind):
    title = f"Hội Khuyến học Đà Nẵng: bài mẫu loại {kind}"
    status, said = run(capsys, "new", "--title", title, "--type", kind)
    assert status == 0, said
    slug = f"hoi-khuyen-hoc-da-nang-bai-mau-loai-{kind}"
    path = project / "content" / "2025" / f"{slug}.md"
    assert f"content/2025/{slug}.md" in said
    text = path.read_text(encoding="utf-8")

    meta = yaml.load(text.split("\n---\n")[0].removeprefix("---\n"), Loader=yaml.BaseLoader)
    assert meta["title"] == title  # the colon in the title is quoted
    assert meta["date"] == "22/11/2025 09:05"  # local time in Asia/Ho_Chi_Minh
    assert meta["status"] == "draft"
    assert meta["slug"] == slug
    expected = FIELDS["news"] + (FIELDS[kind] if kind != "news" else ())
    for name in expected:  # every field is there, some commented out until filled in
        assert re.search(rf"^\s*(# )?{name}:", text, re.M), name
    assert ("event" in meta) == (kind != "news")
    if kind != "news":
        assert meta["event"]["type"] == kind
    # every field is explained: a Vietnamese comment right above it
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^(title|date|status|category|tags|summary|author|image):", line):
            assert lines[number - 1].lstrip().startswith("#"), line

    status, checked = run(capsys, "check")
    assert status == 0, checked
    assert checked.strip().endswith("0 lỗi, 0 cảnh báo."), checked


def test_new_refuses_to_overwrite(project, capsys):
    run(capsys, "new", "--title", "Trao học bổng", "--type", "award")
    path = project / "content" / "2025" / "trao-hoc-bong.md"
    path.write_text(path.read_text(encoding="utf-8") + "Bài đã viết.\n", encoding="utf-8")
    before = path.read_bytes()
    status, said = run(capsys, "new", "--title", "Trao học bổng", "--type", "meeting")
    assert status == 1
    assert "không ghi đè" in said
    assert path.read_bytes() == before


@pytest.mark.parametrize("args, message", [
    (("--title", "Tin", "--type", "party"), "loại bài 'party' không có"),
    (("--title", "  ", "--type", "news"), "thiếu tiêu đề"),
])
def test_new_explains_bad_input(project, capsys, args, message):
    status, said = run(capsys, "new", *args)
    assert status == 1
    assert message in said
    assert not any((project / "content").rglob("*.md"))


def test_make_new_runs_the_scaffold(tmp_path):
    import subprocess

    result = subprocess.run(["make", "-n", "new", "TITLE=Lễ ký kết 2026", "TYPE=signing"],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    assert '-m tinhoi new -s pelicanconf.py --title "Lễ ký kết 2026" --type "signing"' in \
        result.stdout
