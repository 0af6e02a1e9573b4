"""plugins/render: pages reused when nothing they read changed, the rest rendered in parallel.

Every build here is compared, file by file, with a plain build of the same content
(no reuse, one process): the optimisations must never change a byte.
"""

import html
import logging
import pickle
import shutil
import signal
from pathlib import Path

import pytest

from tests.conftest import pelican_settings, reset_pelican_signals, settings_file_functions
from tests.perf.test_content_cache import COMMON, assert_same_site, fresh_logs, snapshot

ARTICLE = Path("2019") / "so-ket-mot-nam-chuong-trinh-phoi-hop-cau-giay.md"
PLAIN = {"RENDER_CACHE": False, "RENDER_PROCESSES": 1, "RENDER_ESCAPE_MEMO": False,
         "RENDER_PERIOD_ARCHIVES": False}
# Two processes even for a handful of pages, and the queue written in batches of 40
# pages (113 pages: 3 batches), so the forked and batched paths are what is tested.
PARALLEL = {"RENDER_PROCESSES": 2, "RENDER_MIN_PARALLEL": 1, "RENDER_BATCH": 40}


def build(site, output, caplog=None, level=logging.INFO, **override):
    """``make html`` on ``site``; return ``(snapshot, (rendered, reused))`` (the render
    plugin's messages from ``level`` up are in ``caplog``)."""
    from tinhoi.build import build as tinhoi_build

    reset_pelican_signals()
    fresh_logs()
    if caplog is not None:
        caplog.clear()
        caplog.set_level(level, logger="render")
    settings = pelican_settings(site / "content", site / output, THEME=str(site / "theme"),
                                **{**COMMON, **override})
    tinhoi_build(settings, str(site / output))
    counts = None
    if caplog is not None:
        records = [r for r in caplog.records if r.name == "render.render"
                   and r.msg.startswith("Trang:")]
        assert len(records) == 1
        counts = records[0].args[:2]
    return snapshot(site / output), counts


def memo_file(site):
    """The one memo kept in ``site``'s render cache."""
    memos = list((site / ".cache" / "render").glob("memo*.pickle"))
    assert len(memos) == 1, memos
    return memos[0]


def plain_build(site):
    """The reference: every page rendered, in one process, nothing kept."""
    shutil.rmtree(site / "plain", ignore_errors=True)
    return build(site, "plain", **PLAIN)[0]


def edit(site, relative, old, new):
    path = site / "content" / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def title_of(site, relative):
    text = (site / "content" / relative).read_text(encoding="utf-8")
    return next(line.split(":", 1)[1].strip() for line in text.splitlines()
                if line.startswith("title:"))


def test_cold_warm_and_parallel_builds_match_a_plain_build(site, caplog):
    plain = plain_build(site)
    cold, (rendered, reused) = build(site, "site", caplog, **PARALLEL)
    assert_same_site(plain, cold)
    assert reused == 0 and rendered > 100

    warm, (rendered_again, reused_again) = build(site, "site", caplog, **PARALLEL)
    assert_same_site(plain, warm)
    assert (rendered_again, reused_again) == (0, rendered)


def test_a_body_edit_renders_only_the_article_page(site, caplog):
    build(site, "site", caplog, **PARALLEL)
    path = site / "content" / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\nMột câu mới ở cuối bài.\n",
                    encoding="utf-8")
    after, (rendered, reused) = build(site, "site", caplog, **PARALLEL)
    assert rendered == 1 and reused > 100
    assert_same_site(plain_build(site), after)
    page = next(name for name in after if "so-ket-mot-nam" in name and name.endswith(".html"))
    assert "Một câu mới ở cuối bài." in after[page].decode("utf-8")


def test_a_summary_edit_gives_the_article_page_its_new_json_ld(site, caplog):
    """The JSON-LD is made when the article's page reads it, and that page is checked
    by the JSON-LD's text: a new summary (the JSON-LD's description) renders the page
    again with it, whichever process checks or renders the page."""
    import json

    from lxml import html as lxml_html

    build(site, "site", caplog, **PARALLEL)
    edit(site, ARTICLE, "summary: Sau một năm,", "summary: Tóm tắt mới, sau một năm,")
    after, (rendered, _) = build(site, "site", caplog, **PARALLEL)
    assert rendered >= 1
    assert_same_site(plain_build(site), after)
    page = next(name for name in after if "so-ket-mot-nam" in name and name.endswith(".html"))
    script = lxml_html.fromstring(after[page]).xpath(
        "//script[@type='application/ld+json']")[0].text
    graph = json.loads(script)
    article = graph["@graph"][0] if "@graph" in graph else graph
    assert article["description"].startswith("Tóm tắt mới, sau một năm,")


