"""The Pagefind index: built for article pages, with đ-words also spelt with d."""

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from search.search import (
    KEPT_COPIES,
    SHARDS_FILE,
    fold_d,
    folded_words,
    shards_of,
    with_folded_copy,
)
from search.staging import indexed_part

from tests.conftest import FIXTURES, run_build
from tests.perf.test_content_cache import fresh_logs

PLUGINS = ["tinhoi_content", "vietnamese", "search"]


def write_two_years(write_article, who="Hội khuyến học"):
    """Articles of 2016 and 2017 beside a fixture's 2018 ones: a site of three years,
    so of three shards when a shard holds a year."""
    for year in (2016, 2017):
        write_article(f"{year}/tin-{year}.md",
                      f"---\ntitle: Tin năm {year}\ndate: {year}-03-01 08:00\n"
                      f"category: Tin tức\n---\n{who} họp năm {year}.\n")


def kept_bundles(project):
    """The bundles kept in the search cache (folders: the cache also keeps a list of
    the last build's pages, the copies of the pages handed to Pagefind, and the work of
    builds running, named with a dot)."""
    return [p for p in (project / ".cache" / "search").iterdir()
            if p.is_dir() and p.name != KEPT_COPIES and not p.name.startswith(".")]


def kept_copies(project):
    """The copies of pages handed to Pagefind the search cache keeps, by name."""
    return {p.name: p.read_text(encoding="utf-8")
            for p in (project / ".cache" / "search" / KEPT_COPIES).glob("*/*")}


def test_fold_d_keeps_tone_marks():
    assert fold_d("Hội Khuyến học Đà Nẵng, đường") == "Hội Khuyến học Dà Nẵng, dường"


def test_folded_words_are_only_the_words_with_d_bar():
    html = "<p>Đoàn <b>đến</b> Đà Nẵng</p><script>var đ = 1</script>"
    assert folded_words(html) == "Doàn dến Dà"


def test_folded_copy_goes_inside_the_indexed_article():
    html = ('<main><article data-pagefind-body><p>Đường</p>'
            '<article class="card">x</article></article></main>')
    copied = with_folded_copy(html, 1.0)
    assert copied.endswith('<p data-pagefind-weight="1.0">Dường</p></article></main>')


PAGE = ('<html><body><a href="#noi-dung">Chuyển đến nội dung chính</a>'
        '<nav><a href="/chu-de/">Chủ đề</a> <a>Hoạt động Hội</a></nav><main>'
        '<article data-pagefind-body><h1>Lễ trao học bổng</h1><p>Tại Đà Nẵng.</p>'
        '<div data-pagefind-ignore><div><aside><h2>Các tin khác</h2>'
        '<a>Đoàn công tác đến Bình Dương</a></aside></div><div>Động viên</div></div>'
        '<img src="a.jpg" alt="" data-pagefind-ignore><p>Đường phố.</p>'
        '<nav data-pagefind-ignore><a>Bài trước: Đêm hội</a></nav>'
        '</article></main><footer>Địa chỉ: Đống Đa</footer></body></html>')


def test_only_the_indexed_words_are_folded():
    """The menu, the skip link and the footer (on every page), and the parts of the
    body Pagefind ignores (the other articles' titles), give no folded words: a search
    for ``hoat dong`` or ``doan`` must not find every page."""
    copied = with_folded_copy(PAGE, 1.0)
    assert '<p data-pagefind-weight="1.0">Dà Dường</p></article></main>' in copied
    assert copied.replace('<p data-pagefind-weight="1.0">Dà Dường</p>', "") == PAGE


def test_an_ignored_element_left_open_hides_only_the_rest_of_the_body():
    page = ('<main><article data-pagefind-body><p>Đà Nẵng</p><div data-pagefind-ignore>'
            '<div>Đoàn</div><p>Đường</p></article></main><footer>Đống Đa</footer>')
    assert '<p data-pagefind-weight="1.0">Dà</p></article>' in with_folded_copy(page, 1.0)


def test_a_page_without_an_indexed_body_folds_its_words():
    assert folded_words(indexed_part("<p>Đà Nẵng</p>", -1)) == "Dà"


def test_build_writes_a_bundle_for_article_pages(build_site):
    output = build_site("basic", PLUGINS=PLUGINS)
    bundle = output / "pagefind"
    assert (bundle / "pagefind.js").is_file()
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["vi"]["page_count"] == 4  # three articles and the page, no draft
    # Readers never download the folded copy: it exists only in the index.
    article = next((output / "2018").glob("ky-ket*/index.html")).read_text(encoding="utf-8")
    assert "data-pagefind-weight" not in article


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_two_builds_give_the_same_bundle(build_site, tmp_path):
    # Pagefind alone writes filter values in hash-map order (upstream issue #638):
    # the plugin rewrites them in a stable order.
    # No bundle cache: each build runs Pagefind afresh.
    first = build_site("basic", PLUGINS=PLUGINS, SEARCH_CACHE_PATH=None)
    for again in ("again", "once-more"):
        second = run_build(tmp_path / "content", tmp_path / again, PLUGINS=PLUGINS,
                           SEARCH_CACHE_PATH=None)
        assert snapshot(second / "pagefind") == snapshot(first / "pagefind")
    names = [p.name for p in (first / "pagefind").iterdir()]
    assert len([n for n in names if n.endswith(".pf_meta")]) == 1  # no stale bundle files
    assert len(list((first / "pagefind" / "filter").iterdir())) == 2  # nam, loai


def test_a_build_without_the_cache_stages_the_pages_where_the_cache_would(
        build_site, tmp_path, monkeypatch):
    """Pagefind numbers the pages in the order the file system lists the staged copies
    (the reverse of the order they were made on tmpfs, an order of name hashes on
    ext4).  Without a cache, the pages were staged in the system's temporary folder:
    where that is another file system than the project's, the index differed from a
    build with the cache (found by tests/tinhoi/test_random_edits.py)."""
    from search import search

    cached = snapshot(build_site("events", PLUGINS=PLUGINS) / "pagefind")
    staged_in = []
    original = search.prepare_pages

    def noting(pages, output, staging, *args, **kwargs):
        staged_in.append(Path(staging))
        return original(pages, output, staging, *args, **kwargs)

    monkeypatch.setattr(search, "prepare_pages", noting)
    # The system's temporary folder on another file system when there is one (tmpfs).
    other = "/dev/shm" if os.path.isdir("/dev/shm") else str(tmp_path)
    with tempfile.TemporaryDirectory(dir=other) as elsewhere:
        monkeypatch.setattr(tempfile, "tempdir", elsewhere)
        plain = run_build(tmp_path / "content", tmp_path / "khong-bo-nho-dem",
                          PLUGINS=PLUGINS, SEARCH_CACHE_PATH=None)
    assert staged_in, "no page was staged"
    for staging in staged_in:  # in the project's folder, where the cache is
        assert staging.parent.parent == tmp_path
        assert staging.parent.name.startswith(search.WORK_PREFIX)
    assert len(list((tmp_path / "khong-bo-nho-dem").rglob("*.pf_fragment"))) >= 6
    assert snapshot(plain / "pagefind") == cached
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(search.WORK_PREFIX)] == []


