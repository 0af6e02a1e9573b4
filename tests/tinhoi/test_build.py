"""tinhoi/build.py: the collector runs less while a build runs, and is left as it was."""

import contextlib
import gc
import os
import shutil
import time

import pytest
from pelican import signals

from tests.conftest import FIXTURES, pelican_settings, reset_pelican_signals
from tinhoi.build import GC_THRESHOLD, build

PLUGINS = ["tinhoi_content", "vietnamese", "schedule", "render"]


@pytest.fixture
def content(tmp_path):
    shutil.copytree(FIXTURES / "basic" / "content", tmp_path / "content")
    (tmp_path / "content" / "2018" / "hong.md").unlink()
    return tmp_path / "content"


def test_a_build_collects_less_and_leaves_the_collector_as_it_was(content, tmp_path):
    reset_pelican_signals()
    seen = {}

    def note(_pelican):  # the last signal: what the pages were written with
        seen.update(threshold=gc.get_threshold(), frozen=gc.get_freeze_count())

    signals.finalized.connect(note)
    before = gc.get_threshold()
    build(pelican_settings(content, tmp_path / "site", PLUGINS=PLUGINS), str(tmp_path / "site"))
    assert (tmp_path / "site" / "index.html").is_file()
    assert seen["threshold"] == GC_THRESHOLD
    assert seen["frozen"] > 1000  # the articles, contexts and indexes read by then
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_the_plugins_passes_over_the_articles_run_with_the_articles_frozen(content, tmp_path):
    """The collector no longer scans the articles once they are read: the plugins'
    passes over them (organisations, related articles…) find them frozen already."""
    reset_pelican_signals()
    seen = {}

    def note(generator):  # a plugin's pass, connected after the build's own receivers
        seen["frozen"] = gc.get_freeze_count()
        seen["articles"] = len(generator.articles)

    def connect_note(_pelican):  # sent once the build's own receivers are connected
        signals.article_generator_finalized.connect(note, weak=False)

    signals.initialized.connect(connect_note, weak=False)
    try:
        build(pelican_settings(content, tmp_path / "site", PLUGINS=PLUGINS),
              str(tmp_path / "site"))
    finally:
        signals.initialized.disconnect(connect_note)
        signals.article_generator_finalized.disconnect(note)
    assert seen["articles"] >= 3
    assert seen["frozen"] > 1000


def test_a_failed_build_also_leaves_the_collector_as_it_was(content, tmp_path):
    reset_pelican_signals()
    before = gc.get_threshold()

    def fail(_pelican):
        raise RuntimeError("một plugin hỏng")

    signals.finalized.connect(fail)
    with pytest.raises(RuntimeError):
        build(pelican_settings(content, tmp_path / "site", PLUGINS=PLUGINS),
              str(tmp_path / "site"))
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    assert not (tmp_path / "site").exists()


def test_the_signature_made_while_keeping_unchanged_files_is_that_of_the_site(tmp_path):
    from tinhoi import uptodate
    from tinhoi.build import keep_unchanged_files, swap_into_place

    old, new = tmp_path / "site", tmp_path / "staging"
    for folder in (old, new):
        (folder / "2018" / "bai").mkdir(parents=True)
        (folder / "index.html").write_text("trang chủ", encoding="utf-8")
        (folder / "2018" / "bai" / "index.html").write_text("bài", encoding="utf-8")
    (new / "2018" / "bai" / "index.html").write_text("bài đã sửa", encoding="utf-8")
    (new / "moi.html").write_text("trang mới", encoding="utf-8")
    (new / "lien-ket").symlink_to("index.html")
    (new / "rong").mkdir()
    signature = {}
    assert keep_unchanged_files(str(new), str(old), signature) == (1, 2, 0)  # links: neither
    swap_into_place(str(new), str(old))
    assert signature == uptodate.output_signature(str(old))
    assert set(signature) == {"index.html", "2018", "2018/bai", "2018/bai/index.html",
                              "moi.html", "lien-ket", "rong"}