def test_a_title_edit_renders_every_page_that_shows_the_title(site, caplog):
    before, (total, _) = build(site, "site", caplog, **PARALLEL)
    old_title = title_of(site, ARTICLE)
    edit(site, ARTICLE, f"title: {old_title}", "title: Sơ kết chương trình (tên mới)")
    after, (rendered, reused) = build(site, "site", caplog, **PARALLEL)

    assert_same_site(plain_build(site), after)
    showing = {name for name, data in after.items() if name.endswith(".html")
               and "Sơ kết chương trình (tên mới)" in data.decode("utf-8")}
    # The article's page, its neighbours' "previous/next", lists, tag and organisation
    # pages, related articles elsewhere: all rendered again, and little else.
    assert len(showing) >= 5
    assert rendered >= len(showing)
    assert reused >= total / 2
    assert all(old_title not in after[name].decode("utf-8") for name in showing)


def test_reads_checked_in_two_processes_find_every_change(site, caplog, monkeypatch):
    """Each process checks half of the stored reads: an edit of every article's body
    (read by its own page only) is found in both halves."""
    import render.memo

    monkeypatch.setattr(render.memo, "PARALLEL_READS", 1)
    build(site, "site", caplog)
    edited = 0
    for path in sorted((site / "content").rglob("*.md")):
        if "pages" not in path.parts:
            path.write_text(path.read_text(encoding="utf-8") + "\nCâu thêm cuối bài.\n",
                            encoding="utf-8")
            edited += 1
    after, (rendered, _) = build(site, "site", caplog)
    assert_same_site(plain_build(site), after)
    assert rendered > 10 and edited >= rendered


def test_a_process_checking_reads_that_dies_leaves_its_half_to_the_build(site, caplog,
                                                                        monkeypatch):
    """The forked process checking half of the stored reads ends early (killed, out of
    memory): the build checks that half itself, finds every change, and does not hang."""
    import os

    import render.memo

    monkeypatch.setattr(render.memo, "PARALLEL_READS", 1)
    build(site, "site", caplog)
    monkeypatch.setattr(render.memo, "_stale_in_child", lambda indices, send: os._exit(9))
    for path in sorted((site / "content").rglob("*.md")):
        if "pages" not in path.parts:
            path.write_text(path.read_text(encoding="utf-8") + "\nCâu thêm cuối bài.\n",
                            encoding="utf-8")
    after, (rendered, _) = build(site, "site", caplog)
    assert_same_site(plain_build(site), after)
    assert rendered > 10


def test_a_new_article_renders_the_pages_that_list_it_not_every_page(site, caplog):
    """Every page links to the feeds of what it shows; the feeds' articles are not read by
    those links, so a new article renders again the pages that show or count it (the
    lists, its tags' and category's pages, the feeds' page…), not every article page."""
    _, (total, _) = build(site, "site", caplog, **PARALLEL)
    new = site / "content" / "2019" / "bai-moi-trao-hoc-bong.md"
    new.write_text("---\ntitle: Trao học bổng mùa thu cho học sinh vượt khó\n"
                   "date: 2019-12-30 09:00\ncategory: Tin tức\ntags: [học bổng]\n---\n"
                   "Hội Khuyến học trao học bổng.\n", encoding="utf-8")
    after, (rendered, reused) = build(site, "site", caplog, **PARALLEL)
    assert_same_site(plain_build(site), after)
    showing = {name for name, data in after.items() if name.endswith(".html")
               and "Trao học bổng mùa thu cho học sinh vượt khó" in data.decode("utf-8")}
    assert len(showing) >= 3  # its page, the home page, its tag's page…
    assert rendered >= len(showing)
    # Most article pages show none of it: they are kept (all of them were rendered again
    # when every page read the whole feed catalogue).
    assert reused > total / 2