def test_without_a_writable_project_folder_the_pages_are_staged_elsewhere_and_said(
        tmp_path, monkeypatch, caplog):
    from search import search

    calls = []
    real = tempfile.TemporaryDirectory

    def refusing(*args, dir=None, **kwargs):  # noqa: A002 — tempfile's own name
        calls.append(dir)
        if dir is not None:
            raise PermissionError(13, "Permission denied", dir)
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "TemporaryDirectory", refusing)
    with search._work_folder(None, {"PATH": str(tmp_path / "content")}) as work:
        assert os.path.isdir(work)
        assert not work.startswith(str(tmp_path))
    assert calls == [str(tmp_path), None]
    assert "system's temporary folder" in caplog.text


def test_stable_filters_still_read_back(build_site):
    from search.stable_bundle import _read

    output = build_site("basic", PLUGINS=PLUGINS)
    bundle = output / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta = _read(bundle / f"pagefind.{entry['languages']['vi']['hash']}.pf_meta")
    filters = dict(meta[3])
    years = _read(bundle / "filter" / f"{filters['nam']}.pf_filter")
    assert years[0] == "nam" and [value for value, _ in years[1]] == ["2018"]
    kinds = _read(bundle / "filter" / f"{filters['loai']}.pf_filter")
    assert [value for value, _ in kinds[1]] == sorted(value for value, _ in kinds[1])


def test_unchanged_pages_reuse_the_last_index(build_site, tmp_path, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="search")
    first = build_site("basic", PLUGINS=PLUGINS)
    assert list((tmp_path / ".cache" / "search").iterdir())
    caplog.clear()
    again = run_build(tmp_path / "content", tmp_path / "again", PLUGINS=PLUGINS)
    assert "0 indexed, 4 from the cache" in caplog.text
    assert snapshot(again / "pagefind") == snapshot(first / "pagefind")
    # An edited article is indexed afresh, and only the latest bundle is kept.
    article = tmp_path / "content" / "2018" / "lam-viec.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nĐoạn mới về Đà Nẵng.\n",
                       encoding="utf-8")
    stray = tmp_path / ".cache" / "search" / ".tmp-left-by-a-stopped-build"
    stray.write_bytes(b"")
    os.utime(stray, (time.time() - 7200, time.time() - 7200))  # two hours ago
    # Another build's work, running now (make html beside the live preview): left alone.
    running = tmp_path / ".cache" / "search" / ".early-of-another-build"
    (running / "trang").mkdir(parents=True)
    caplog.clear()
    fresh_logs()  # the message is the first build's again: Pelican would hold it back
    edited = run_build(tmp_path / "content", tmp_path / "edited", PLUGINS=PLUGINS)
    assert "4 indexed, 0 from the cache" in caplog.text
    assert snapshot(edited / "pagefind") != snapshot(first / "pagefind")
    assert len(kept_bundles(tmp_path)) == 1
    assert not stray.exists() and (tmp_path / ".cache" / "search" / "trang.pickle").is_file()
    assert (running / "trang").is_dir()
    # One copy of each page indexed, the edited page's as it is now: the copy of its
    # last version is dropped with the bundle that used it.
    copies = kept_copies(tmp_path)
    assert len(copies) == 4
    assert sum("Đoạn mới về Đà Nẵng" in copy for copy in copies.values()) == 1
    assert any("Doạn" in copy for copy in copies.values())  # with its folded words


def test_a_build_beside_another_using_the_cache_leaves_its_bundles(build_site, tmp_path):
    """``make publish`` beside ``make html``: their pages differ, so do their bundles.
    A build drops the bundles it did not use only when no other build is between
    finding its bundles in the cache and linking them into its site."""
    import subprocess
    import sys

    from search.search import CACHE_LOCK

    build_site("basic", PLUGINS=PLUGINS)
    cache = tmp_path / ".cache" / "search"
    html_bundles = set(kept_bundles(tmp_path))
    assert html_bundles
    # The other build, linking its bundles now: it holds the lock as a build does.
    other = subprocess.Popen(
        [sys.executable, "-c", "import sys; from search.search import CacheLock; "
         "lock = CacheLock(sys.argv[1]); print('held', flush=True); sys.stdin.read()",
         str(cache)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).parents[2] / "plugins"), os.environ.get("PYTHONPATH", "")])})
    try:
        assert other.stdout.readline() == "held\n"
        published = run_build(tmp_path / "content", tmp_path / "published", PLUGINS=PLUGINS,
                              SITEURL="https://hoi.example.org", RELATIVE_URLS=False)
        assert html_bundles < set(kept_bundles(tmp_path))  # its bundles left alone
    finally:
        other.communicate("", timeout=30)
    assert (published / "pagefind" / "pagefind-entry.json").is_file()
    # Alone, the next build keeps the latest site's bundles only, as before.
    fresh_logs()
    run_build(tmp_path / "content", tmp_path / "published", PLUGINS=PLUGINS,
              SITEURL="https://hoi.example.org", RELATIVE_URLS=False)
    assert not html_bundles & set(kept_bundles(tmp_path))
    assert (cache / CACHE_LOCK).is_file()  # the lock's file is kept


