"""Build speed (issue 8): the content cache, parallel reading and keeping unchanged files.

Every optimisation must leave the site byte for byte as a build without it.
"""

import datetime
import logging
import os
import pickle
import shutil
import zlib
from pathlib import Path

import pytest

from tests.conftest import ROOT, pelican_settings, reset_pelican_signals, run_build

# Pagefind writes these differently from run to run (an upstream issue): left out of comparisons.
VARYING = ("pagefind-entry.json",)
VARYING_SUFFIXES = (".pf_filter", ".pf_meta")
COMMON = {"SCHEDULE_NOW": "2026-01-01 00:00", "IMAGES_FORMATS": ["jpeg"],
          "SITEURL": "https://tinhoi.example.org"}
EDITED = Path("2019") / "so-ket-mot-nam-chuong-trinh-phoi-hop-cau-giay.md"


def snapshot(output):
    """``{relative path: bytes}`` of every output file Pagefind writes the same every time."""
    files = {}
    for path in sorted(Path(output).rglob("*")):
        if path.is_file() and path.name not in VARYING and path.suffix not in VARYING_SUFFIXES:
            files[path.relative_to(output).as_posix()] = path.read_bytes()
    return files


def assert_same_site(expected, actual):
    assert sorted(expected) == sorted(actual)
    different = [name for name in expected if expected[name] != actual[name]]
    assert different == []


@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    return folder


def fresh_logs():
    """Forget the messages Pelican's duplicate filter saw in earlier builds of this process."""
    from pelican.log import LimitFilter

    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()


def tinhoi_build(content, output, **override):
    """``make html``: tinhoi's staged build (with unchanged files kept), fresh signals."""
    from tinhoi.build import build

    reset_pelican_signals()
    fresh_logs()
    settings = pelican_settings(content, output, **{**COMMON, **override})
    build(settings, output)
    return Path(output)


def plain_site(content, output):
    """The reference every faster build must match: Pelican's own build, with no
    content cache, Markdown's own pattern matching (no prefilter) and every value
    escaped anew."""
    return snapshot(run_build(content, output, TINHOI_CONTENT_CACHE=False,
                              TINHOI_MARKDOWN_PREFILTER=False, RENDER_ESCAPE_MEMO=False,
                              RENDER_PERIOD_ARCHIVES=False, **COMMON))


def problems(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING
            and r.name.startswith("tinhoi_content")]


def cache_entries(content):
    return sorted((content.parent / ".cache" / "content").rglob("*.pickle"))


def test_cold_and_warm_cache_build_the_same_site_as_no_cache(content, tmp_path, caplog,
                                                             monkeypatch):
    from tinhoi_content.reader import TinhoiReader

    for number in range(3):  # articles with problems: they must be logged the same way
        (content / "2019" / f"loi-{number}.md").write_text(
            f"---\ntitle: Bài lỗi {number}\ndate: 2019-05-0{number + 1} 08:00\n"
            f"category: Tin tức\nghichu: lạ\n---\n![](/images/khong-co-{number}.jpg)\n",
            encoding="utf-8")
    (content / "2019" / "hong.md").write_text("---\ntitle: Hỏng\n---\nKhông ngày.\n",
                                              encoding="utf-8")
    caplog.set_level(logging.WARNING)
    fresh_logs()
    plain = plain_site(content, tmp_path / "plain")
    plain_problems = problems(caplog)
    assert len(plain_problems) >= 10
    assert not (content.parent / ".cache" / "content").exists()
    caplog.clear()

    cold = snapshot(tinhoi_build(content, tmp_path / "site", TINHOI_WORKERS=2))
    assert len(cache_entries(content)) == len(list(content.rglob("*.md")))
    assert_same_site(plain, cold)
    assert problems(caplog) == plain_problems
    caplog.clear()

    # A warm build converts nothing: every file comes from the cache.
    def no_conversion(self, source_path):
        raise AssertionError(f"converted {source_path} again")

    monkeypatch.setattr(TinhoiReader, "_convert_file", no_conversion)
    warm = snapshot(tinhoi_build(content, tmp_path / "site", TINHOI_WORKERS=2))
    assert_same_site(plain, warm)
    assert problems(caplog) == plain_problems