def test_a_new_tag_renders_the_pages_that_show_it_not_every_page(site, caplog):
    """A new tag makes a new tag feed: a page links to its own tag's feed only, so the
    other tags' pages are kept too."""
    before, (total, _) = build(site, "site", caplog, **PARALLEL)
    text = (site / "content" / ARTICLE).read_text(encoding="utf-8")
    tags = next(line for line in text.splitlines() if line.startswith("tags:"))
    edit(site, ARTICLE, tags, tags.replace("[", "[thẻ hoàn toàn mới, ", 1))
    after, (rendered, reused) = build(site, "site", caplog, **PARALLEL)
    assert_same_site(plain_build(site), after)
    assert any("the-hoan-toan-moi" in name for name in after)  # its page and feeds
    changed = {name for name in after if name.endswith(".html")
               and before.get(name) != after[name]}
    # The pages rendered are about the pages that changed (its article and neighbours,
    # the tags' list, pages showing the article's tags…), not every tag's pages.
    assert rendered <= len(changed) + 10
    assert reused > total / 2


def test_the_organisations_index_is_kept_when_its_names_and_counts_are(site, caplog):
    """The index shows each organisation's name, address and count: an edit of an event
    that changes none of them (its place) does not render the index again, where the
    organisation pages showing the event are."""
    build(site, "site", caplog, **PARALLEL)
    edit(site, ARTICLE, "location: Phòng họp tầng 3", "location: Hội trường tầng 2")
    after, (rendered, _) = build(site, "site", caplog, logging.DEBUG, **PARALLEL)
    assert_same_site(plain_build(site), after)
    changed = {record.args[0] for record in caplog.records
               if record.name == "render.memo" and record.msg.startswith("render: %s changed")}
    assert len(changed) == rendered > 1
    assert any(name.startswith("to-chuc/") and name != "to-chuc/index.html"
               for name in changed)  # an organisation's page, which shows the place
    assert "to-chuc/index.html" not in changed
    assert "Cầu Giấy" in after["to-chuc/index.html"].decode("utf-8")


def test_a_template_change_renders_every_page(site, caplog):
    _, (total, _) = build(site, "site", caplog)
    base = site / "theme" / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</footer>",
                                                             "<p>Chân trang mới</p></footer>"),
                    encoding="utf-8")
    after, (rendered, reused) = build(site, "site", caplog)
    assert (rendered, reused) == (total, 0)
    assert all(b"Ch\xc3\xa2n trang m\xe1\xbb\x9bi" in data for name, data in after.items()
               if name.endswith(".html") and b"<footer" in data)


def test_a_settings_change_renders_every_page(site, caplog):
    _, (total, _) = build(site, "site", caplog)
    after, (rendered, reused) = build(site, "site", caplog, SITENAME="Tin hội mới")
    assert (rendered, reused) == (total, 0)
    assert any("Tin hội mới" in data.decode("utf-8") for data in after.values()
               if isinstance(data, bytes))


def test_how_articles_are_read_renders_no_page_again(site, caplog):
    """The article snapshot and the number of converting processes change how the
    articles are read, not what they are: every page is reused."""
    _, (total, _) = build(site, "site", caplog)
    _, counts = build(site, "site", caplog, TINHOI_SNAPSHOT=False, TINHOI_WORKERS=1)
    assert counts == (0, total)


def test_builds_with_other_settings_keep_their_own_memo(site, caplog):
    """The preview, ``make html`` and ``make publish`` differ in their settings: going
    from one to another and back renders nothing again.  ``RENDER_CACHE_KEEP`` memos are
    kept, those used last: a memo loaded by a build that changed nothing counts as used."""
    keep = {"RENDER_CACHE_KEEP": 2}
    _, (total, _) = build(site, "site", caplog, **keep)
    build(site, "other", caplog, SITENAME="Bản xem trước", **keep)
    _, counts = build(site, "site", caplog, **keep)
    assert counts == (0, total)  # the first memo, kept, used again (and not rewritten)
    build(site, "third", caplog, SITENAME="Ba", **keep)
    assert len(list((site / ".cache" / "render").glob("memo-*.pickle"))) == 2
    _, counts = build(site, "site", caplog, **keep)
    assert counts == (0, total)  # used after "other" was written: "other" was dropped
    after, counts = build(site, "other", caplog, SITENAME="Bản xem trước", **keep)
    assert counts == (total, 0)
    assert_same_site(build(site, "other-plain", SITENAME="Bản xem trước", **PLAIN)[0], after)