def test_a_damaged_list_of_known_pages_reads_every_page(build_site, tmp_path, caplog):
    import logging
    import pickle

    caplog.set_level(logging.INFO, logger="search")
    first = build_site("basic", PLUGINS=PLUGINS)
    known = tmp_path / ".cache" / "search" / "trang.pickle"
    assert isinstance(pickle.loads(known.read_bytes()), dict)
    for damaged in (b"not a pickle", pickle.dumps(["not", "a", "dict"])):
        known.write_bytes(damaged)
        caplog.clear()
        fresh_logs()
        # Into the same folder both times: the bundle there (links to the cache's files)
        # is replaced.
        again = run_build(tmp_path / "content", tmp_path / "again", PLUGINS=PLUGINS)
        assert "0 indexed, 4 from the cache" in caplog.text
        assert snapshot(again / "pagefind") == snapshot(first / "pagefind")
        assert len(pickle.loads(known.read_bytes())) > 4  # written anew, every page


def test_an_edit_indexes_again_only_its_shard(build_site, tmp_path, caplog, write_article):
    import json
    import logging

    write_two_years(write_article)
    caplog.set_level(logging.INFO, logger="search")
    first = build_site("basic", PLUGINS=PLUGINS, SEARCH_SHARD_SIZE=1)
    shards = json.loads((first / "pagefind" / "tinhoi-shards.json").read_text())
    assert len(shards) >= 2 and all((first / "pagefind" / s / "pagefind.js").exists()
                                    for s in shards)
    pages = int(caplog.text.split("search: ")[1].split(" pages")[0])
    caplog.clear()
    fresh_logs()
    article = tmp_path / "content" / "2017" / "tin-2017.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nĐoạn mới.\n", encoding="utf-8")
    run_build(tmp_path / "content", tmp_path / "edited", PLUGINS=PLUGINS, SEARCH_SHARD_SIZE=1)
    # The year 2017 is a shard of its own: one page indexed, the others from the cache.
    assert f"1 indexed, {pages - 1} from the cache" in caplog.text
    assert len(kept_bundles(tmp_path)) == len(shards) + 1


def test_a_failing_pagefind_fails_the_build_and_keeps_the_last_site(tmp_path, monkeypatch):
    import shutil
    import sys

    import pytest
    import search.search as module

    from tests.conftest import FIXTURES, pelican_settings, reset_pelican_signals
    from tinhoi.build import build

    shutil.copytree(FIXTURES / "basic" / "content", tmp_path / "content")
    output = tmp_path / "site"
    settings = dict(PLUGINS=PLUGINS, SEARCH_CACHE_PATH=None)
    reset_pelican_signals()
    build(pelican_settings(tmp_path / "content", output, **settings), str(output))
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}

    def failing(staging, bundle_path, settings):
        return [sys.executable, "-c", "import sys; sys.stderr.write('chỉ mục hỏng'); sys.exit(3)"]

    monkeypatch.setattr(module, "pagefind_command", failing)
    reset_pelican_signals()
    with pytest.raises(module.SearchIndexError, match="Pagefind không lập được.*chỉ mục hỏng"):
        build(pelican_settings(tmp_path / "content", output, **settings), str(output))
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(("size", "expected"), [
    (6, [["2015", "2016"], ["2017", "2018"]]),
    (4, [["2015"], ["2016"], ["2017"], ["2018"]]),  # 2015 and 2016 together would be 5
    (3, [["2015"], ["2016"], ["2017"], ["2018"]]),  # a year larger than a shard: its own
    (0, [["2015", "2016", "2017", "2018"]]),
])
def test_shards_hold_whole_years_and_at_most_their_size(tmp_path, size, expected):
    output = str(tmp_path)
    pages = [(os.path.join(output, str(year), f"bai-{number}", "index.html"), b"")
             for year, count in ((2015, 3), (2016, 2), (2017, 4), (2018, 1))
             for number in range(count)]
    shards = shards_of(pages, output, size)
    assert [sorted({os.path.relpath(path, output).split(os.sep)[0] for path, _ in shard})
            for shard in shards] == expected
    assert sum(len(shard) for shard in shards) == len(pages)


def test_pages_known_from_the_last_build_are_not_read_again(tmp_path, monkeypatch):
    from search import search

    site = tmp_path / "output"
    (site / "2024" / "a").mkdir(parents=True)
    (site / "2024" / "a" / "index.html").write_text(
        '<main><article data-pagefind-body>Đà Nẵng</article></main>', encoding="utf-8")
    (site / "index.html").write_text("<main>danh sách</main>", encoding="utf-8")
    known = {}
    first = search.pages_to_index(str(site), "pagefind", known)
    assert [os.path.relpath(path, site) for path, _ in first] == [
        os.path.join("2024", "a", "index.html")]
    assert set(known) == {"index.html", os.path.join("2024", "a", "index.html")}

    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: (opened.append(a[0]),
                                                          real_open(*a, **k))[1])
    assert search.pages_to_index(str(site), "pagefind", known) == first
    assert opened == []

    # A page written again (new time) is read again; one that gained the body is indexed.
    (site / "index.html").write_text("<main><article data-pagefind-body>Mới</article></main>",
                                     encoding="utf-8")
    third = search.pages_to_index(str(site), "pagefind", known)
    assert opened == [str(site / "index.html")]
    assert [os.path.relpath(path, site) for path, _ in third] == [
        "index.html", os.path.join("2024", "a", "index.html")]


def test_pages_are_found_in_walk_order_outside_the_bundle_only(tmp_path):
    """The pages to index come in the order the shards and their keys are made in: a
    folder's files by name, then its subfolders by name.  Only the bundle's own folder
    is left out (an article whose folder has the bundle's name deeper down is indexed);
    a link to a folder is not walked (as ``os.walk`` does not)."""
    from search import search

    site = tmp_path / "output"
    body = '<main><article data-pagefind-body>Bài</article></main>'
    for relative in ("b.html", "a.html", "2024/z/index.html", "2024/pagefind/index.html",
                     "2023/x/index.html", "pagefind/ui.html", "2024/index.html"):
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(body, encoding="utf-8")
    (site / "2024" / "lien-ket").symlink_to(site / "2023", target_is_directory=True)
    found = search.pages_to_index(str(site), "pagefind", {})
    assert [os.path.relpath(path, site).replace(os.sep, "/") for path, _ in found] == [
        "a.html", "b.html", "2023/x/index.html", "2024/index.html",
        "2024/pagefind/index.html", "2024/z/index.html"]