def test_articles_are_read_while_the_pool_still_converts_the_others(content, tmp_path,
                                                                    monkeypatch):
    """A cold build's own process reads each article as soon as it is converted, in the
    order it was handed to the pool, instead of idling until the pool has converted
    them all (and the pool is stopped once every article and page is read)."""
    import time

    import tinhoi_content.cache as cache_module
    from tinhoi_content.reader import TinhoiReader

    plain = plain_site(content, tmp_path / "plain")
    convert, build_process, converted_here = TinhoiReader._convert_file, os.getpid(), []

    # A conversion waits until the build process has read its first article (or two
    # seconds, for the first ones): a fixed pause lost the race on a loaded machine.
    first_read = tmp_path / "first-read"

    def slow_conversion(self, source_path):
        if os.getpid() == build_process:
            converted_here.append(source_path)
        deadline = time.monotonic() + 2
        while not first_read.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return convert(self, source_path)

    submitted, waited, stored_at_first_read = [], [], []
    submit, wait_for = cache_module.Conversions.submit, cache_module.Conversions.wait_for

    def note_submitted(self, paths):
        submitted.extend(paths)
        return submit(self, paths)

    def note_waited(self, path):
        if path in self._pending:
            waited.append(path)
        return wait_for(self, path)

    read = TinhoiReader.read

    def note_first_read(self, source_path):
        if not stored_at_first_read:
            stored_at_first_read.append(len(cache_entries(content)))
            first_read.touch()
        return read(self, source_path)

    monkeypatch.setattr(TinhoiReader, "_convert_file", slow_conversion)
    monkeypatch.setattr(cache_module.Conversions, "submit", note_submitted)
    monkeypatch.setattr(cache_module.Conversions, "wait_for", note_waited)
    monkeypatch.setattr(TinhoiReader, "read", note_first_read)
    pools, make_pool = [], cache_module._pool
    monkeypatch.setattr(cache_module, "_pool",
                        lambda *args: pools.append(make_pool(*args)) or pools[-1])
    sources = len(list(content.rglob("*.md")))
    site = snapshot(tinhoi_build(content, tmp_path / "site", TINHOI_WORKERS=2))

    assert_same_site(plain, site)
    assert len(submitted) == sources >= 8
    assert converted_here == []  # the pool converted them all
    assert waited == submitted  # read in the order they were handed to the pool
    assert stored_at_first_read[0] < sources // 2  # read while most were still converting
    assert len(cache_entries(content)) == sources
    assert len(pools) == 1 and pools[0]._shutdown_thread  # one pool, stopped
    # Articles and pages share one cache folder (the workers store pages there too).
    assert len([p for p in (content.parent / ".cache" / "content").iterdir() if p.is_dir()]) == 1