def test_a_wrong_number_of_memos_to_keep_is_reported_and_replaced(site, caplog):
    build(site, "site", caplog, RENDER_CACHE_KEEP="ba")
    assert any("RENDER_CACHE_KEEP" in record.getMessage() for record in caplog.records
               if record.levelno == logging.WARNING)
    assert len(list((site / ".cache" / "render").glob("memo-*.pickle"))) == 1


def test_articles_have_their_urls_fixed_before_the_last_passes_of_the_plugins(site):
    """The plugins working once every generator is done (JSON-LD, the search shards)
    read each article's URL and path fixed once, not formatted again by Pelican."""
    from pelican import signals

    reset_pelican_signals()
    seen = []

    def note_fixed(generators):
        seen.extend("override_url" in vars(article) and "override_save_as" in vars(article)
                    for generator in generators for article in getattr(generator, "articles", []))

    # Connected before the plugins: the first to see the finished generators.
    signals.all_generators_finalized.connect(note_fixed)
    from tinhoi.build import build as tinhoi_build

    tinhoi_build(pelican_settings(site / "content", site / "site", THEME=str(site / "theme"),
                                  **COMMON), str(site / "site"))
    assert len(seen) > 10 and all(seen)


def test_a_page_changed_in_the_output_is_rendered_again(site, caplog):
    first, _ = build(site, "site", caplog)
    page = site / "site" / "index.html"
    page.write_text("sửa tay", encoding="utf-8")
    after, (rendered, _) = build(site, "site", caplog)
    assert rendered == 1
    assert after["index.html"] == first["index.html"]


def test_a_page_changed_in_place_with_its_size_kept_is_rendered_again(site, caplog):
    first, _ = build(site, "site", caplog)
    page = site / "site" / "index.html"
    data = page.read_bytes()
    page.write_bytes(data.replace(b"<html", b"<HTML", 1))  # same size, new time
    after, (rendered, _) = build(site, "site", caplog)
    assert rendered == 1
    assert after["index.html"] == first["index.html"]


def test_unchanged_pages_are_recognised_without_reading_them(site, caplog, monkeypatch):
    """The last build's files are known by device, inode, size and time: a warm build
    reads none of them to check its bytes."""
    import render.memo

    _, (total, _) = build(site, "site", caplog)
    read = []
    original = render.memo.file_digest
    monkeypatch.setattr(render.memo, "file_digest", lambda path: (read.append(path),
                                                                  original(path))[1])
    memo = memo_file(site)
    before = memo.stat()
    _, (rendered, reused) = build(site, "site", caplog)
    assert (rendered, reused) == (0, total)
    assert read == []
    # Nothing changed: the memo on disk is the one to keep, not written again.
    after = memo.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_removed_article_takes_its_pages_and_reads_out_of_the_memo(site, caplog):
    build(site, "site", caplog)
    memo_path = memo_file(site)
    (site / "content" / ARTICLE).unlink()
    after, _ = build(site, "site", caplog)
    assert_same_site(plain_build(site), after)
    with open(memo_path, "rb") as handle:
        header = pickle.load(handle)
        pages = {}
        for _ in range(header["page_chunks"]):
            pages.update(pickle.load(handle))
        reads = []
        for _ in range(header["read_chunks"]):
            reads.extend(pickle.load(handle))
    assert not any("so-ket-mot-nam" in name for name in pages)
    used = {index for page in pages.values() for index in page[2]}
    assert used == set(range(len(reads)))  # renumbered: no read left without a page
    # The renumbered memo still finds what an edit changes.
    other = next(p for p in sorted((site / "content").rglob("*.md")) if "pages" not in p.parts)
    other.write_text(other.read_text(encoding="utf-8") + "\nCâu mới.\n", encoding="utf-8")
    edited, (rendered, _) = build(site, "site", caplog)
    assert_same_site(plain_build(site), edited)
    assert rendered >= 1