def test_folders_that_cannot_be_read_and_looping_links_are_left_out(tmp_path, monkeypatch):
    """As ``os.walk`` did: a folder the walk cannot list is skipped, not an error that
    fails the build, and so is a link to itself."""
    from search import search

    site = tmp_path / "output"
    for relative in ("a.html", "khoa/b.html", "z/c.html"):
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text("<p>trang</p>", encoding="utf-8")
    (site / "vong").symlink_to(site / "vong")
    real_scandir = os.scandir

    def scandir(path):
        if os.path.basename(path) == "khoa":  # (the tests run as root: no chmod)
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(search.os, "scandir", scandir)
    found = search._html_files(str(site), "pagefind")
    assert [os.path.relpath(path, site) for path, _ in found] == [
        "a.html", os.path.join("z", "c.html")]


# With the render plugin, which says when each batch of pages is written, shards are
# indexed while the rest of the site is written (batches of 4 pages: several signals).
EARLY = dict(PLUGINS=["tinhoi_content", "vietnamese", "search", "render"], RENDER_BATCH=4,
             SEARCH_SHARD_SIZE=2)


def indexed_counts(text):
    """``(indexed, from the cache, indexed while the site was written)`` of the log line."""
    line = text.split("search: ")[-1].split("\n")[0]
    numbers = [int(word) for word in line.replace("(", " ").split() if word.isdigit()]
    return tuple(numbers[-3:])


def test_shards_are_indexed_while_the_site_is_written(build_site, tmp_path, caplog,
                                                      write_article):
    import logging

    write_two_years(write_article, "Hội khuyến học Đà Nẵng")
    caplog.set_level(logging.INFO, logger="search")
    fresh_logs()
    early = build_site("basic", **EARLY)
    indexed, cached, ahead = indexed_counts(caplog.text)
    assert cached == 0 and 0 < ahead <= indexed
    late = run_build(tmp_path / "content", tmp_path / "late",
                     **{**EARLY, "SEARCH_EARLY": False, "SEARCH_CACHE_PATH": None})
    assert snapshot(early / "pagefind") == snapshot(late / "pagefind")
    shards = json.loads((early / "pagefind" / "tinhoi-shards.json").read_text())
    assert len(kept_bundles(tmp_path)) == len(shards) + 1  # the cache: every shard, no other


def test_a_shard_is_indexed_once_its_pages_are_asked_for(build_site, tmp_path, caplog,
                                                         monkeypatch):
    """The render plugin is asked to write its queue as soon as every page of a shard
    has been asked for: the shard is indexed while the article generator is still
    running (after an edit, the edited article's shard no longer waits for the end)."""
    import logging

    import search.search as search
    from pelican import signals

    article_writer_done, started = [], []
    original_send = signals.article_writer_finalized.send
    original_start = search._start_shard

    def send(sender, **kwargs):
        article_writer_done.append(True)
        return original_send(sender, **kwargs)

    def start(paths, *rest):
        started.append(bool(article_writer_done))
        return original_start(paths, *rest)

    monkeypatch.setattr(signals.article_writer_finalized, "send", send)
    monkeypatch.setattr(search, "_start_shard", start)
    caplog.set_level(logging.INFO, logger="search")
    fresh_logs()
    site = build_site("basic", **{**EARLY, "RENDER_BATCH": 1000})  # no batch written early
    assert started and started[0] is False
    late = run_build(tmp_path / "content", tmp_path / "late",
                     **{**EARLY, "SEARCH_EARLY": False, "SEARCH_CACHE_PATH": None})
    assert snapshot(site / "pagefind") == snapshot(late / "pagefind")


def test_a_page_changed_after_its_shard_was_indexed_is_indexed_again(
        build_site, tmp_path, caplog, monkeypatch):
    """What is found at the end decides: a bundle made early for pages that then changed
    is not used (and not kept)."""
    import logging

    from pelican import signals

    def change_an_article(pelican):  # before the search plugin's own receiver
        page = next((Path(pelican.output_path) / "2018").glob("ky-ket*/index.html"))
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("</article>", "<p>Đoạn thêm sau cùng.</p></article>", 1),
                        encoding="utf-8")

    caplog.set_level(logging.INFO, logger="search")
    original = signals.finalized.send

    def send(sender, **kwargs):
        change_an_article(sender)
        return original(sender, **kwargs)

    monkeypatch.setattr(signals.finalized, "send", send)
    fresh_logs()
    changed = build_site("basic", **EARLY)
    indexed, cached, ahead = indexed_counts(caplog.text)
    assert cached == 0 and ahead < indexed  # the changed page's shard: indexed at the end
    # The same change, without early indexing.
    late = run_build(tmp_path / "content", tmp_path / "late",
                     **{**EARLY, "SEARCH_EARLY": False, "SEARCH_CACHE_PATH": None})
    assert snapshot(changed / "pagefind") == snapshot(late / "pagefind")
    shards = json.loads((changed / "pagefind" / "tinhoi-shards.json").read_text())
    assert len(kept_bundles(tmp_path)) == len(shards) + 1  # the stale early bundle dropped


def test_pages_read_for_an_early_shard_are_not_read_again_at_the_end(
        build_site, tmp_path, caplog, monkeypatch):
    import builtins
    import logging

    caplog.set_level(logging.INFO, logger="search")
    opened, real_open = [], builtins.open

    def counting_open(file, mode="r", *args, **kwargs):
        if mode == "rb" and str(file).endswith("index.html"):
            opened.append(str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting_open)
    fresh_logs()
    site = build_site("basic", **EARLY)
    indexed, cached, ahead = indexed_counts(caplog.text)
    assert ahead == indexed > 0  # every shard was indexed early
    articles = [str(path) for path in site.rglob("index.html")
                if b"data-pagefind-body" in path.read_bytes()]
    assert len(articles) == indexed
    # Read once (to make its shard's key), not again at the end.
    assert all(opened.count(page) == 1 for page in articles), opened
    late = run_build(tmp_path / "content", tmp_path / "late",
                     **{**EARLY, "SEARCH_EARLY": False, "SEARCH_CACHE_PATH": None})
    assert snapshot(site / "pagefind") == snapshot(late / "pagefind")


def test_a_page_written_again_after_its_shard_read_it_is_read_again_at_the_end(tmp_path):
    from search import search

    output = str(tmp_path / "site")
    page = os.path.join(output, "2018", "bai", "index.html")
    other = os.path.join(output, "2018", "khac", "index.html")
    read = {os.path.join("2018", "bai", "index.html"): ("key", b"digest"),
            os.path.join("2018", "khac", "index.html"): ("key", b"digest")}
    saved = dict(search._early)
    search._early.update(output=output, read=read, shard_of={})
    try:
        search.ask_for_complete_shards(page)
        assert list(read) == [os.path.relpath(other, output)]
    finally:
        search._early.clear()
        search._early.update(saved)


