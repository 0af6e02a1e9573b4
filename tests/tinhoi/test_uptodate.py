"""``make html`` with nothing changed since the last build keeps the site as it is;
any change of what a build reads builds again."""

import datetime
import os
import shutil
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import (
    FIXTURES,
    ROOT,
    pelican_settings,
    skip_near_local_midnight,
    write_project_settings,
)

ARTICLE = "thuong-truc-thanh-uy-lam-viec-voi-hoi-khuyen-hoc-thanh-pho"
KEPT = "Không có gì thay đổi"


@pytest.fixture
def project(tmp_path):
    """The basic fixture without its invalid article (a build with errors is never
    skipped), one article carrying an unknown field (a warning)."""
    skip_near_local_midnight()
    shutil.copytree(FIXTURES / "basic" / "content", tmp_path / "content")
    (tmp_path / "content" / "2018" / "hong.md").unlink()
    signing = tmp_path / "content" / "2018" / "ky-ket.md"
    signing.write_text(signing.read_text(encoding="utf-8").replace(
        "---\n", "---\nmau_nen: xanh\n", 1), encoding="utf-8")
    write_project_settings(tmp_path)
    return tmp_path


def tinhoi(project, *args, **environment):
    env = {**os.environ, "PYTHONPATH": str(ROOT), **environment}
    env.pop("PYTHONUNBUFFERED", None)
    if "TINHOI_NOW" not in environment:
        env.pop("TINHOI_NOW", None)
    result = subprocess.run([sys.executable, "-m", "tinhoi", "build", *args], cwd=project,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


def state(folder):
    """Every file of ``folder``: its bytes, inode and modification time."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            found[path.relative_to(folder)] = (path.read_bytes(), stat.st_ino, stat.st_mtime_ns)
    return found


def article_page(project):
    return project / "output" / "2018" / ARTICLE / "index.html"


def test_nothing_changed_keeps_the_site_and_says_its_warnings_again(project):
    first = tinhoi(project)
    assert KEPT not in first.stdout
    assert "mau_nen" in first.stderr  # the unknown field's warning
    before = state(project / "output")
    second = tinhoi(project)
    assert KEPT in second.stdout, second.stdout + second.stderr
    assert "Done: Processed" not in second.stdout  # Pelican did not run
    assert "mau_nen" in second.stderr  # the warning, said again
    assert state(project / "output") == before
    # --full builds anyway, and the site is the same.
    forced = tinhoi(project, "--full")
    assert KEPT not in forced.stdout and "Done: Processed" in forced.stdout
    assert {path: data for path, (data, *_) in state(project / "output").items()} == \
        {path: data for path, (data, *_) in before.items()}
    # --full keeps no manifest: the next build builds, puts back the old file of every
    # page that did not change, and names the files as they are then in its manifest,
    # so the build after it finds nothing changed.
    assert KEPT not in tinhoi(project).stdout
    assert KEPT in tinhoi(project).stdout


def test_an_edit_that_keeps_size_and_time_is_built(project):
    tinhoi(project)
    source = project / "content" / "2018" / "lam-viec.md"
    stat = source.stat()
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("phòng họp", "phòng hộp"), encoding="utf-8")
    assert source.stat().st_size == stat.st_size
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result = tinhoi(project)
    assert KEPT not in result.stdout
    assert "phòng hộp" in article_page(project).read_text(encoding="utf-8")


@pytest.mark.parametrize("change", ["theme", "template override", "theme static folder",
                                    "settings", "environment", "new file",
                                    "removed file", "output file", "output extra"])
def test_a_change_of_any_input_or_of_the_output_builds_again(project, change):
    tinhoi(project)
    environment = {}
    if change == "theme":
        theme = project / "theme"
        shutil.copytree(ROOT / "theme", theme)
        write_project_settings(project, f"THEME = {str(theme)!r}\n")
        tinhoi(project)  # the copy, the same templates
        base = theme / "templates" / "base.html"
        base.write_text(base.read_text(encoding="utf-8").replace(
            "</body>", "<!-- chân trang mới --></body>"), encoding="utf-8")
    elif change in ("template override", "theme static folder"):
        # Folders the settings point Pelican to outside the content and the theme.
        override = project / "ghi-de" / "partials" / "footer_extra.html"
        override.parent.mkdir(parents=True)
        override.write_text("<p>Chân trang cũ</p>", encoding="utf-8")
        static = project / "tinh" / "css" / "them.css"
        static.parent.mkdir(parents=True)
        static.write_text("body { color: black }", encoding="utf-8")
        write_project_settings(
            project, f"THEME_TEMPLATES_OVERRIDES = [{str(override.parent.parent)!r}]\n"
            f"THEME_STATIC_PATHS = ['static', {str(static.parent.parent)!r}]\n")
        tinhoi(project)
        assert KEPT in tinhoi(project).stdout  # built with them, then kept
        if change == "template override":
            override.write_text("<p>Chân trang mới</p>", encoding="utf-8")
        else:
            static.write_text("body { color: navy }", encoding="utf-8")
    elif change == "settings":
        write_project_settings(project, "SITENAME = 'Hội Khuyến học Đà Nẵng'\n")
    elif change == "environment":
        environment["TINHOI_NOW"] = "2019-01-01"
    elif change == "new file":
        (project / "content" / "2018" / "moi.md").write_text(
            "---\ntitle: Bài mới về học bổng\ndate: 2018-11-01\n---\nNội dung.\n",
            encoding="utf-8")
    elif change == "removed file":
        (project / "content" / "2018" / "trao-hoc-bong.md").unlink()
    elif change == "output file":
        article_page(project).write_text("hỏng", encoding="utf-8")
    elif change == "output extra":
        (project / "output" / "la.html").write_text("lạ", encoding="utf-8")
    result = tinhoi(project, **environment)
    assert KEPT not in result.stdout, change
    page = article_page(project).read_text(encoding="utf-8")
    assert "hỏng" != page and not (project / "output" / "la.html").exists()
    if change == "theme":
        assert "chân trang mới" in page
    if change == "template override":
        assert "Chân trang mới" in page
    if change == "theme static folder":
        css = project / "output" / "theme" / "css" / "them.css"
        assert css.read_text(encoding="utf-8") == "body { color: navy }"
    if change == "settings":
        assert "Hội Khuyến học Đà Nẵng" in page
    if change == "new file":
        assert (project / "output" / "2018" / "bai-moi-ve-hoc-bong" / "index.html").is_file()
    # And once built, the next build with nothing changed is kept again.
    assert KEPT in tinhoi(project, **environment).stdout


def test_a_build_with_errors_is_never_skipped(project):
    shutil.copy(FIXTURES / "basic" / "content" / "2018" / "hong.md",
                project / "content" / "2018" / "hong.md")
    for _ in range(2):
        result = tinhoi(project)
        assert KEPT not in result.stdout
        assert "hong.md:5" in result.stderr  # reported by every build


def test_a_setting_that_is_not_plain_data_turns_the_check_off(project):
    write_project_settings(project, "JINJA_FILTERS = {'hoa': lambda text: text.upper()}\n")
    tinhoi(project)
    assert KEPT not in tinhoi(project).stdout


def test_the_window_ends_at_midnight_or_at_the_next_scheduled_article(tmp_path):
    from tinhoi import uptodate
    from tinhoi.build import SiteUnchanged, build

    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "basic" / "content", content)
    (content / "2018" / "hong.md").unlink()
    midnight = skip_near_local_midnight()
    now = datetime.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    settings = pelican_settings(content, tmp_path / "output")
    output = str(tmp_path / "output")
    build(settings, output, skip_if_unchanged=True)
    inputs = uptodate.snapshot(settings, options=(("keep_unchanged", True),))
    assert uptodate.still_valid(settings, output, inputs) == []
    with pytest.raises(SiteUnchanged):
        build(settings, output, skip_if_unchanged=True)
    assert uptodate.still_valid(settings, output, inputs, now=midnight.timestamp() - 1) == []
    assert uptodate.still_valid(settings, output, inputs, now=midnight.timestamp()) is None
    assert uptodate.still_valid(settings, output, inputs, now=now.timestamp() - 60) is None

    # An article scheduled before midnight: the site is valid until its date only.
    scheduled = (now + datetime.timedelta(minutes=2)).replace(second=0, microsecond=0)
    (content / "2018" / "hen.md").write_text(
        f"---\ntitle: Bài hẹn đăng\ndate: {scheduled.strftime('%Y-%m-%d %H:%M')}\n---\n"
        "Sắp đăng.\n", encoding="utf-8")
    build(settings, output, skip_if_unchanged=True)
    assert not (tmp_path / "output" / "2018" / "bai-hen-dang").exists()
    inputs = uptodate.snapshot(settings, options=(("keep_unchanged", True),))
    due = scheduled.timestamp()
    assert uptodate.still_valid(settings, output, inputs, now=due - 1) == []
    assert uptodate.still_valid(settings, output, inputs, now=due) is None


def test_a_big_file_changed_just_before_the_snapshot_is_never_trusted(tmp_path):
    from tinhoi import uptodate

    photo = tmp_path / "anh.jpg"
    photo.write_bytes(b"\xff" * (uptodate.HASHED_UP_TO + 1))
    stat = photo.stat()
    assert uptodate._signature(str(photo), stat, stat.st_mtime_ns + 10**9) is None
    later = stat.st_mtime_ns + 3 * 10**9
    before = uptodate._signature(str(photo), stat, later)
    assert before is not None
    # Another photo of the same size, its time put back: its change time tells (a tick
    # of the file system's clock later).
    time.sleep(0.05)
    photo.write_bytes(b"\xfe" * (uptodate.HASHED_UP_TO + 1))
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    again = photo.stat()
    assert uptodate._signature(str(photo), again, again.st_ctime_ns + 3 * 10**9) != before


def test_a_linked_folder_in_the_content_turns_the_check_off(tmp_path):
    from tinhoi import uptodate

    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "basic" / "content", content)
    settings = pelican_settings(content, tmp_path / "output")
    assert uptodate.snapshot(settings) is not None
    (tmp_path / "khac").mkdir()
    (content / "khac").symlink_to(tmp_path / "khac")
    assert uptodate.snapshot(settings) is None  # what is in there is not looked at


def test_a_damaged_manifest_means_a_full_build(project):
    tinhoi(project)
    manifests = list((project / ".cache" / "build").glob("*.pickle"))
    assert len(manifests) == 1
    manifests[0].write_bytes(b"\x80\x05 hong")  # cut off mid-write by hand, say
    result = tinhoi(project)
    assert KEPT not in result.stdout and "Done: Processed" in result.stdout
    assert KEPT in tinhoi(project).stdout  # the manifest written again