def test_a_damaged_memo_is_a_cold_start(site, caplog):
    _, (total, _) = build(site, "site", caplog)
    memo = memo_file(site)
    data = memo.read_bytes()
    assert pickle.loads(data)["page_chunks"] >= 1
    # Not a pickle, then cut short after its header (a build stopped while saving it).
    for damaged in (b"not a pickle", data[: len(data) // 2]):
        memo.write_bytes(damaged)
        after, (rendered, reused) = build(site, "site", caplog)
        assert (rendered, reused) == (total, 0)
        assert any("hỏng" in r.getMessage() for r in caplog.records)
    assert_same_site(plain_build(site), after)


def test_without_the_cache_nothing_is_kept(site, caplog):
    build(site, "kept", caplog, RENDER_CACHE_KEEP=1)
    kept = memo_file(site)
    build(site, "site", caplog, RENDER_CACHE=False, RENDER_CACHE_KEEP=1)
    assert memo_file(site) == kept  # a build without a memo does not prune the others
    kept.unlink()
    _, (rendered, reused) = build(site, "site", caplog, RENDER_CACHE=False)
    assert reused == 0 and rendered > 100
    assert not list((site / ".cache" / "render").glob("memo*.pickle"))


@pytest.mark.parametrize("processes", [PLAIN, PARALLEL], ids=["serial", "parallel"])
def test_without_the_cache_pages_are_rendered_untraced(site, monkeypatch, processes):
    """With ``RENDER_CACHE`` off nothing is kept, so no page's reads are traced nor
    digested (a fifth of the time rendering took): the same site, without that work."""
    import render.render as render_module
    from render import trace

    made, digested = [], []
    real_trace, real_entries = trace.Trace, render_module.entries

    def counting_trace(*args):
        made.append(1)
        return real_trace(*args)

    def counting_entries(*args, **kwargs):
        digested.append(1)
        return real_entries(*args, **kwargs)

    monkeypatch.setattr(render_module, "Trace", counting_trace)
    monkeypatch.setattr(render_module, "entries", counting_entries)
    traced, _ = build(site, "traced", RENDER_PROCESSES=1)
    assert made and digested  # the patched names are the ones rendering uses
    made.clear()
    digested.clear()
    untraced, _ = build(site, "site", **{**processes, "RENDER_CACHE": False})
    assert not made and not digested
    assert_same_site(traced, untraced)


def test_a_page_failing_in_a_worker_fails_the_build_with_its_own_error(site):
    article = site / "theme" / "templates" / "article.html"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "{% block content %}", "{% block content %}{{ 1 // (article.title|length * 0) }}", 1),
        encoding="utf-8")
    with pytest.raises(ZeroDivisionError):
        build(site, "site", **PARALLEL)
    assert not (site / "site").exists()  # the failed build left no half-written output


def filter_on_article_titles(site, name, function):
    """Make the article template pass each article's title through the filter ``name``
    (``function``); return the ``JINJA_FILTERS`` to build with."""
    article = site / "theme" / "templates" / "article.html"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "{% block content %}", f"{{% block content %}}{{{{ article.title|{name} }}}}", 1),
        encoding="utf-8")
    settings = pelican_settings(site / "content", site / "x")
    return {**settings.get("JINJA_FILTERS", {}), name: function}


def test_log_records_of_forked_renders_reach_the_build_in_page_order(site, caplog):
    logger = logging.getLogger("tests.render.loud")

    def loud(value):
        logger.warning("rendering %s", value)
        return value

    filters = filter_on_article_titles(site, "loud", loud)

    caplog.set_level(logging.WARNING, logger="tests.render.loud")
    build(site, "serial", JINJA_FILTERS=filters, RENDER_CACHE=False, RENDER_PROCESSES=1)
    serial = [r.getMessage() for r in caplog.records if r.name == "tests.render.loud"]
    caplog.clear()
    build(site, "parallel", JINJA_FILTERS=filters, RENDER_CACHE=False, **PARALLEL)
    parallel = [r.getMessage() for r in caplog.records if r.name == "tests.render.loud"]
    assert len(serial) >= 15
    assert parallel == serial


def titles_inside(index):
    """A filter reading articles the template never touches itself."""
    return " | ".join(article.title for group in index.values() for article in group)