def run_staging_job(tmp_path, pages, command, stderr=None):
    """Start the background script on ``pages`` (``(path, digest)``) with ``command``."""
    import subprocess
    import sys

    from search.search import STAGING_SCRIPT

    job = tmp_path / "viec.json"
    job.write_text(json.dumps({"pages": [[str(p), d.hex()] for p, d in pages],
                               "output": str(tmp_path / "site"),
                               "staging": str(tmp_path / "trang"), "weight": 1.0,
                               "command": command}), encoding="utf-8")
    return subprocess.Popen([sys.executable, STAGING_SCRIPT, str(job)], stderr=stderr)


def test_a_page_written_again_while_staged_gives_no_bundle(tmp_path):
    import hashlib
    import sys

    from search.staging import CHANGED

    page = tmp_path / "site" / "2018" / "bai" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<main><article data-pagefind-body>Đà Nẵng</article></main>",
                    encoding="utf-8")
    foreseen = hashlib.blake2b(page.read_bytes(), digest_size=16).digest()
    page.write_text("", encoding="utf-8")  # truncated: being written again
    marker = tmp_path / "ran"
    process = run_staging_job(tmp_path, [(page, foreseen)],
                              [sys.executable, "-c", f"open({str(marker)!r}, 'w')"])
    assert process.wait(timeout=60) == CHANGED
    assert not marker.exists()  # Pagefind never ran


def test_the_background_process_becomes_pagefind(tmp_path):
    """Stopping it stops Pagefind: no indexer is left running without its build."""
    import hashlib
    import sys
    import time

    page = tmp_path / "site" / "bai.html"
    page.parent.mkdir(parents=True)
    page.write_text("<main><article data-pagefind-body>Đường</article></main>",
                    encoding="utf-8")
    digest = hashlib.blake2b(page.read_bytes(), digest_size=16).digest()
    process = run_staging_job(tmp_path, [(page, digest)],
                              [sys.executable, "-c", "import time; time.sleep(60)  # pagefind"])
    cmdline = Path(f"/proc/{process.pid}/cmdline")
    deadline = time.monotonic() + 30
    while b"# pagefind" not in cmdline.read_bytes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert b"# pagefind" in cmdline.read_bytes()  # the same process, now the command
    assert "Dường" in (tmp_path / "trang" / "bai.html").read_text(encoding="utf-8")
    process.kill()
    assert process.wait(timeout=10) != 0


def test_an_early_start_that_fails_leaves_the_build_to_index(build_site, tmp_path, caplog,
                                                             monkeypatch, write_article):
    import logging

    import search.search as module

    write_two_years(write_article)
    original = module.pagefind_command
    calls = []

    def failing_early(staging, bundle_path, settings):
        calls.append(staging)
        if "/.early-" in staging:
            raise OSError("no room left")
        return original(staging, bundle_path, settings)

    monkeypatch.setattr(module, "pagefind_command", failing_early)
    caplog.set_level(logging.INFO, logger="search")
    fresh_logs()  # an earlier test's line would be held back as a repeat
    output = build_site("basic", **EARLY)
    indexed, cached, ahead = indexed_counts(caplog.text)
    assert any("/.early-" in c for c in calls)
    assert ahead == 0 and indexed > 0 and cached == 0
    assert (output / "pagefind" / "pagefind.js").is_file()
    assert not list((tmp_path / ".cache" / "search").glob(".early-*"))


def test_a_page_removed_before_it_is_staged_gives_no_bundle(tmp_path):
    import sys

    from search.staging import CHANGED

    gone = tmp_path / "site" / "2018" / "bai" / "index.html"
    marker = tmp_path / "ran"
    process = run_staging_job(tmp_path, [(gone, bytes(16))],
                              [sys.executable, "-c", f"open({str(marker)!r}, 'w')"])
    assert process.wait(timeout=60) == CHANGED
    assert not marker.exists()


def test_the_background_process_warnings_reach_the_build_log(tmp_path, caplog):
    """A page with no ``</article>`` to hold its folded words: the warning of the process
    that staged it is logged by the build, Pagefind's own notes are not."""
    import hashlib
    import logging
    import sys

    import search.search as module

    page = tmp_path / "site" / "bai.html"
    page.parent.mkdir(parents=True)
    page.write_text("<main><div data-pagefind-body>Đà Nẵng</div></main>", encoding="utf-8")
    digest = hashlib.blake2b(page.read_bytes(), digest_size=16).digest()
    log = tmp_path / "log"
    with open(log, "wb") as stream:
        process = run_staging_job(
            tmp_path, [(page, digest)],
            [sys.executable, "-c", "import sys; sys.stderr.write('Note: no stemming for vi')"],
            stderr=stream)
        assert process.wait(timeout=60) == 0
    caplog.set_level(logging.WARNING, logger="search")
    module._pass_on_warnings(str(log))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "no </article>" in warnings[0]
    assert "Note:" in log.read_text(encoding="utf-8")  # there, but not passed on


def one_page(site, html):
    """Write a page of ``html`` in the output folder ``site``: ``(its path, its digest)``."""
    import hashlib

    page = site / "2018" / "bai" / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(html, encoding="utf-8")
    return page, hashlib.blake2b(page.read_bytes(), digest_size=16).digest()


def test_a_kept_copy_is_linked_and_its_page_not_read_again(tmp_path):
    """The copy handed to Pagefind is kept by its page's digest: the next shard holding
    the same bytes links it, without reading and folding the page again (after an edit,
    every page of its shard but the edited one)."""

    from search.staging import kept_copy, prepare_pages

    site, kept = tmp_path / "site", tmp_path / "kept"
    page, digest = one_page(site, "<main><article data-pagefind-body>Đà Nẵng</article></main>")
    prepare_pages([(str(page), digest)], str(site), str(tmp_path / "first"), 1.0, kept=str(kept))
    copy = Path(kept_copy(str(kept), digest))
    staged = tmp_path / "first" / "2018" / "bai" / "index.html"
    assert '<p data-pagefind-weight="1.0">Dà</p>' in copy.read_text(encoding="utf-8")
    assert staged.stat().st_ino == copy.stat().st_ino
    page.unlink()  # not read: its copy is staged all the same, checked or not
    prepare_pages([(str(page), digest)], str(site), str(tmp_path / "again"), 1.0, check=True,
                  kept=str(kept))
    again = tmp_path / "again" / "2018" / "bai" / "index.html"
    assert again.stat().st_ino == copy.stat().st_ino
    assert [p.name for p in kept.iterdir()] == [copy.name]  # nothing half-written left