def test_a_first_build_hands_every_file_to_the_pool_without_hashing_it_first(
        content, tmp_path, monkeypatch):
    """With nothing in the cache for these settings and code, every file is known to
    be missing: the build process hands them all to the pool at once, instead of
    reading and hashing each one first while the workers wait.  With a cache, only
    the files missing from it are handed out."""
    import tinhoi_content.cache as cache_module

    events, build_process = [], os.getpid()
    key_of, submit = cache_module.ContentCache.key_of, cache_module.Conversions.submit

    def note_key(self, source_path, fresh=False):
        if os.getpid() == build_process:
            events.append("key")
        return key_of(self, source_path, fresh)

    def note_submitted(self, paths):
        events.append(("submit", len(paths)))
        return submit(self, paths)

    monkeypatch.setattr(cache_module.ContentCache, "key_of", note_key)
    monkeypatch.setattr(cache_module.Conversions, "submit", note_submitted)
    sources = len(list(content.rglob("*.md")))
    first = snapshot(tinhoi_build(content, tmp_path / "site", TINHOI_WORKERS=2))
    handed = [event for event in events if event != "key"]
    assert events[0] == handed[0]  # handed out before any key was made here
    assert sum(count for _, count in handed) == sources
    assert len(cache_entries(content)) == sources

    events.clear()
    shutil.rmtree(content.parent / ".cache" / "render")  # every page read again
    for index, path in enumerate(sorted(content.rglob("*.md"))[:cache_module.MIN_PARALLEL]):
        path.write_text(path.read_text(encoding="utf-8") + f"\nThêm {index}.\n",
                        encoding="utf-8")
    tinhoi_build(content, tmp_path / "site", TINHOI_WORKERS=2)
    handed = [event for event in events if event != "key"]
    assert events[0] == "key"  # a cache to look in: the keys first
    assert sum(count for _, count in handed) == cache_module.MIN_PARALLEL < sources
    assert first != snapshot(tmp_path / "site")