def test_articles_inside_a_filters_arguments_are_read_whole(site, caplog):
    # The "Giới thiệu" page names the newest article only through the filter.
    page = site / "theme" / "templates" / "page.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "{% block content %}",
        '{% block content %}<p hidden>{{ {"moi": articles[:1]}|titles_inside }}</p>', 1),
        encoding="utf-8")
    settings = pelican_settings(site / "content", site / "x")
    filters = {**settings.get("JINJA_FILTERS", {}), "titles_inside": titles_inside}
    first, _ = build(site, "site", caplog, JINJA_FILTERS=filters, **PARALLEL)
    shown = first["gioi-thieu/index.html"].decode("utf-8").split("<p hidden>")[1].split("</p>")[0]
    title = html.unescape(shown.split(" | ")[0])
    source = next(p for p in (site / "content").rglob("*.md")
                  if f"title: {title}\n" in p.read_text(encoding="utf-8"))
    edit(site, source.relative_to(site / "content"), f"title: {title}",
         "title: Tên mới chỉ bộ lọc đọc")
    after, _ = build(site, "site", caplog, JINJA_FILTERS=filters, **PARALLEL)
    assert "Tên mới chỉ bộ lọc đọc" in after["gioi-thieu/index.html"].decode("utf-8")
    shutil.rmtree(site / "plain", ignore_errors=True)
    plain, _ = build(site, "plain", JINJA_FILTERS=filters, **PLAIN)
    assert_same_site(plain, after)


def newest_title(articles):
    """A filter reading the articles of an iterator in Python, where no read is traced."""
    return max(articles, key=lambda article: article.date).title


@pytest.mark.parametrize("template", [
    '{{ articles|selectattr("category")|newest_title }}',
    '{{ (articles|selectattr("category")|vi_sort(attribute="title")|first).url }}'],
    ids=["filter-of-its-own", "vi_sort"])
def test_articles_a_filter_takes_from_an_iterator_are_read_whole(site, caplog, template):
    """``selectattr`` gives a generator: the articles it yields are noted as they are
    handed to the filter, so a title that changes what the filter makes of them
    renders the page again (it was reused, with the old title or order)."""
    base = site / "theme" / "templates" / "base.html"  # every page, most without it
    base.write_text(base.read_text(encoding="utf-8").replace(
        "</body>", f"<p hidden>{template}</p></body>", 1), encoding="utf-8")
    settings = pelican_settings(site / "content", site / "x")
    filters = {**settings.get("JINJA_FILTERS", {}), "newest_title": newest_title}
    build(site, "site", caplog, JINJA_FILTERS=filters, **PARALLEL)
    # The newest published article's title (the build's clock: COMMON), changed to one
    # first in Vietnamese order, its address kept: most pages show nothing else of it.
    dated = {p: next(line for line in p.read_text(encoding="utf-8").splitlines()
                     if line.startswith("date:"))
             for p in (site / "content").rglob("*.md") if "/pages/" not in p.as_posix()
             and "\nstatus: draft\n" not in p.read_text(encoding="utf-8")}
    newest = max((p for p in dated if dated[p] < "date: " + COMMON["SCHEDULE_NOW"]),
                 key=dated.get)
    title = title_of(site, newest.relative_to(site / "content"))
    text = newest.read_text(encoding="utf-8")
    if "\nslug:" not in text:
        text = text.replace(f"title: {title}\n", f"title: {title}\nslug: giu-dia-chi\n", 1)
        newest.write_text(text, encoding="utf-8")
        build(site, "site", caplog, JINJA_FILTERS=filters, **PARALLEL)
    edit(site, newest.relative_to(site / "content"), f"title: {title}", "title: (A) đầu tiên")
    after, _ = build(site, "site", caplog, JINJA_FILTERS=filters, **PARALLEL)
    shutil.rmtree(site / "plain", ignore_errors=True)
    plain, _ = build(site, "plain", JINJA_FILTERS=filters, **PLAIN)
    assert_same_site(plain, after)


@pytest.mark.parametrize("kind", ["by_default", "by_global", "by_closure", "by_partial"])
def test_a_settings_filter_that_cuts_differently_renders_every_page_again(site, caplog,
                                                                        kind):
    """A filter of the settings file whose code is the same but not what it does (its
    default argument, a global it reads, its closure, a partial's arguments): every page
    is rendered again, as a build with nothing kept renders it."""
    base = site / "theme" / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace(
        "</body>", f"<p hidden>{{{{ SITENAME|{kind} }}}}</p></body>", 1), encoding="utf-8")
    settings = pelican_settings(site / "content", site / "x")

    def filters(n):
        return {**settings.get("JINJA_FILTERS", {}), kind: settings_file_functions(n)[kind]}

    build(site, "site", JINJA_FILTERS=filters(5))
    after, _ = build(site, "site", JINJA_FILTERS=filters(9))
    sitename = settings["SITENAME"]
    assert f"<p hidden>{html.escape(sitename[:9])}</p>" in after["index.html"].decode("utf-8")
    shutil.rmtree(site / "plain", ignore_errors=True)
    plain, _ = build(site, "plain", JINJA_FILTERS=filters(9), **PLAIN)
    assert_same_site(plain, after)
    # The same filter made again: pages are reused as ever.
    _, (rendered, reused) = build(site, "site", caplog, JINJA_FILTERS=filters(9))
    assert rendered == 0 and reused > 100


