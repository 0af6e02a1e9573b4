"""Scheduled articles and drafts, and ``make publish``: swap, precompression, deployment."""

import gzip
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import (
    FIXTURES,
    ROOT,
    parse_html,
    run_build,
    skip_near_local_midnight,
    write_project_settings,
)

BASE_PLUGINS = ["tinhoi_content", "vietnamese", "schedule"]
# The feeds and sitemap are written from the published articles too: when their plugins are
# in the tree, the tests check that a scheduled article stays out of them as well.
EXTRA_PLUGINS = [name for name in ("feeds", "site_extras") if (ROOT / "plugins" / name).is_dir()]
SCHEDULED = """---
title: Bài hẹn đăng ngày hội khuyến học
date: 2018-12-01 08:00
category: Hẹn giờ
tags: [hẹn giờ]
---
Nội dung sẽ đăng sau.
"""


# -- scheduled articles and drafts (a build with a fixed clock) ---------------------

@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(FIXTURES / "basic" / "content", folder)
    (folder / "2018" / "hong.md").unlink()
    (folder / "2018" / "hen-dang.md").write_text(SCHEDULED, encoding="utf-8")
    return folder


def build(content, output, **override):
    override.setdefault("PLUGINS", BASE_PLUGINS + EXTRA_PLUGINS)
    override.setdefault("SITEURL", "https://tinhoi.example.org")
    return run_build(content, output, **override)


def text_files(output):
    return {p: p.read_text(encoding="utf-8") for p in output.rglob("*")
            if p.suffix in (".html", ".xml", ".json", ".txt", ".ics")}


def test_scheduled_article_is_absent_until_its_date(content, tmp_path):
    before = build(content, tmp_path / "before", SCHEDULE_NOW="2018-12-01 07:59")
    assert not (before / "2018" / "bai-hen-dang-ngay-hoi-khuyen-hoc").exists()
    assert not (before / "ban-nhap").exists()  # drafts are never written outside preview
    files = text_files(before)
    assert any(p.name == "index.html" for p in files)
    for path, text in files.items():  # home, archives, categories, tags, feeds, sitemap
        assert "Bài hẹn đăng" not in text and "hen-dang" not in text, path
        assert "Bài còn nháp" not in text, path

    after = build(content, tmp_path / "after", SCHEDULE_NOW="2018-12-01 08:00")
    page = parse_html(after / "2018" / "bai-hen-dang-ngay-hoi-khuyen-hoc" / "index.html")
    assert page.findtext(".//h1") == "Bài hẹn đăng ngày hội khuyến học"
    assert not page.xpath("//*[@class='draft-flag']")
    home = (after / "index.html").read_text(encoding="utf-8")
    assert "Bài hẹn đăng ngày hội khuyến học" in home
    assert (after / "chu-de" / "hen-gio" / "index.html").is_file()
    if "feeds" in EXTRA_PLUGINS:
        assert any("Bài hẹn đăng" in t for p, t in text_files(after).items() if p.suffix == ".xml")
    if "site_extras" in EXTRA_PLUGINS:
        sitemap = (after / "sitemap.xml").read_text(encoding="utf-8")
        assert "/2018/bai-hen-dang-ngay-hoi-khuyen-hoc/" in sitemap


def test_preview_shows_drafts_and_scheduled_articles_marked(content, tmp_path):
    output = build(content, tmp_path / "preview", SCHEDULE_NOW="2018-11-01",
                   SCHEDULE_SHOW_DRAFTS=True)
    for slug, title in (("bai-hen-dang-ngay-hoi-khuyen-hoc", "Bài hẹn đăng ngày hội khuyến học"),
                        ("bai-con-nhap", "Bài còn nháp")):
        page = parse_html(output / "ban-nhap" / slug / "index.html")
        assert page.findtext(".//h1") == title
        assert page.xpath("string(//*[@class='draft-flag'])") == "Bản nháp"
    home = (output / "index.html").read_text(encoding="utf-8")
    assert "Bài hẹn đăng" not in home and "Bài còn nháp" not in home
    assert not (output / "2018" / "bai-hen-dang-ngay-hoi-khuyen-hoc").exists()


