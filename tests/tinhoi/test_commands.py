"""``make check``, ``make html`` and ``make publish`` as an editor runs them."""

import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, ROOT, write_project_settings


@pytest.fixture
def project(tmp_path):
    """A project folder with the basic fixture content and settings that use our theme."""
    shutil.copytree(FIXTURES / "basic" / "content", tmp_path / "content")
    write_project_settings(tmp_path)
    (tmp_path / "publishconf.py").write_text(
        "exec(open('pelicanconf.py', encoding='utf-8').read())\n"
        "SITEURL = 'https://tinhoi.example.org'\nRELATIVE_URLS = False\n", encoding="utf-8")
    return tmp_path


def tinhoi(project, *args, **environment):
    # Output buffered as in an editor's terminal piped to a file (this machine sets
    # PYTHONUNBUFFERED).
    env = {**os.environ, "PYTHONPATH": str(ROOT), **environment}
    env.pop("PYTHONUNBUFFERED", None)
    return subprocess.run([sys.executable, "-m", "tinhoi", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120)


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_check_reports_every_problem_as_path_line(project):
    (project / "content" / "2018" / "them.md").write_text(
        "---\ntitle: Thêm\ndate: 30/02/2018\ntgas: x\n---\n![](images/khong.jpg)\n",
        encoding="utf-8")
    result = tinhoi(project, "check")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "content/2018/hong.md:5: [lỗi] loại sự kiện 'party' không có" in result.stdout
    assert any(line.startswith("content/2018/them.md:3: [lỗi]") and "không có thật" in line
               for line in lines)
    assert any(line.startswith("content/2018/them.md:4: [cảnh báo]") and "'tags'" in line
               for line in lines)
    assert any(line.startswith("content/2018/them.md:6: [lỗi]") and "không tìm thấy ảnh" in line
               for line in lines)
    assert lines[-1] == "Đã kiểm tra 7 tệp: 3 lỗi, 2 cảnh báo."
    assert "Traceback" not in result.stdout + result.stderr


def test_check_passes_on_valid_content(project):
    (project / "content" / "2018" / "hong.md").unlink()
    result = tinhoi(project, "check")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("0 lỗi, 0 cảnh báo.")


def test_check_finds_two_articles_with_the_same_address(project):
    (project / "content" / "2018" / "hong.md").unlink()
    shutil.copy(project / "content" / "2018" / "lam-viec.md",
                project / "content" / "2018" / "lam-viec-ban-sao.md")
    result = tinhoi(project, "check")
    assert result.returncode == 1
    assert "trùng địa chỉ" in result.stdout


def test_build_reports_problems_and_builds_the_valid_articles(project):
    result = tinhoi(project, "build")
    assert result.returncode == 0, result.stderr
    assert "hong.md:5" in result.stderr
    assert "Traceback" not in result.stderr
    # The process ends without Python's teardown: what it printed into the pipe is
    # flushed first.
    assert "Đã dựng trang vào" in result.stdout and "lỗi nội dung" in result.stdout
    slug = "thuong-truc-thanh-uy-lam-viec-voi-hoi-khuyen-hoc-thanh-pho"
    assert (project / "output" / "2018" / slug / "index.html").is_file()
    assert not [p for p in project.iterdir() if p.name.startswith(".tinhoi-")]


def test_the_preview_build_has_a_search_shard_a_year(project):
    """``tinhoi build --drafts`` (the live preview's build) indexes a year a shard, which
    an edit indexes again; ``make html`` keeps its larger shards, for readers on slow
    links, and its own cache."""
    (project / "content" / "2017").mkdir()
    (project / "content" / "2017" / "tin.md").write_text(
        "---\ntitle: Tin năm 2017\ndate: 2017-03-01 08:00\ncategory: Tin tức\n---\n"
        "Hội khuyến học họp năm 2017.\n", encoding="utf-8")
    for args in (("build", "--drafts", "-o", "preview"), ("build",)):
        assert tinhoi(project, *args).returncode == 0
    shards = project / "preview" / "pagefind" / "tinhoi-shards.json"
    assert shards.read_text(encoding="utf-8") == '["phan-2/", "phan-3/"]'  # -, 2017, 2018
    assert (project / "output" / "pagefind" / "tinhoi-shards.json").read_text() == "[]"
    assert {p.name for p in (project / ".cache").iterdir()} >= {"search", "search-xem-truoc"}


def test_failed_build_leaves_the_previous_site_untouched(project):
    assert tinhoi(project, "build").returncode == 0
    before = snapshot(project / "output")
    broken_theme = project / "theme"
    shutil.copytree(ROOT / "theme", broken_theme)
    (broken_theme / "templates" / "article.html").write_text("{% block %}", encoding="utf-8")
    with open(project / "pelicanconf.py", "a", encoding="utf-8") as settings:
        settings.write(f"THEME = {str(broken_theme)!r}\n")
    result = tinhoi(project, "build")
    assert result.returncode == 1
    assert "được giữ nguyên" in result.stdout
    assert snapshot(project / "output") == before
    assert not [p for p in project.iterdir() if p.name.startswith(".tinhoi-")]


def test_publish_refuses_invalid_content_and_keeps_output(project):
    (project / "output").mkdir()
    (project / "output" / "index.html").write_text("site cũ", encoding="utf-8")
    result = tinhoi(project, "publish")
    assert result.returncode == 1
    assert "Không xuất bản" in result.stdout
    assert (project / "output" / "index.html").read_text(encoding="utf-8") == "site cũ"


def test_publish_builds_absolute_urls_when_content_is_valid(project):
    (project / "content" / "2018" / "hong.md").unlink()
    result = tinhoi(project, "publish")
    assert result.returncode == 0, result.stdout + result.stderr
    home = (project / "output" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://tinhoi.example.org/2018/' in home


def test_check_opens_every_photo(project):
    """A photo that exists but is not a usable image is found by make check, with its line."""
    good = (project / "content" / "images" / "ky-ket.jpg").read_bytes()
    (project / "content" / "images" / "cut.jpg").write_bytes(good[: len(good) // 2])
    (project / "content" / "images" / "not-a-photo.jpg").write_text("xin chào", encoding="utf-8")
    (project / "content" / "2018" / "anh-hong.md").write_text(
        "---\ntitle: Ảnh hỏng\ndate: 2018-11-02\nimage: images/not-a-photo.jpg\n"
        "image_alt: Ảnh\n---\nĐoạn.\n\n![Ảnh bị cắt](images/cut.jpg \"Chú thích\")\n",
        encoding="utf-8")
    (project / "content" / "2018" / "hong.md").unlink()
    result = tinhoi(project, "check")
    assert result.returncode == 1
    assert any(line.startswith("content/2018/anh-hong.md:4: [lỗi]")
               for line in result.stdout.splitlines()), result.stdout
    assert any(line.startswith("content/2018/anh-hong.md:9: [lỗi]")
               for line in result.stdout.splitlines()), result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    published = tinhoi(project, "publish")
    assert published.returncode == 1 and "Không xuất bản" in published.stdout


EXIT_PLUGIN = """
import atexit, os
from pelican import signals

def mark():
    open(os.environ["EXIT_MARKER"], "w").close()

def fail(_pelican):
    if os.environ.get("FAIL_BUILD"):
        raise RuntimeError("hỏng ở cuối")

def register():
    atexit.register(mark)
    signals.finalized.connect(fail)
"""


def test_exit_handlers_run_after_a_failed_build_only(project):
    """A build that finished ends without Python's teardown (its work is all closed); a
    failed one ends normally, so the plugins' exit handlers stop what it left running
    (the search index's background Pagefind processes)."""
    (project / "plugins" / "danh_dau").mkdir(parents=True)
    (project / "plugins" / "danh_dau" / "__init__.py").write_text(EXIT_PLUGIN, encoding="utf-8")
    with open(project / "pelicanconf.py", "a", encoding="utf-8") as settings:
        settings.write("PLUGIN_PATHS = PLUGIN_PATHS + ['plugins']\n"
                       "PLUGINS = PLUGINS + ['danh_dau']\n")
    marker = project / "da-thoat"
    env = {"EXIT_MARKER": str(marker)}
    assert tinhoi(project, "build", **env).returncode == 0
    assert not marker.exists()
    # (--full: the failure comes from an environment variable no build reads.)
    failed = tinhoi(project, "build", "--full", **{**env, "FAIL_BUILD": "1"})
    assert failed.returncode == 1 and "được giữ nguyên" in failed.stdout
    assert marker.exists()