def memo_reads(site):
    """``{page: sorted reads}`` of the saved memo, each read ``(kind, key, scope, digest)``."""
    with open(memo_file(site), "rb") as handle:
        header = pickle.load(handle)
        pages, reads = {}, []
        for _ in range(header["page_chunks"]):
            pages.update(pickle.load(handle))
        for _ in range(header["read_chunks"]):
            reads.extend(pickle.load(handle))
    return {name: sorted(reads[index] for index in page[2]) for name, page in pages.items()}


def test_reads_recalled_from_earlier_batches_are_those_digested_anew(site, caplog, monkeypatch):
    """Processes rendering a batch take the digests of reads made by earlier batches from
    the memo: the memo is the same as when every read is digested anew, and a read of the
    last build (an old title) is never recalled for the new value."""
    import os
    import time

    import render.memo

    build_process = os.getpid()
    taken = str(site.parent / f"{site.name}-other-process-rendered")  # (text: digested)

    def slow_here(value):
        # The other process takes pages from the first batch on, however slow the
        # machine is to start it (a busy machine left them all to this one, and it
        # recalled nothing): this one waits for it, then goes on slowly.
        if os.getpid() == build_process:
            deadline = time.monotonic() + 60
            while not os.path.exists(taken) and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(0.02)
        elif not os.path.exists(taken):
            open(taken, "w").close()
        return value

    filters = filter_on_article_titles(site, "slow_here", slow_here)
    recalled = []
    original = render.memo.RenderMemo.recall

    def counted(self, key, scope):
        digest = original(self, key, scope)
        recalled.append(digest is not None)
        return digest

    def digest_every_read():
        shutil.rmtree(site / ".cache" / "render")
        with monkeypatch.context() as patch:
            patch.setattr(render.memo.RenderMemo, "recall", lambda self, key, scope: None)
            build(site, "fresh", caplog, JINJA_FILTERS=filters, **PARALLEL)
        return memo_reads(site)

    monkeypatch.setattr(render.memo.RenderMemo, "recall", counted)
    # Batches of ten pages: this process meets reads the other process made in earlier
    # batches (those it made itself it keeps for the build).
    build(site, "site", caplog, JINJA_FILTERS=filters, **{**PARALLEL, "RENDER_BATCH": 10})
    assert any(recalled)  # by the pages this process rendered, from the second batch on
    with_recall = memo_reads(site)
    assert with_recall == digest_every_read()

    # The memo again, after the check above.
    build(site, "site", caplog, JINJA_FILTERS=filters, **PARALLEL)
    old_title = title_of(site, ARTICLE)
    edit(site, ARTICLE, f"title: {old_title}", "title: Sơ kết chương trình (tên mới)")
    # Batches of two pages: the pages showing the new title are rendered in several.
    build(site, "site", caplog, JINJA_FILTERS=filters, **{**PARALLEL, "RENDER_BATCH": 2})
    assert memo_reads(site) == digest_every_read()


def test_article_pages_are_written_before_the_other_generators_run(site, monkeypatch):
    """The queue is written once the articles are all asked for, not only at the end:
    the search index starts on their shards while the other generators run (after an
    edit, the article's shard was indexed last, alone)."""
    from pelican import signals

    found = []
    original = signals.page_generator_write_page.send

    def send(sender, **kwargs):  # the pages generator runs after the articles one
        output = Path(sender.output_path)
        articles = sender.context["articles"]
        found.append(sum((output / article.save_as).is_file() for article in articles))
        found.append(len(articles))
        return original(sender, **kwargs)

    monkeypatch.setattr(signals.page_generator_write_page, "send", send)
    cold, _ = build(site, "site", RENDER_BATCH=1000)
    assert found and found[0] == found[1] > 10
    assert_same_site(plain_build(site), cold)