def test_fixed_clock_wins_over_pelicans_own_future_dates(content, tmp_path):
    (content / "2018" / "hen-dang.md").write_text(
        SCHEDULED.replace("2018-12-01 08:00", "2100-01-01 08:00"), encoding="utf-8")
    later = build(content, tmp_path / "later", WITH_FUTURE_DATES=False,
                  SCHEDULE_NOW="2100-01-02")
    assert (later / "2100" / "bai-hen-dang-ngay-hoi-khuyen-hoc" / "index.html").is_file()
    today = build(content, tmp_path / "today", WITH_FUTURE_DATES=False)
    assert not (today / "2100").exists()
    assert "Bài hẹn đăng" not in (today / "index.html").read_text(encoding="utf-8")


def test_the_clock_can_be_fixed_from_the_environment(content, tmp_path, monkeypatch):
    monkeypatch.setenv("TINHOI_NOW", "2018-12-02")
    output = build(content, tmp_path / "output")
    assert (output / "2018" / "bai-hen-dang-ngay-hoi-khuyen-hoc" / "index.html").is_file()


def test_unreadable_clock_setting_is_a_clear_error(content, tmp_path):
    from schedule.schedule import ScheduleSettingsError

    with pytest.raises(ScheduleSettingsError, match="SCHEDULE_NOW 'mai'"):
        build(content, tmp_path / "output", SCHEDULE_NOW="mai")


# -- make publish ----------------------------------------------------------------------

@pytest.fixture
def project(tmp_path):
    """A project with the basic content, its own plugins folder, and publishconf.py."""
    shutil.copytree(FIXTURES / "basic" / "content", tmp_path / "content")
    (tmp_path / "content" / "2018" / "hong.md").unlink()
    (tmp_path / "plugins").mkdir()
    write_project_settings(tmp_path,
                           f"PLUGIN_PATHS.append('plugins')\nPLUGINS = {BASE_PLUGINS!r}\n")
    (tmp_path / "publishconf.py").write_text(
        "exec(open('pelicanconf.py', encoding='utf-8').read())\n"
        "SITEURL = 'https://tinhoi.example.org'\nRELATIVE_URLS = False\n", encoding="utf-8")
    return tmp_path


def tinhoi(project, *args, **options):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tinhoi", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120, **options)


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_publish_precompresses_text_files_and_stays_deterministic(project):
    skip_near_local_midnight()  # the second publish must find the site unchanged
    first = tinhoi(project, "publish")
    assert first.returncode == 0, first.stdout + first.stderr
    output = project / "output"
    home = (output / "index.html").read_bytes()
    packed = (output / "index.html.gz").read_bytes()
    assert gzip.decompress(packed) == home
    assert packed[4:8] == b"\0\0\0\0"  # no time in the gzip header
    css = next(output.rglob("*.css"))
    assert gzip.decompress(Path(f"{css}.gz").read_bytes()) == css.read_bytes()
    assert not list(output.rglob("*.jpg.gz"))  # photos are compressed already
    assert not (output / "ban-nhap").exists()
    brotli = pytest.importorskip("brotli", reason="pyproject.toml must add 'brotli'")
    assert brotli.decompress((output / "index.html.br").read_bytes()) == home

    before = snapshot(output)
    second = tinhoi(project, "publish")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Không có gì thay đổi" in second.stdout  # nothing changed: kept as it is
    assert snapshot(output) == before
    forced = tinhoi(project, "publish", "--full")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert "Không có gì thay đổi" not in forced.stdout
    assert snapshot(output) == before  # built again: the same bytes


STALL_PLUGIN = """
import os, time
from pelican import signals

def stall(path, context):
    if os.environ.get("STALL_MARKER") and not os.path.exists(os.environ["STALL_MARKER"]):
        open(os.environ["STALL_MARKER"], "w").close()
        time.sleep(120)

def fail(path, context):
    if os.environ.get("FAIL_WRITING"):
        raise RuntimeError("hỏng giữa chừng")

def register():
    signals.content_written.connect(stall)
    signals.content_written.connect(fail)
"""