def test_an_edit_folds_only_the_edited_page(build_site, tmp_path, monkeypatch):
    import search.staging as staging

    first = build_site("basic", PLUGINS=PLUGINS)
    folded, original = [], staging.folded_copy

    def counting(html, weight):
        folded.append(html)
        return original(html, weight)

    monkeypatch.setattr(staging, "folded_copy", counting)
    article = tmp_path / "content" / "2018" / "lam-viec.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nĐoạn mới về Đà Nẵng.\n",
                       encoding="utf-8")
    fresh_logs()
    edited = run_build(tmp_path / "content", tmp_path / "edited", PLUGINS=PLUGINS)
    assert len(folded) == 1 and "Đoạn mới về Đà Nẵng" in folded[0]
    plain = run_build(tmp_path / "content", tmp_path / "plain", PLUGINS=PLUGINS,
                      SEARCH_CACHE_PATH=None)
    assert snapshot(edited / "pagefind") == snapshot(plain / "pagefind")
    assert snapshot(edited / "pagefind") != snapshot(first / "pagefind")



def test_the_background_staging_keeps_and_links_the_copies(build_site, tmp_path, write_article):
    """The shards indexed while the site is written (a process of their own) keep their
    pages' copies too: after an edit, every unchanged page's copy is the same file,
    linked again, not written anew; a change of the folded words' weight starts a new
    folder of copies and drops the last one."""
    write_two_years(write_article, "Hội khuyến học Đà Nẵng")
    settings = {**EARLY, "SEARCH_SHARD_SIZE": 1}
    first = build_site("basic", **settings)
    folder = tmp_path / ".cache" / "search" / KEPT_COPIES
    copies = {p.name: p.stat().st_ino for p in folder.glob("*/*.html")}
    indexed = [p for p in first.rglob("index.html") if b"data-pagefind-body" in p.read_bytes()]
    assert len(copies) == len(indexed) > 3
    article = tmp_path / "content" / "2016" / "tin-2016.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nĐoạn mới.\n", encoding="utf-8")
    fresh_logs()
    edited = run_build(tmp_path / "content", tmp_path / "edited", **settings)
    after = {p.name: p.stat().st_ino for p in folder.glob("*/*.html")}
    kept = set(copies) & set(after)
    assert len(after) == len(copies) and len(kept) == len(copies) - 1  # one page changed
    assert all(after[name] == copies[name] for name in kept)
    late = run_build(tmp_path / "content", tmp_path / "late",
                     **{**settings, "SEARCH_EARLY": False, "SEARCH_CACHE_PATH": None})
    assert snapshot(edited / "pagefind") == snapshot(late / "pagefind")
    bases = [p.name for p in folder.iterdir()]
    fresh_logs()
    run_build(tmp_path / "content", tmp_path / "weighted",
              **{**settings, "SEARCH_FOLDED_WEIGHT": 0.5})
    assert len([p for p in folder.iterdir()]) == 1 and [p.name for p in folder.iterdir()] != bases
    assert all('data-pagefind-weight="0.5"' in p.read_text(encoding="utf-8")
               for p in folder.glob("*/*.html") if "Dà" in p.read_text(encoding="utf-8"))


def test_a_copy_is_kept_only_of_the_bytes_it_is_named_by_and_only_when_complete(
        tmp_path, caplog):
    import hashlib
    import logging

    from search.staging import prepare_pages

    site, kept = tmp_path / "site", tmp_path / "kept"
    page = site / "2018" / "bai" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<main><article data-pagefind-body>Đà Nẵng</article></main>",
                    encoding="utf-8")
    stale = hashlib.blake2b(b"the bytes of another build", digest_size=16).digest()
    prepare_pages([(str(page), stale)], str(site), str(tmp_path / "a"), 1.0, kept=str(kept))
    assert not list(kept.glob("*.html"))  # staged, but not kept under a wrong name
    # No </article> to hold the folded words: it warns, on every build.
    page.write_text("<main><div data-pagefind-body>Đà Nẵng</div></main>", encoding="utf-8")
    digest = hashlib.blake2b(page.read_bytes(), digest_size=16).digest()
    caplog.set_level(logging.WARNING, logger="search")
    for number in range(2):
        caplog.clear()
        fresh_logs()  # each build is a process of its own: Pelican would say it once
        prepare_pages([(str(page), digest)], str(site), str(tmp_path / f"b{number}"), 1.0,
                      kept=str(kept))
        assert "no </article>" in caplog.text
    assert not list(kept.glob("*.html"))


def test_without_hard_links_kept_copies_are_copied_not_folded_again(tmp_path, monkeypatch):

    import search.staging as staging

    site, kept = tmp_path / "site", tmp_path / "kept"
    page, digest = one_page(site, "<main><article data-pagefind-body>Đà Nẵng</article></main>")

    def no_links(*_args, **_kwargs):
        raise PermissionError("no hard links here")

    monkeypatch.setattr(os, "link", no_links)
    staging.prepare_pages([(str(page), digest)], str(site), str(tmp_path / "a"), 1.0,
                          kept=str(kept))
    folded, original = [], staging.folded_copy
    monkeypatch.setattr(staging, "folded_copy",
                        lambda html, weight: folded.append(html) or original(html, weight))
    staging.prepare_pages([(str(page), digest)], str(site), str(tmp_path / "b"), 1.0,
                          kept=str(kept))
    staged = tmp_path / "b" / "2018" / "bai" / "index.html"
    assert folded == [] and '<p data-pagefind-weight="1.0">Dà</p>' in staged.read_text(
        encoding="utf-8")