def test_a_slow_page_leaves_the_other_pages_to_the_other_process(site, tmp_path):
    """Each page is taken by the first process free: while one process renders a slow
    page, the other renders the rest (shares fixed in advance made it wait)."""
    import os
    import time

    rendered, slept = tmp_path / "rendered.txt", tmp_path / "slept"

    def mark(value):
        try:  # the first page rendered by any process is slow
            os.close(os.open(slept, os.O_CREAT | os.O_EXCL))
            time.sleep(1.0)
        except FileExistsError:
            pass
        with open(rendered, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        return value

    filters = filter_on_article_titles(site, "mark", mark)
    parallel, _ = build(site, "parallel", JINJA_FILTERS=filters, RENDER_CACHE=False,
                        **{**PARALLEL, "RENDER_BATCH": 1000})
    serial, _ = build(site, "serial", JINJA_FILTERS=filters, RENDER_CACHE=False,
                      RENDER_PROCESSES=1)
    assert parallel == serial
    pids = rendered.read_text(encoding="utf-8").split()
    articles = len(pids) // 2  # both builds wrote one line per article page
    in_parallel = pids[:articles]
    assert articles >= 8 and len(set(in_parallel)) == 2
    # The process that slept took the slow page, and few others.
    assert min(in_parallel.count(pid) for pid in set(in_parallel)) <= articles // 4


class _Recorded:
    """A context value noting, in ``path``, the pid of each process that digests it."""

    def __init__(self, path, text):
        self.path, self.text = path, text

    def render_fingerprint(self):
        import os

        with open(self.path, "a", encoding="ascii") as handle:
            handle.write(f"{os.getpid()}\n")
        return self.text

    def __str__(self):
        return self.text

    def __repr__(self):
        return f"_Recorded({self.text!r})"


def test_only_the_context_values_pages_read_are_digested_before_a_batch_forks(
        site, tmp_path, monkeypatch):
    """Before each batch's processes fork, the build process digests the values pages
    read so far, which each process then inherits; a value no page reads is never
    digested (the whole list of organisations took a tenth of a second of the first
    batch of a cold build of 2,000 articles, with the other core idle)."""
    import structured_data.structured_data as plugin

    read_by, unread_by = tmp_path / "read.txt", tmp_path / "unread.txt"
    original = plugin.add_structured_data

    def add_values(generators):  # two values in the context the templates get
        original(generators)
        generators[0].context.update(
            read_value=_Recorded(read_by, "giá trị đọc"),
            unread_value=_Recorded(unread_by, "không trang nào đọc"))

    monkeypatch.setattr(plugin, "add_structured_data", add_values)
    base = site / "theme" / "templates" / "base.html"
    text = base.read_text(encoding="utf-8")
    base.write_text(text.replace("</footer>", "{{ read_value }}</footer>", 1), encoding="utf-8")
    cold, _ = build(site, "site", **PARALLEL)  # 3 batches of 40 pages or fewer
    assert "giá trị đọc" in cold["index.html"].decode("utf-8")
    assert not unread_by.exists()
    pids = read_by.read_text(encoding="ascii").split()
    # The first batch's two processes digest it, each for itself; the processes of the
    # later batches inherit the build process's digest, kept for the build (one digest
    # per process and batch otherwise: 6).
    assert 1 <= len(pids) <= 2


def test_a_rendering_process_that_dies_leaves_its_pages_to_the_build_process(site, tmp_path):
    """A forked rendering process that ends in the middle of a page (killed, out of
    memory) does not hang the build nor lose pages: the build process renders the pages
    it took, and the site is the one a serial build makes."""
    import os

    build_process, died = os.getpid(), tmp_path / "died"

    def die_once(value):
        if os.getpid() != build_process:
            try:  # the first page a forked process takes: it ends there
                os.close(os.open(died, os.O_CREAT | os.O_EXCL))
                os._exit(9)
            except FileExistsError:
                pass
        return value

    def waited_too_long(*_):
        raise TimeoutError("the build waited for a process that died")

    filters = filter_on_article_titles(site, "die_once", die_once)
    previous = signal.signal(signal.SIGALRM, waited_too_long)
    signal.alarm(120)
    try:
        parallel, _ = build(site, "parallel", JINJA_FILTERS=filters, RENDER_CACHE=False,
                            **PARALLEL)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert died.exists()
    serial, _ = build(site, "serial", JINJA_FILTERS=filters, RENDER_CACHE=False,
                      RENDER_PROCESSES=1)
    assert_same_site(serial, parallel)