def test_the_last_site_is_listed_while_the_build_runs(content, tmp_path, monkeypatch):
    """The build process does not walk the last site at the end of a build: a process
    of its own lists it meanwhile.  Unchanged files still keep their inode and time."""
    import tinhoi.build as build_module

    site = tmp_path / "site"
    settings = pelican_settings(content, site, PLUGINS=PLUGINS)
    reset_pelican_signals()
    build(settings, str(site))
    before = os.stat(site / "index.html")
    walked = []
    original = build_module._regular_files

    def noting(folder, entries=None):
        walked.append(os.path.realpath(folder))
        return original(folder, entries)

    monkeypatch.setattr(build_module, "_regular_files", noting)
    reset_pelican_signals()
    build(settings, str(site))
    assert len(walked) == 1 and walked[0] != os.path.realpath(site)  # the new site only
    after = os.stat(site / "index.html")
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_file_gone_from_the_last_site_since_it_was_listed_counts_as_changed(tmp_path):
    from tinhoi.build import OldFilesListing, keep_unchanged_files

    old, new = tmp_path / "site", tmp_path / "staging"
    for folder in (old, new):
        folder.mkdir()
        for name in ("a.html", "b.html"):
            (folder / name).write_text(f"trang {name}", encoding="utf-8")
    listing = OldFilesListing(str(old))
    old_files = listing.result()
    assert set(old_files) == {"a.html", "b.html"}
    assert old_files["a.html"].st_ino == os.stat(old / "a.html").st_ino
    (old / "b.html").unlink()  # removed after the listing, before the comparison
    assert keep_unchanged_files(str(new), str(old), old_files=old_files) == (1, 1, 0)
    assert os.stat(new / "a.html").st_ino == os.stat(old / "a.html").st_ino
    assert (new / "b.html").read_text(encoding="utf-8") == "trang b.html"
    assert OldFilesListing(str(tmp_path / "khong-co")).result() is None


def test_a_staged_file_already_the_last_sites_since_it_was_listed_leaves_nothing_behind(
        tmp_path):
    """Another build swapped its site in since this one listed the last site: a staged
    file may then be a link to the very file found at its path, though the listing says
    otherwise.  Renaming a link over a link to the same file does nothing; the temporary
    name must not stay in the site (it was published: ``pagefind-entry.json.tinhoi-keep``)."""
    from tinhoi.build import KEEP_SUFFIX, OldFilesListing, keep_unchanged_files

    old, new, shared = tmp_path / "site", tmp_path / "staging", tmp_path / "cache"
    for folder in (old, new, shared):
        folder.mkdir()
    (old / "a.json").write_text("{}", encoding="utf-8")
    old_files = OldFilesListing(str(old)).result()
    # The other build's site: its file and this build's staged one are one cached file.
    (shared / "a.json").write_text("{}", encoding="utf-8")
    (old / "a.json").unlink()
    os.link(shared / "a.json", old / "a.json")
    os.link(shared / "a.json", new / "a.json")
    assert keep_unchanged_files(str(new), str(old), old_files=old_files) == (1, 0, 0)
    assert sorted(path.name for path in new.iterdir()) == ["a.json"]
    assert not (new / ("a.json" + KEEP_SUFFIX)).exists()