def test_a_background_shard_whose_folder_is_removed_does_not_hold_the_build(
        build_site, tmp_path, caplog, monkeypatch):
    """Pagefind never ends when its folder is removed under it (another build pruning
    the cache it shares): the build stops it and indexes the shard itself, instead of
    waiting for ever."""
    import logging
    import shutil
    import subprocess
    import sys

    import search.search as search_module

    caplog.set_level(logging.INFO, logger="search")
    started = []

    def never_ending(pages, work, key, kept=None):
        process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        started.append(process)
        shutil.rmtree(work)  # as a concurrent build's prune did
        return process, work, os.path.join(work, "bundle"), key

    monkeypatch.setattr(search_module, "_launch", never_ending)
    fresh_logs()
    begun = time.monotonic()
    site = build_site("basic", **EARLY)
    assert time.monotonic() - begun < 120
    assert started and all(process.poll() is not None for process in started)
    assert "was stopped (its folder was removed)" in caplog.text
    indexed, cached, ahead = indexed_counts(caplog.text)
    assert indexed > 0 and ahead == 0  # every shard indexed by the end of the build
    late = run_build(tmp_path / "content", tmp_path / "late",
                     **{**EARLY, "SEARCH_EARLY": False, "SEARCH_CACHE_PATH": None})
    assert snapshot(site / "pagefind") == snapshot(late / "pagefind")


def test_a_background_shard_running_past_its_time_is_stopped(tmp_path, caplog):
    """A Pagefind that runs on past ``EARLY_TIMEOUT`` (hung) is stopped, so the build
    goes on (and indexes the shard itself), instead of waiting for ever."""
    import logging
    import subprocess
    import sys

    import search.search as search_module

    caplog.set_level(logging.INFO, logger="search")
    hung = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    begun = time.monotonic()
    search_module._wait_for((hung, str(tmp_path), None, None), timeout=0.5)
    assert time.monotonic() - begun < 10 and hung.poll() is not None
    assert "was stopped (more than 0.5 s)" in caplog.text


@pytest.mark.parametrize("early", [False, True], ids=["at-the-end", "while-written"])
def test_a_shard_indexed_again_shares_its_unchanged_files_with_the_last_site(
        tmp_path, write_article, caplog, early):
    """After an edit, the edited article's shard is indexed again (at the end of the
    build, or in the background while the site is written, with the render plugin): the
    site keeps the files of it whose bytes did not change (their inode and time), and
    the cache holds those very files, not a second copy that every later build would
    compare."""
    import logging

    from tests.conftest import pelican_settings, reset_pelican_signals
    from tinhoi.build import build

    shutil.copytree(FIXTURES / "basic" / "content", tmp_path / "content")
    write_two_years(write_article)
    site = tmp_path / "site"
    settings = pelican_settings(tmp_path / "content", site,
                                **{**EARLY, "SEARCH_SHARD_SIZE": 1} if early else
                                {"PLUGINS": PLUGINS, "SEARCH_SHARD_SIZE": 1})
    reset_pelican_signals()
    build(settings, str(site))

    def files(folder):
        return {path.relative_to(folder): os.stat(path) for path in folder.rglob("*")
                if path.is_file()}

    before = files(site / "pagefind")
    article = tmp_path / "content" / "2017" / "tin-2017.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nĐoạn mới.\n", encoding="utf-8")
    caplog.set_level(logging.INFO, logger="search")
    fresh_logs()
    reset_pelican_signals()
    build(settings, str(site))
    indexed, _cached, ahead = indexed_counts(caplog.text)
    assert indexed == 1 and ahead == (1 if early else 0)
    after = files(site / "pagefind")
    cached = {(found.st_dev, found.st_ino) for found in files(tmp_path / ".cache" / "search")
              .values()}
    # (The list of shards is the build's own file.)
    assert {name for name, found in after.items()
            if (found.st_dev, found.st_ino) not in cached} == {Path(SHARDS_FILE)}
    # The 2017 shard was indexed again: its fragment of the edited page is new, and its
    # other files (Pagefind's scripts, the fragments of the other pages) are the last site's.
    kept = [name for name in after if name in before
            and (after[name].st_ino, after[name].st_mtime_ns)
            == (before[name].st_ino, before[name].st_mtime_ns)]
    assert len(kept) > len(after) - 10 and set(after) - set(before)


def test_the_preview_has_a_shard_a_year_and_a_cache_of_its_own(build_site, tmp_path, caplog,
                                                                 write_article):
    """The preview (``SEARCH_PREVIEW``, which ``tinhoi build --drafts`` sets) is read on
    the editor's machine: a shard a year, so an edit indexes one year again; its bundles
    are kept apart, so a ``make html`` after it still finds its own in the cache."""
    import logging

    write_two_years(write_article)
    site = build_site("basic", PLUGINS=PLUGINS)
    assert json.loads((site / "pagefind" / SHARDS_FILE).read_text()) == []  # one shard
    preview = run_build(tmp_path / "content", tmp_path / "preview", PLUGINS=PLUGINS,
                        SEARCH_PREVIEW=True)
    # The pages outside a year, 2016, 2017 and 2018: a shard each.
    shards = json.loads((preview / "pagefind" / SHARDS_FILE).read_text())
    assert shards == ["phan-2/", "phan-3/", "phan-4/"]
    assert all((preview / "pagefind" / shard / "pagefind.js").is_file() for shard in shards)
    assert len([p for p in (tmp_path / ".cache" / "search-xem-truoc").iterdir()
                if p.is_dir() and p.name != KEPT_COPIES]) == 4
    caplog.set_level(logging.INFO, logger="search")
    fresh_logs()
    run_build(tmp_path / "content", tmp_path / "output", PLUGINS=PLUGINS)
    assert ": 0 indexed, " in caplog.text  # make html's bundle was not dropped


def test_the_preview_cache_folder_is_the_cache_path_with_a_suffix(tmp_path):
    from search.search import _cache_folder

    content = str(tmp_path / "content")
    for given in (str(tmp_path / "c"), str(tmp_path / "c") + os.sep, tmp_path / "c"):
        assert _cache_folder({"SEARCH_CACHE_PATH": given, "SEARCH_PREVIEW": True,
                              "PATH": content}) == str(tmp_path / "c-xem-truoc")
    assert _cache_folder({"SEARCH_CACHE_PATH": os.path.join(".cache", "search"),
                          "SEARCH_PREVIEW": True, "PATH": content}) == \
        str(tmp_path / ".cache" / "search-xem-truoc")
    assert _cache_folder({"SEARCH_CACHE_PATH": None, "SEARCH_PREVIEW": True,
                          "PATH": content}) is None