@pytest.fixture
def stalling_project(project):
    package = project / "plugins" / "stall"
    package.mkdir()
    (package / "__init__.py").write_text(STALL_PLUGIN, encoding="utf-8")
    with open(project / "pelicanconf.py", "a", encoding="utf-8") as settings:
        settings.write("PLUGINS = PLUGINS + ['stall']\n")
    assert tinhoi(project, "publish").returncode == 0
    return project


def test_publish_killed_midway_leaves_the_previous_site_byte_identical(stalling_project):
    project = stalling_project
    before = snapshot(project / "output")
    (project / "content" / "2018" / "moi.md").write_text(
        "---\ntitle: Bài mới\ndate: 2018-11-01\n---\nMới.\n", encoding="utf-8")
    marker = project / "dang-ghi"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "STALL_MARKER": str(marker)}
    process = subprocess.Popen([sys.executable, "-m", "tinhoi", "publish"], cwd=project, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():  # the build has written its first page
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        assert [p for p in project.iterdir() if p.name.startswith(".tinhoi-build-")]
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert snapshot(project / "output") == before


def test_publish_failing_while_writing_keeps_the_previous_site(stalling_project):
    project = stalling_project
    before = snapshot(project / "output")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FAIL_WRITING": "1"}
    # (--full: the failure comes from an environment variable no build reads, so the
    # unchanged site would be kept without building.)
    result = subprocess.run([sys.executable, "-m", "tinhoi", "publish", "--full"], cwd=project,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "được giữ nguyên" in result.stdout
    assert snapshot(project / "output") == before
    assert not [p for p in project.iterdir() if p.name.startswith(".tinhoi-")]


def test_precompress_skips_small_and_binary_files(tmp_path):
    from tinhoi.publish import precompress

    (tmp_path / "a.html").write_text("<p>khuyến học</p>" * 100, encoding="utf-8")
    (tmp_path / "tiny.css").write_text("p{}", encoding="utf-8")
    (tmp_path / "x.jpg").write_bytes(b"\xff\xd8" * 500)
    assert precompress(tmp_path, brotli=False) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "a.html.gz", "tiny.css",
                                                         "x.jpg"]


@pytest.mark.parametrize("target, variables, expected", [
    ("rsync_upload", ["SSH_HOST=web.example.org", "SSH_USER=bientap", "SSH_TARGET_DIR=/srv/tin"],
     ['rsync -e "ssh -p 22"', "--delete-after", "--delay-updates",
      'output/ "bientap@web.example.org:/srv/tin"']),
    ("s3_upload", ["S3_BUCKET=tinhoi", "S3_ENDPOINT=https://s3.example.org"],
     ['aws s3 sync output/ "s3://tinhoi/" --delete', "--exclude '*.gz' --exclude '*.br'",
      '--endpoint-url "https://s3.example.org"']),
])
def test_upload_targets_publish_first_then_deploy(target, variables, expected):
    result = subprocess.run(["make", "-n", target, *variables], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    commands = result.stdout
    assert "-m tinhoi publish -s publishconf.py -o output" in commands
    assert commands.index("tinhoi publish") < commands.index(expected[0].split()[0])
    for piece in expected:
        assert piece in commands, commands


def test_precompress_takes_the_copies_of_unchanged_files_from_its_cache(tmp_path, monkeypatch):
    from tinhoi import publish

    def site(folder, changed=""):
        folder.mkdir()
        (folder / "a.html").write_text("<p>khuyến học</p>" * 200, encoding="utf-8")
        (folder / "b.css").write_text("p{color:red}" * 100, encoding="utf-8")
        (folder / "c.xml").write_text(f"<x>{changed}học bổng</x>" * 100, encoding="utf-8")
        return folder

    plain = site(tmp_path / "plain")
    publish.precompress(plain, brotli=False)
    cache = tmp_path / "project" / ".cache" / "compress"
    neighbour = tmp_path / "project" / ".cache" / "content"  # another cache: left alone
    neighbour.mkdir(parents=True)
    assert publish.precompress(site(tmp_path / "first"), brotli=False, cache=cache) == 3

    compressed = []
    original = gzip.compress
    monkeypatch.setattr(gzip, "compress", lambda data, **kw: compressed.append(data) or
                        original(data, **kw))
    second = site(tmp_path / "second", changed="mới ")
    assert publish.precompress(second, brotli=False, cache=cache) == 3
    assert compressed == [(second / "c.xml").read_bytes()]  # only the changed file
    for name in ("a.html", "b.css"):
        assert (second / f"{name}.gz").read_bytes() == (plain / f"{name}.gz").read_bytes()
    assert gzip.decompress((second / "c.xml.gz").read_bytes()) == (second / "c.xml").read_bytes()
    assert neighbour.is_dir()
    # The copy of the first site's c.xml is no longer kept; a damaged copy is not used.
    assert len(list(cache.rglob("*.gz"))) == 3
    for kept in cache.rglob("*.gz"):
        kept.unlink()
        kept.write_bytes(b"\x1f\x8b hong")
    third = site(tmp_path / "third", changed="mới ")
    (third / "a.html.gz").write_bytes(b"cu")  # replaced, never written through
    publish.precompress(third, brotli=False, cache=cache)
    for name in ("a.html", "b.css", "c.xml"):
        assert gzip.decompress((third / f"{name}.gz").read_bytes()) == \
            (third / name).read_bytes()


def test_republish_compresses_only_what_changed(project):
    brotli = pytest.importorskip("brotli")
    assert tinhoi(project, "publish").returncode == 0
    kept = {p.name for p in (project / ".cache" / "compress").rglob("*.br")}
    assert kept
    article = project / "content" / "2018" / "lam-viec.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nCâu mới.\n", encoding="utf-8")
    result = tinhoi(project, "publish", "-v")
    assert result.returncode == 0, result.stdout + result.stderr
    page = next((project / "output" / "2018").glob("*/index.html"))
    assert brotli.decompress(Path(f"{page}.br").read_bytes()) == page.read_bytes()
    message = [line for line in result.stderr.splitlines() if "Nén sẵn" in line]
    compressed, reused = (int(n) for n in re.findall(r"\d+", message[0])[:2])
    assert 0 < compressed * 2 - reused < compressed  # most copies came from the cache


def test_publish_checks_the_content_only_when_it_builds(project):
    skip_near_local_midnight()  # the second publish must find the site unchanged
    assert tinhoi(project, "publish").returncode == 0
    (project / "content" / "2018" / "hong.md").write_text(
        "---\ntitle: Bài hỏng\ndate: 32/13/2018\n---\nNội dung.\n", encoding="utf-8")
    before = snapshot(project / "output")
    refused = tinhoi(project, "publish")
    assert refused.returncode == 1
    assert "hong.md:3" in refused.stdout and "Không xuất bản" in refused.stdout
    assert snapshot(project / "output") == before
    (project / "content" / "2018" / "hong.md").unlink()
    kept = tinhoi(project, "publish")  # the content is what was published: nothing to do
    assert kept.returncode == 0 and "Không có gì thay đổi" in kept.stdout
    assert snapshot(project / "output") == before


def test_precompress_works_without_a_usable_cache(tmp_path):
    from tinhoi.publish import precompress

    (tmp_path / "site").mkdir()
    page = tmp_path / "site" / "a.html"
    page.write_text("<p>khuyến học</p>" * 200, encoding="utf-8")
    blocked = tmp_path / "compress"
    blocked.write_text("một tệp, không phải thư mục", encoding="utf-8")
    assert precompress(tmp_path / "site", brotli=False, cache=blocked) == 1
    assert gzip.decompress(Path(f"{page}.gz").read_bytes()) == page.read_bytes()
    assert blocked.read_text(encoding="utf-8") == "một tệp, không phải thư mục"