def test_a_cache_folder_that_cannot_be_made_builds_the_site_without_it(content, tmp_path,
                                                                         caplog):
    """A file where the content cache would be: the site is built as without a cache,
    and the editor is told why nothing is kept, not shown a traceback."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("một tệp ở chỗ bộ nhớ đệm", encoding="utf-8")
    plain = plain_site(content, tmp_path / "plain")
    caplog.set_level(logging.WARNING)
    site = snapshot(tinhoi_build(content, tmp_path / "site", TINHOI_WORKERS=2,
                                 TINHOI_CACHE_PATH=str(blocked)))
    assert_same_site(plain, site)
    said = [r.getMessage() for r in caplog.records if r.name.startswith("tinhoi_content")]
    assert any(str(blocked) in message and "TINHOI_CACHE_PATH" in message
               for message in said), said
    assert blocked.read_text(encoding="utf-8") == "một tệp ở chỗ bộ nhớ đệm"


def test_a_worker_that_dies_leaves_its_files_to_the_build_process(content, tmp_path,
                                                                  monkeypatch, caplog):
    """A worker killed while converting (out of memory, a crash in a C library) breaks
    the pool: the build's own process converts what is left, and the site and the
    problems it reports are those of a build without the pool."""
    import time

    import tinhoi_content.tinhoi_content as plugin
    from tinhoi_content.reader import TinhoiReader

    (content / "2019" / "loi.md").write_text(  # a problem to report the same way
        "---\ntitle: Bài lỗi\ndate: 2019-05-01 08:00\ncategory: Tin tức\nghichu: lạ\n---\nx\n",
        encoding="utf-8")
    caplog.set_level(logging.WARNING)
    fresh_logs()
    plain = plain_site(content, tmp_path / "plain")
    plain_problems = problems(caplog)
    assert plain_problems
    caplog.clear()
    convert, build_process = TinhoiReader._convert_file, os.getpid()

    def dying(self, source_path):
        if os.getpid() != build_process:
            os._exit(1)
        return convert(self, source_path)

    def pages_once_broken(generator):  # the pages are handed to a pool already broken
        deadline = time.monotonic() + 10
        while not plugin._conversions._pool._broken and time.monotonic() < deadline:
            time.sleep(0.01)
        return convert_pages(generator)

    convert_pages = plugin.convert_pages
    monkeypatch.setattr(TinhoiReader, "_convert_file", dying)
    monkeypatch.setattr(plugin, "convert_pages", pages_once_broken)
    site = snapshot(tinhoi_build(content, tmp_path / "site", TINHOI_WORKERS=2))
    assert_same_site(plain, site)
    assert problems(caplog) == plain_problems
    assert len(cache_entries(content)) == len(list(content.rglob("*.md")))


def test_a_build_that_fails_after_reading_leaves_no_pool_behind(content, tmp_path,
                                                                monkeypatch):
    """A build that fails before its pages are read never stops its pool itself: the next
    build of the process does, and does not hand its files to the old pool's workers
    (made with the last build's settings, they would convert for the wrong cache)."""
    import tinhoi_content.tinhoi_content as plugin
    from tinhoi_content.reader import TinhoiReader

    def broken_plugin(generator):
        raise RuntimeError("a plugin failed")

    monkeypatch.setattr(plugin, "link_lead_photos", broken_plugin)
    with pytest.raises(RuntimeError, match="a plugin failed"):
        tinhoi_build(content, tmp_path / "site", TINHOI_WORKERS=2)
    assert plugin._conversions is not None  # left open by the failed build
    workers = list(plugin._conversions._pool._processes.values())
    assert workers and all(worker.is_alive() for worker in workers)
    monkeypatch.undo()

    convert, build_process, converted_here = TinhoiReader._convert_file, os.getpid(), []

    def noting(self, source_path):
        if os.getpid() == build_process:
            converted_here.append(source_path)
        return convert(self, source_path)

    monkeypatch.setattr(TinhoiReader, "_convert_file", noting)
    # Another setting that matters: every file is converted again, into another folder.
    site = tinhoi_build(content, tmp_path / "site", TINHOI_WORKERS=2,
                        TINHOI_EXTRA_FIELDS=("ghichu",))
    assert (site / "index.html").is_file()
    assert converted_here == []  # all converted by the new build's pool
    for worker in workers:
        worker.join(10)
    assert not any(worker.is_alive() for worker in workers)
    assert plugin._conversions is None


def test_the_settings_fingerprint_is_the_same_before_and_after_pelicans_markdown_reader():
    """Pelican's Markdown reader (made for ``.mkd`` files) adds the configured extensions
    and ``meta`` to ``MARKDOWN`` itself: the pages' reader, made after it, must find the
    articles' cache entries all the same."""
    import copy

    from pelican.readers import MarkdownReader
    from pelican.settings import DEFAULT_CONFIG
    from tinhoi_content.cache import settings_fingerprint

    settings = copy.deepcopy(DEFAULT_CONFIG)
    settings["MARKDOWN"] = {"extension_configs": {"markdown.extensions.extra": {}},
                            "output_format": "html5"}
    before = settings_fingerprint(settings)
    MarkdownReader(settings)
    assert "markdown.extensions.meta" in settings["MARKDOWN"]["extensions"]
    assert settings_fingerprint(settings) == before
    settings["MARKDOWN"]["extension_configs"]["markdown.extensions.toc"] = {}
    assert settings_fingerprint(settings) != before


def test_one_edit_rewrites_only_the_pages_that_show_the_article(content, tmp_path, caplog):
    output = tinhoi_build(content, tmp_path / "site")
    old_time = 1_000_000_000
    before = snapshot(output)
    for path in output.rglob("*"):
        if path.is_file():
            os.utime(path, (old_time, old_time))

    source = content / EDITED
    source.write_text(source.read_text(encoding="utf-8") + "\nMột câu mới được thêm.\n",
                      encoding="utf-8")
    caplog.set_level(logging.INFO, logger="tinhoi.build")
    tinhoi_build(content, output)
    after = snapshot(output)

    changed = {name for name in after if before.get(name) != after[name]}
    article_pages = [n for n in changed if n.startswith("2019/") and "so-ket-mot-nam" in n
                     and n.endswith("index.html")]
    assert article_pages, "the edited article's own page was not rewritten"
    for name in after:
        mtime = (output / name).stat().st_mtime
        if name in changed:
            assert mtime != old_time, name
        else:
            assert mtime == old_time, f"{name} has the same bytes but a new time"
    # Pages that do not show the article keep their time: most of the site.
    assert len(changed) < len(after) / 4
    assert any("tệp không đổi" in r.getMessage() for r in caplog.records)


def test_a_settings_change_is_not_served_from_the_cache(content, tmp_path, caplog):
    article = content / "2019" / "ghi-chu.md"
    article.write_text("---\ntitle: Ghi chú số một\ndate: 2019-05-01 08:00\ncategory: Tin tức\n"
                       "ghichu: một trường lạ\n---\nNội dung.\n", encoding="utf-8")
    caplog.set_level(logging.WARNING)
    tinhoi_build(content, tmp_path / "site")
    assert any("ghi-chu.md:5" in m and "ghichu" in m for m in problems(caplog))
    caplog.clear()
    tinhoi_build(content, tmp_path / "site", TINHOI_EXTRA_FIELDS=("id", "gallery", "ghichu"))
    assert not any("ghichu" in m for m in problems(caplog))
    caplog.clear()
    tinhoi_build(content, tmp_path / "site")  # and back: the first entries still serve
    assert any("ghi-chu.md:5" in m and "ghichu" in m for m in problems(caplog))


def poison(entry_paths):
    """Put another body in every cached entry (kept compressed)."""
    for path in entry_paths:
        entry = pickle.loads(path.read_bytes())
        if entry.get("packed"):
            entry["packed"] = zlib.compress("<p>NỘI DUNG CŨ TỪ BỘ ĐỆM</p>".encode())
        path.write_bytes(pickle.dumps(entry))


def test_a_damaged_body_in_the_cache_is_converted_again(content, tmp_path):
    """A cached body that no longer decompresses is a miss: the article is read from its
    file again, and the site is the one a build without the cache makes."""
    tinhoi_build(content, tmp_path / "site")
    damaged = 0
    for path in cache_entries(content):
        entry = pickle.loads(path.read_bytes())
        if entry.get("packed"):
            entry["packed"] = b"not zlib" + entry["packed"][8:]
            path.write_bytes(pickle.dumps(entry))
            damaged += 1
    assert damaged > 10
    rebuilt = snapshot(tinhoi_build(content, tmp_path / "site"))
    plain = snapshot(tinhoi_build(content, tmp_path / "plain", TINHOI_CONTENT_CACHE=False))
    assert_same_site(plain, rebuilt)


def test_a_change_of_plugin_code_invalidates_the_cache(content, tmp_path, monkeypatch):
    from tinhoi_content import cache

    # (Without the article snapshot, which would serve the articles before the cache.)
    output = tinhoi_build(content, tmp_path / "site", TINHOI_SNAPSHOT=False)
    page = next(output.glob("2019/*/index.html"))
    poison(cache_entries(content))
    # Same code: the (poisoned) entries are used, which proves the cache serves the build.
    tinhoi_build(content, output, TINHOI_SNAPSHOT=False)
    assert "NỘI DUNG CŨ TỪ BỘ ĐỆM" in page.read_text(encoding="utf-8")
    # Other code (or another Markdown version): a fresh folder, nothing poisoned is read.
    real = cache.code_fingerprint()
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "other" + real)
    tinhoi_build(content, output, TINHOI_SNAPSHOT=False)
    assert "NỘI DUNG CŨ TỪ BỘ ĐỆM" not in page.read_text(encoding="utf-8")