def test_a_listing_process_that_dies_leaves_the_walk_to_the_build(content, tmp_path,
                                                                 monkeypatch):
    """The copy listing the last site ends without a word (killed, out of memory): the
    build process walks the site itself, and unchanged files keep inode and time."""
    import tinhoi.build as build_module

    site = tmp_path / "site"
    settings = pelican_settings(content, site, PLUGINS=PLUGINS)
    reset_pelican_signals()
    build(settings, str(site))
    before = os.stat(site / "index.html")
    monkeypatch.setattr(build_module, "_send_listing", lambda folder, sender: os._exit(3))
    assert build_module.OldFilesListing(str(site)).result() is None
    walked = []
    original = build_module._regular_files
    monkeypatch.setattr(build_module, "_regular_files", lambda folder, entries=None: walked.append(
        os.path.realpath(folder)) or original(folder, entries))
    reset_pelican_signals()
    build(settings, str(site))
    assert os.path.realpath(site) in walked
    after = os.stat(site / "index.html")
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_folder_of_the_last_site_made_a_file_since_it_was_listed_counts_as_changed(
        tmp_path):
    from tinhoi.build import OldFilesListing, keep_unchanged_files

    old, new = tmp_path / "site", tmp_path / "staging"
    for folder in (old, new):
        (folder / "thu-muc").mkdir(parents=True)
        (folder / "thu-muc" / "trang.html").write_text("trang", encoding="utf-8")
        (folder / "Đà Nẵng.html").write_text("đà nẵng", encoding="utf-8")
    old_files = OldFilesListing(str(old)).result()
    assert set(old_files) == {os.path.join("thu-muc", "trang.html"), "Đà Nẵng.html"}
    shutil.rmtree(old / "thu-muc")
    (old / "thu-muc").write_text("một tệp", encoding="utf-8")  # open(...) of it fails
    assert keep_unchanged_files(str(new), str(old), old_files=old_files) == (1, 1, 0)
    assert (new / "thu-muc" / "trang.html").read_text(encoding="utf-8") == "trang"
    assert sorted(path.name for path in new.rglob("*")) == ["thu-muc", "trang.html",
                                                           "Đà Nẵng.html"]


def _wait_until_empty(folder, seconds=20):
    import time

    deadline = time.monotonic() + seconds
    while folder.exists() and any(folder.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not folder.exists() or not any(folder.iterdir())


def test_the_replaced_site_is_removed_in_the_background(content, tmp_path, monkeypatch):
    import tinhoi.build as build_module

    settings = pelican_settings(content, tmp_path / "site", PLUGINS=PLUGINS)
    reset_pelican_signals()
    build(settings, str(tmp_path / "site"))
    removed_here = []
    rmtree = shutil.rmtree
    monkeypatch.setattr(build_module.shutil, "rmtree",
                        lambda path, *a, **k: (removed_here.append(str(path)),
                                               rmtree(path, *a, **k))[1])
    (content / "2018" / "moi.md").write_text(
        "---\ntitle: Bài mới\ndate: 2018-12-01 08:00\ncategory: Tin tức\n---\nNội dung.\n",
        encoding="utf-8")
    reset_pelican_signals()
    build(settings, str(tmp_path / "site"))
    # The new site is in place at once, nothing of the old one beside it…
    assert any("moi" in path.name for path in (tmp_path / "site" / "2018").iterdir())
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".tinhoi-")]
    # …and the build process removed no site itself: a process of its own empties the
    # trash in the project's cache.
    trash = tmp_path / ".cache" / build_module.TRASH
    assert removed_here == [] and trash.is_dir()
    assert _wait_until_empty(trash)


def test_a_trash_on_another_file_system_removes_the_old_site_at_once(tmp_path, monkeypatch):
    import errno

    import tinhoi.build as build_module

    old, new, trash = tmp_path / "site", tmp_path / "staging", tmp_path / "cache" / "trash"
    for folder in (old, new):
        (folder / "2018").mkdir(parents=True)
        (folder / "2018" / "index.html").write_text(folder.name, encoding="utf-8")
    rename = os.rename

    def cross_device(source, target):
        if str(target).startswith(str(trash)):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return rename(source, target)

    monkeypatch.setattr(build_module.os, "rename", cross_device)
    build_module.swap_into_place(str(new), str(old), trash=str(trash))
    assert (old / "2018" / "index.html").read_text(encoding="utf-8") == "staging"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "site"]
    assert not any(trash.iterdir())