def test_a_failing_walk_at_the_end_still_settles_the_shards_indexed_early(build_site,
                                                                         monkeypatch):
    """The end of the build walks the site while the shards started early are still
    indexed: when the walk fails, they are waited for and their work removed all the
    same, not left running until the process exits."""
    import search.search as search_module

    walk = search_module.pages_to_index

    def failing(output, bundle_dir, known=None, paths=None, noted=None):
        if paths is None:  # the walk of the whole site, at the end
            raise OSError("the disk went away")
        return walk(output, bundle_dir, known, paths, noted)

    monkeypatch.setattr(search_module, "pages_to_index", failing)
    with pytest.raises(OSError, match="the disk went away"):
        build_site("basic", **EARLY)
    assert search_module._early["running"] == []


def test_only_files_with_the_last_sites_bytes_become_its_files(tmp_path):
    """A file of a new bundle is replaced by the last site's file at the same place only
    when both are regular files with the same bytes; no temporary link is left."""
    from search.search import _adopt_last_files

    bundle, last = tmp_path / "work" / "0", tmp_path / "site" / "pagefind"
    for folder, files in ((bundle, {"same.js": "abc", "other.js": "abd", "new.js": "x",
                                    "dir.js": "d", "sub/same.pf": "zz"}),
                          (last, {"same.js": "abc", "other.js": "xyz", "sub/same.pf": "zz"})):
        for name, text in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
    (last / "dir.js").mkdir()  # in the last site's way: not a file
    before = {path: os.stat(path).st_ino for path in bundle.rglob("*") if path.is_file()}
    _adopt_last_files(str(bundle), str(last))
    for name in ("same.js", "sub/same.pf"):
        assert os.path.samefile(bundle / name, last / name)
    for name in ("other.js", "new.js", "dir.js"):
        assert os.stat(bundle / name).st_ino == before[bundle / name]
    assert (bundle / "other.js").read_text(encoding="utf-8") == "abd"
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["0"]
    _adopt_last_files(str(bundle), str(tmp_path / "no-site"))  # a first build: nothing


def test_without_hard_links_a_shard_indexed_again_keeps_its_own_files(tmp_path, write_article,
                                                                      monkeypatch):
    """Where the last site's files cannot be linked into the cache (another file
    system), the shard keeps its own files: the build ends, its index has the same
    bytes, and the site keeps its unchanged files as before."""
    import errno

    from tests.conftest import pelican_settings, reset_pelican_signals
    from tinhoi.build import build

    link, refused = os.link, []

    def no_links_into_the_cache(source, target, **kwargs):
        if str(target).endswith(".link"):  # the adoption's link, not the build's others
            refused.append(target)
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return link(source, target, **kwargs)

    shutil.copytree(FIXTURES / "basic" / "content", tmp_path / "content")
    write_two_years(write_article)
    site = tmp_path / "site"
    settings = pelican_settings(tmp_path / "content", site, PLUGINS=PLUGINS,
                                SEARCH_SHARD_SIZE=1)
    reset_pelican_signals()
    build(settings, str(site))
    before = {path.relative_to(site): os.stat(path) for path in site.rglob("*.js")}
    monkeypatch.setattr(os, "link", no_links_into_the_cache)
    article = tmp_path / "content" / "2017" / "tin-2017.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nĐoạn mới.\n", encoding="utf-8")
    reset_pelican_signals()
    build(settings, str(site))
    monkeypatch.undo()
    assert len(refused) == 1  # tried once, then the shard is left as it is
    for name, old in before.items():  # Pagefind's scripts: the same bytes, kept
        assert (os.stat(site / name).st_ino, os.stat(site / name).st_mtime_ns) == \
            (old.st_ino, old.st_mtime_ns)
    fresh = run_build(tmp_path / "content", tmp_path / "fresh", PLUGINS=PLUGINS,
                      SEARCH_SHARD_SIZE=1, SEARCH_CACHE_PATH=None)
    assert snapshot(site / "pagefind") == snapshot(fresh / "pagefind")
    assert not list((tmp_path / ".cache" / "search").rglob("*.link"))


def test_pagefind_is_found_as_its_package_finds_it(tmp_path, monkeypatch):
    """The program the ``pagefind`` package would run: the one ``PAGEFIND_BINARY_PATH``
    names, else the installed ``pagefind_bin``'s, which runs."""
    import subprocess

    from pagefind.service import get_executable
    from search.search import pagefind_executable

    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    found = pagefind_executable()
    assert found == str(get_executable())
    version = subprocess.run([found, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("pagefind ")
    for named in (str(tmp_path / "pagefind-of-my-own"), "./pagefind", "bin//pagefind"):
        monkeypatch.setenv("PAGEFIND_BINARY_PATH", named)
        assert pagefind_executable() == str(get_executable())


def test_a_build_loads_no_client_it_does_not_use(tmp_path):
    """A build runs Pagefind's program without importing its asyncio client, nor starts
    ``ldconfig`` to find the C library (each a few hundredths of a second a build)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    shutil.copytree(FIXTURES / "basic" / "content", tmp_path / "content")
    override = {"PATH": str(tmp_path / "content"), "OUTPUT_PATH": str(tmp_path / "site"),
                "THEME": str(ROOT / "theme"), "PLUGIN_PATHS": [str(ROOT / "plugins")],
                "PLUGINS": [*PLUGINS, "render"]}
    script = f"""
import subprocess, sys
started = []
original = subprocess.Popen.__init__
def noting(self, args, *rest, **options):
    started.append(str(args[0]))
    original(self, args, *rest, **options)
subprocess.Popen.__init__ = noting
from pelican.settings import read_settings
from tinhoi.build import build
build(read_settings({str(ROOT / "pelicanconf.py")!r}, override={override!r}),
      {str(tmp_path / "site")!r})
import render.memory
print(render.memory._malloc_trim() is not None)  # glibc's, still found
print([name for name in ("asyncio", "pagefind.service") if name in sys.modules])
print(started)
"""
    paths = os.pathsep.join([str(ROOT), str(ROOT / "plugins")])
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": paths})
    assert result.returncode == 0, result.stderr
    trims, imported, started = result.stdout.splitlines()[-3:]
    assert trims == "True"
    assert imported == "[]"
    assert "ldconfig" not in started
    assert (tmp_path / "site" / "pagefind" / "pagefind-entry.json").is_file()