def test_the_code_fingerprint_covers_the_plugin_sources(tmp_path, monkeypatch):
    from tinhoi_content import cache

    package = tmp_path / "tinhoi_content"
    shutil.copytree(Path(cache.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "__file__", str(package / "cache.py"))
    first = cache.code_fingerprint()
    reader = package / "reader.py"
    reader.write_text(reader.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert cache.code_fingerprint() != first


def test_a_removed_photo_is_reported_again_not_served_stale(content, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    article = content / "2019" / "anh.md"
    shutil.copy(content / "images" / "heo-dat-khuyen-hoc.jpg", content / "images" / "rieng.jpg")
    article.write_text("---\ntitle: Bài có ảnh riêng\ndate: 2019-05-02 08:00\n"
                       "category: Tin tức\n---\n![Heo đất](../images/rieng.jpg)\n",
                       encoding="utf-8")
    tinhoi_build(content, tmp_path / "site")
    assert not any("rieng.jpg" in m for m in problems(caplog))
    (content / "images" / "rieng.jpg").unlink()
    caplog.clear()
    tinhoi_build(content, tmp_path / "site")
    assert any("anh.md:6" in m and "rieng.jpg" in m for m in problems(caplog))


def test_cache_entries_are_never_half_written(content, tmp_path, monkeypatch, caplog):
    from tinhoi_content import cache

    settings = pelican_settings(content, tmp_path / "out", **COMMON)
    store = cache.ContentCache(settings)
    key = store.key(str(content / "x.md"), b"x")

    def broken_dump(obj, handle, protocol=None):
        handle.write(b"\x80\x05half")
        raise OSError("disk full")

    monkeypatch.setattr(cache.pickle, "dump", broken_dump)
    with pytest.raises(OSError):
        store.store(key, {"html": "<p>x</p>", "metadata": {}, "problems": [],
                          "buildable": True, "probes": {}})
    monkeypatch.undo()
    assert not os.path.exists(store.path(key))
    assert os.listdir(os.path.dirname(store.path(key))) == []  # no temporary file left

    # A damaged entry (say, a crash of another tool) is a miss, never a failed build.
    output = tinhoi_build(content, tmp_path / "site")
    expected = snapshot(output)
    for path in cache_entries(content):
        path.write_bytes(path.read_bytes()[:20])
    assert_same_site(expected, snapshot(tinhoi_build(content, tmp_path / "site")))


def test_stale_entries_and_folders_are_pruned(content, tmp_path):
    tinhoi_build(content, tmp_path / "site")
    sources = list(content.rglob("*.md"))
    assert len(cache_entries(content)) == len(sources)
    other = content.parent / ".cache" / "content" / ("0" * 32)
    other.mkdir()
    (other / "old.pickle").write_bytes(b"an entry of other settings")

    source = content / EDITED
    source.write_text(source.read_text(encoding="utf-8") + "\nMột câu mới.\n", encoding="utf-8")
    (content / "2020" / "ho-tro-hoc-sinh-hoc-truc-tuyen.md").unlink()
    tinhoi_build(content, tmp_path / "site")
    # One entry per file as it is now: the edited file's old entry and the removed
    # file's entry are gone, and so is the folder of other settings.
    assert len(cache_entries(content)) == len(sources) - 1
    assert not other.exists()


def test_bodies_kept_compressed_build_the_same_site(content, tmp_path):
    plain = snapshot(tinhoi_build(content, tmp_path / "plain", TINHOI_COMPACT_BODIES=False))
    assert_same_site(plain, snapshot(tinhoi_build(content, tmp_path / "compact")))


def test_a_compact_body_reads_and_writes_like_pelicans():
    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG
    from tinhoi_content.compact import compact_body

    body = "<p>Hội Khuyến học quận Cầu Giấy trao 120 suất học bổng.</p>\n" * 40
    article = Article(body, metadata={"title": "Trao học bổng",
                                      "date": datetime.datetime(2018, 8, 17, 8, 0)},
                      settings={**DEFAULT_CONFIG, "SITEURL": "https://tinhoi.example.org"})
    url, save_as = article.url, article.save_as
    compact_body(article)
    assert isinstance(article, Article) and type(article).__name__ == "Article"
    assert (article.url, article.save_as) == (url, save_as)  # ARTICLE_* settings still apply
    assert article._content == body and article.content == body
    stored = [value for value in vars(article).values() if isinstance(value, bytes)]
    assert stored and len(stored[0]) * 5 < len(body.encode("utf-8"))
    assert not any(value == body for value in vars(article).values() if isinstance(value, str))
    article._content = body.replace("120", "150")
    assert "150 suất" in article._content and "120 suất" not in article._content
    article._content = None
    assert article._content is None
    assert pickle.loads(pickle.dumps(article))._content is None


def test_a_body_from_the_cache_is_kept_as_the_cache_compressed_it(monkeypatch):
    """The content cache stores bodies compressed: a body no plugin rewrote keeps those
    bytes; a rewritten one (another string) is compressed anew."""
    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG
    from tinhoi_content import compact

    def article(body):
        return Article(body, metadata={"title": "Ký kết",
                                       "date": datetime.datetime(2019, 3, 1, 9, 0)},
                       settings={**DEFAULT_CONFIG, "SITEURL": "https://tinhoi.example.org"})

    read = "<p>Lễ ký kết chương trình phối hợp.</p>\n" * 30
    packed = compact.pack(read)
    rewritten_text = read.replace("Lễ", "<b>Lễ</b>")
    kept, rewritten = article(read), article(rewritten_text)
    compressed = []
    real = zlib.compress
    monkeypatch.setattr(compact.zlib, "compress",
                        lambda data, level: (compressed.append(data), real(data, level))[1])
    compact.compact_body(kept, {id(read): (read, packed)})
    compact.compact_body(rewritten, {id(read): (read, packed)})
    assert kept.__dict__["_packed_body"] is packed
    assert compressed == [rewritten_text.encode("utf-8")]
    assert kept._content == read and rewritten._content == rewritten_text


def test_a_files_key_is_read_again_only_when_the_file_changed(tmp_path):
    """Keys are remembered by inode, size and time; ``fresh`` reads the bytes anyway
    (a file written twice within one tick of a coarse clock keeps its time)."""
    from tinhoi_content.cache import ContentCache

    content = tmp_path / "content"
    content.mkdir()
    article = content / "bai.md"
    article.write_text("---\ntitle: Một\n---\nA\n", encoding="utf-8")
    cache = ContentCache({"PATH": str(content)}, fingerprint="0" * 32)
    first = cache.key_of(str(article))
    assert cache.key_of(str(article)) == first

    stat = article.stat()
    article.write_text("---\ntitle: Mới\n---\nA\n", encoding="utf-8")  # same size
    os.utime(article, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and same time
    assert cache.key_of(str(article)) == first  # remembered
    fresh = cache.key_of(str(article), fresh=True)
    assert fresh != first
    assert fresh == ContentCache({"PATH": str(content)}, fingerprint="0" * 32).key_of(
        str(article))

    article.write_text("---\ntitle: Ba, dài hơn\n---\nA\n", encoding="utf-8")
    assert cache.key_of(str(article)) not in (first, fresh)


def test_a_files_key_follows_linked_folders_and_files_as_realpath_does(tmp_path):
    """The key names a file by its real path inside the content: the same through a
    linked folder, and a linked file is the file it points to; each folder's real path
    is worked out once."""
    from tinhoi_content.cache import ContentCache

    content = tmp_path / "content"
    (content / "2019").mkdir(parents=True)
    article = content / "2019" / "bai.md"
    article.write_text("---\ntitle: Một\n---\nA\n", encoding="utf-8")
    (content / "nam-2019").symlink_to(content / "2019", target_is_directory=True)
    (content / "2019" / "lien-ket.md").symlink_to(article)
    cache = ContentCache({"PATH": str(content)}, fingerprint="0" * 32)
    for path in (article, content / "nam-2019" / "bai.md", content / "2019" / "lien-ket.md",
                 content / "nam-2019" / "lien-ket.md", content / "2019" / ".." / "2019" / "bai.md"):
        assert cache.real_path(str(path)) == os.path.realpath(path)
        assert cache.key(str(path), b"A") == cache.key(str(article), b"A")
    assert cache.key(str(content / "2019" / "khac.md"), b"A") != cache.key(str(article), b"A")
    assert len(cache._real_folders) == 3  # 2019, nam-2019 and 2019/../2019