def test_a_trash_that_cannot_be_made_removes_the_old_site_at_once(tmp_path):
    from tinhoi.build import swap_into_place

    old, new = tmp_path / "site", tmp_path / "staging"
    for folder in (old, new):
        folder.mkdir()
        (folder / "index.html").write_text(folder.name, encoding="utf-8")
    (tmp_path / "cache").write_text("a file where the cache folder should be", encoding="utf-8")
    swap_into_place(str(new), str(old), trash=str(tmp_path / "cache" / "old-output"))
    assert (old / "index.html").read_text(encoding="utf-8") == "staging"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "site"]
    assert (tmp_path / "cache").is_file()


def test_libraries_a_plugin_imports_when_it_writes_are_loaded_ahead_for_the_preview(tmp_path):
    """icalendar, feedgen and lxml are imported when the first calendar or feed is made
    (the feeds: in the forked copy of the build), not with the plugins: 0.1 to 0.2 s of
    every build's start, when only the build process runs.  The live preview, which
    loads what its next build needs ahead of time, loads them with the plugins (each
    plugin's ``PRELOAD``), and forgets the plugins' own modules."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    settings = tmp_path / "conf.py"
    extra = tmp_path / "plugins" / "mot_chuoi"  # PRELOAD given as one name, not a tuple
    extra.mkdir(parents=True)
    (extra / "__init__.py").write_text("PRELOAD = 'colorsys'\n", encoding="utf-8")
    settings.write_text(f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}, "
                        f"{str(tmp_path / 'plugins')!r}]\n"
                        "PLUGINS = ['calendars', 'feeds', 'mot_chuoi']\n", encoding="utf-8")
    libraries = "[name in sys.modules for name in ('icalendar', 'feedgen.feed', 'lxml.html')]"
    check = ("import sys\n"
             f"sys.path.insert(0, {str(ROOT / 'plugins')!r})\n"
             "import calendars, feeds\n"
             f"print({libraries})\n"
             "for name in [n for n in sys.modules if n.startswith(('calendars', 'feeds'))]:\n"
             "    del sys.modules[name]\n"
             "from tinhoi.build import preload\n"
             f"preload({str(settings)!r})\n"
             f"print({libraries}, 'calendars' in sys.modules, 'feeds' in sys.modules)\n"
             "print('colorsys' in sys.modules, 'c' in sys.modules)\n")
    output = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                            check=True, cwd=ROOT).stdout.splitlines()
    assert output == ["[False, False, False]", "[True, True, True] False False",
                      "True False"]


def test_a_file_system_without_hard_links_gets_copies_of_the_unchanged_pages(
        content, tmp_path, monkeypatch, caplog):
    """Where the last build's pages cannot be linked into the new one (another file
    system, a network drive), they are copied: every page of the site is there with its
    bytes, and none is rendered again."""
    import errno
    import logging

    site = tmp_path / "site"
    settings = pelican_settings(content, site, PLUGINS=PLUGINS)
    reset_pelican_signals()
    build(settings, str(site))
    first = {path.relative_to(site): path.read_bytes()
             for path in site.rglob("*") if path.is_file()}
    assert len(first) > 10

    def no_links(source, target, *args, **kwargs):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    reset_pelican_signals()
    with caplog.at_level(logging.INFO):
        build(settings, str(site), keep_unchanged=False)
    second = {path.relative_to(site): path.read_bytes()
              for path in site.rglob("*") if path.is_file()}
    assert second == first
    summary = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Trang:")]
    assert summary and summary[-1].startswith("Trang: 0 trang dựng lại"), summary


def test_files_made_again_keep_the_old_ones_unless_the_build_is_told_not_to(tmp_path):
    """``tinhoi build`` keeps the last site's file wherever a new one has the same bytes
    (its time too: rsync sends nothing); the preview's builds (``--no-keep-unchanged``)
    skip that comparison, the same bytes in new files."""
    import subprocess
    import sys

    from tests.conftest import ROOT, write_project_settings

    shutil.copytree(FIXTURES / "basic" / "content", tmp_path / "content")
    write_project_settings(tmp_path)
    site = tmp_path / "site"

    def tinhoi_build(*options):
        subprocess.run([sys.executable, "-m", "tinhoi", "build", "-s", "pelicanconf.py",
                        "-o", str(site), "--full", *options], cwd=tmp_path, check=True,
                       capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        return {path.relative_to(site): (path.stat().st_ino, path.read_bytes())
                for path in (site / "theme").rglob("*") if path.is_file()}

    first = tinhoi_build()
    assert first and tinhoi_build() == first  # the same files, kept
    fresh = tinhoi_build("--no-keep-unchanged")
    assert {name: data for name, (_, data) in fresh.items()} == \
        {name: data for name, (_, data) in first.items()}
    assert all(fresh[name][0] != first[name][0] for name in first)  # new files


def test_a_markdown_extension_that_does_not_exist_stops_the_build_with_its_name(tmp_path):
    """A typo in ``MARKDOWN``'s extensions is said once, by name, and the last site is
    kept: not an error for each article and a site without them."""
    import subprocess
    import sys

    from tests.conftest import ROOT, write_project_settings

    shutil.copytree(FIXTURES / "basic" / "content", tmp_path / "content")
    write_project_settings(tmp_path)
    site = tmp_path / "site"

    def tinhoi_build():
        return subprocess.run([sys.executable, "-m", "tinhoi", "build", "-s", "pelicanconf.py",
                               "-o", str(site)], cwd=tmp_path, capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})

    assert tinhoi_build().returncode == 0
    before = {path: path.read_bytes() for path in site.rglob("*") if path.is_file()}
    write_project_settings(tmp_path, 'MARKDOWN = {"extension_configs": {"khong.co.that": {}}, '
                                     '"output_format": "html5"}\n')
    broken = tinhoi_build()
    assert broken.returncode != 0
    printed = broken.stdout + broken.stderr
    assert "No module named 'khong'" in printed, printed
    assert "Could not process" not in printed and "Traceback" not in printed
    assert {path: path.read_bytes() for path in site.rglob("*") if path.is_file()} == before


def test_a_build_into_a_folder_another_build_is_writing_waits_for_it(tmp_path):
    """``make html`` while ``make publish`` (or another ``make html``) writes the same
    folder: the second waits, saying so, and builds once the first is done, instead of
    finding the first's site swapped in under it."""
    import subprocess
    import sys

    from tests.conftest import ROOT, write_project_settings
    from tinhoi.build import one_build_at_a_time

    shutil.copytree(FIXTURES / "basic" / "content", tmp_path / "content")
    write_project_settings(tmp_path)
    site = tmp_path / "site"
    with one_build_at_a_time({"PATH": str(tmp_path / "content")}, str(site)):
        second = subprocess.Popen(
            [sys.executable, "-m", "tinhoi", "build", "-s", "pelicanconf.py", "-o", str(site)],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        said = []
        for line in second.stdout:  # (ends early only if the build does)
            said.append(line)
            if "Một bản dựng khác đang ghi vào" in line:
                break
        assert "Một bản dựng khác đang ghi vào" in "".join(said), "".join(said)
        time.sleep(0.5)
        assert second.poll() is None and not site.exists()  # waiting, nothing written
    rest, _ = second.communicate(timeout=300)
    assert second.returncode == 0, rest
    assert (site / "index.html").is_file()


def _ended(pid):
    """Whether process ``pid`` has ended (gone, or a zombie nobody reaped yet)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_processes_a_killed_build_forked_end_with_it(tmp_path):
    """A build killed (``kill -9``, the terminal closed) left the copies it forked
    running for ever: a copy sending more than a pipe holds, to a process gone, waited
    with the pipe's other end open in its own hands."""
    import signal
    import subprocess
    import sys

    from tests.conftest import ROOT

    script = (
        "import multiprocessing, sys, time\n"
        "from tinhoi.build import end_forks_with_the_build\n"
        "end_forks_with_the_build()\n"
        "def send(sender):\n"
        "    sender.send_bytes(b'x' * 1_000_000)  # more than a pipe holds: it waits\n"
        "context = multiprocessing.get_context('fork')\n"
        "receiver, sender = context.Pipe(duplex=False)\n"
        "copy = context.Process(target=send, args=(sender,), daemon=True)\n"
        "copy.start()\n"
        "print(copy.pid, flush=True)\n"
        "time.sleep(120)\n")
    build = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    copy = int(build.stdout.readline())
    try:
        time.sleep(0.3)
        assert not _ended(copy)
        os.kill(build.pid, signal.SIGKILL)
        build.wait()
        deadline = time.monotonic() + 10
        while not _ended(copy) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _ended(copy)
    finally:
        build.kill()
        with contextlib.suppress(ProcessLookupError):
            os.kill(copy, signal.SIGKILL)


def test_only_the_work_folders_of_builds_gone_are_named_as_leftovers(tmp_path):
    import subprocess
    import sys

    from tinhoi.build import leftover

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    gone_pid = int(gone.stdout)
    assert leftover(f".tinhoi-build-{gone_pid}-abc123")
    assert leftover(f".tinhoi-search-{gone_pid}-abc123")
    assert not leftover(f".tinhoi-build-{os.getpid()}-abc123")  # a build running now
    assert leftover(".tinhoi-build-abc123")  # named as before
    assert not leftover("output") and not leftover(".tinhoi-old-abc123")


def test_a_leftover_whose_process_number_was_taken_since_is_named(tmp_path):
    from plugins.search import search
    from tinhoi.build import leftover, process_tag

    tag = process_tag()
    number, _, start = tag.partition(".")
    if not start:
        pytest.skip("no process start time on this system (no /proc)")
    assert not leftover(f".tinhoi-build-{tag}-abc123")  # this process: running
    # A build that had this process's number, and ended before this process started.
    assert leftover(f".tinhoi-build-{number}.{int(start) - 1}-abc123")
    assert leftover(f".tinhoi-search-{number}.{int(start) - 1}-abc123")
    # A start that is not a number is read as a name by the number alone.
    assert not leftover(f".tinhoi-build-{number}.x-abc123")
    # The search plugin names its work folder the way tinhoi reads it.
    assert search._process_tag() == tag


def test_a_build_says_of_leftovers_even_when_nothing_changed(content, tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT, write_project_settings

    write_project_settings(tmp_path)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    # The site is built elsewhere: the site's work folders are beside it, the search
    # index's (of a build without a cache) beside content/.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    left = elsewhere / f".tinhoi-build-{int(gone.stdout)}-abc123"  # a killed build's
    left_search = tmp_path / f".tinhoi-search-{int(gone.stdout)}-abc123"
    running = elsewhere / f".tinhoi-build-{os.getppid()}-def456"  # a build running now

    def tinhoi_build():
        return subprocess.run([sys.executable, "-m", "tinhoi", "build", "-s", "pelicanconf.py",
                               "-o", str(elsewhere / "site")], cwd=tmp_path,
                              capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout

    tinhoi_build()
    for folder in (left, left_search, running):
        folder.mkdir()
    said = tinhoi_build()
    assert "Không có gì thay đổi" in said
    assert left.name in said and left_search.name in said and running.name not in said


def test_a_build_that_cannot_lock_its_folder_says_so_and_builds(content, tmp_path, caplog):
    import logging

    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "build-locks").write_text("a file in the way")
    caplog.set_level(logging.WARNING, logger="tinhoi.build")
    reset_pelican_signals()
    build(pelican_settings(content, tmp_path / "site", PLUGINS=PLUGINS), str(tmp_path / "site"))
    assert (tmp_path / "site" / "index.html").is_file()
    assert "Không khóa được thư mục" in caplog.text
