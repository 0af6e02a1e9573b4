"""plugins/render: a call of the writer whose pages did not change is put in place whole.

Pelican makes each page's context (and a listing's paginated pages) before the render
plugin can check the page; a call of ``write_file`` that is the same as last time (its
arguments and lists), whose pages read the same values of the site's context and none
of whose articles' attributes changed, is put in place at once instead.  Every build
here is compared, file by file, with a plain build (nothing reused, one process).
"""

import logging
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.perf.test_content_cache import assert_same_site
from tests.render.test_render import ARTICLE, PARALLEL, build, edit, plain_build


def counts(caplog):
    """``(rendered, reused, reused with their whole call)`` of the last build."""
    record = next(r for r in reversed(caplog.records) if r.name == "render.render"
                  and r.msg.startswith("Trang:"))
    return record.args[:3]


@pytest.mark.parametrize("relative", [True, False])
def test_an_unchanged_build_puts_every_call_in_place_whole(site, caplog, relative):
    build(site, "site", caplog, RELATIVE_URLS=relative, **PARALLEL)
    total = counts(caplog)[0]
    again, _ = build(site, "site", caplog, RELATIVE_URLS=relative, **PARALLEL)
    assert counts(caplog) == (0, total, total)
    assert_same_site(build(site, "plain", RELATIVE_URLS=relative, RENDER_CACHE=False,
                           RENDER_PROCESSES=1)[0], again)


def test_a_body_edit_checks_only_the_calls_of_the_edited_article(site, caplog):
    build(site, "site", caplog, **PARALLEL)
    path = site / "content" / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\nMột câu mới ở cuối bài.\n",
                    encoding="utf-8")
    after, _ = build(site, "site", caplog, logging.DEBUG, **PARALLEL)
    rendered, reused, whole = counts(caplog)
    # Its page is rendered; every other call is put in place whole, those of the lists,
    # tag and organisation pages showing the article too (their reads of its title,
    # address, summary… were checked once, and found the same).
    assert rendered == 1 and reused > 100
    assert whole == reused
    assert_same_site(plain_build(site), after)
    kept = [r for r in caplog.records if r.getMessage().startswith("render: ")
            and "kept whole" in r.getMessage()]
    assert not any("so-ket-mot-nam" in r.getMessage() for r in kept)


def test_a_new_article_renders_the_listings_though_their_calls_were_kept(site, caplog):
    """A new article changes the site's list of articles, which listings read: their
    calls are not put in place whole, and their pages show it."""
    build(site, "site", caplog, **PARALLEL)
    (site / "content" / "2019" / "bai-moi.md").write_text(textwrap.dedent("""\
        ---
        title: Bài mới về khuyến học
        date: 2019-12-30 08:00
        category: Tin tức
        tags: [khuyến học]
        ---
        Nội dung bài mới.
        """), encoding="utf-8")
    after, _ = build(site, "site", caplog, **PARALLEL)
    rendered, reused, whole = counts(caplog)
    assert rendered > 5 and whole < reused
    assert "Bài mới về khuyến học" in after["index.html"].decode("utf-8")
    assert_same_site(plain_build(site), after)


def test_an_edit_of_a_value_every_page_reads_checks_each_page(site, caplog):
    """An event's place is read by the article's page and the pages listing the event
    (events, organisations): those calls are checked page by page and rendered again."""
    build(site, "site", caplog, **PARALLEL)
    edit(site, ARTICLE, "location: Phòng họp tầng 3", "location: Hội trường tầng 2")
    after, _ = build(site, "site", caplog, **PARALLEL)
    rendered, reused, whole = counts(caplog)
    assert rendered >= 2 and whole < reused
    assert_same_site(plain_build(site), after)


LISTENER = '''
"""A plugin reading the context of every page written (content_written)."""
from pelican import signals

SEEN = []


def written(path, context=None):
    SEEN.append((path, None if context is None else context.get("output_file")))


def register():
    signals.content_written.connect(written)
'''


def test_a_receiver_reading_the_page_context_gets_it_for_every_page(site, caplog):
    """A plugin's receiver of content_written that does not say it reads the path only
    is sent each page's own context: no call is put in place whole."""
    import sys

    plugins = site / "more-plugins"
    plugins.mkdir()
    (plugins / "nghe_trang.py").write_text(LISTENER, encoding="utf-8")
    from pelican.settings import read_settings

    project = read_settings(str(ROOT / "pelicanconf.py"))
    override = {"PLUGINS": [*project["PLUGINS"], "nghe_trang"],
                "PLUGIN_PATHS": [str(ROOT / "plugins"), str(plugins)], **PARALLEL}
    try:
        build(site, "site", caplog, **override)
        listener = sys.modules["nghe_trang"]
        listener.SEEN.clear()
        after, _ = build(site, "site", caplog, **override)
        rendered, reused, whole = counts(caplog)
        assert rendered == 0 and whole == 0 and reused > 100
        assert len(listener.SEEN) == reused
        assert all(name is not None and path.endswith(name) for path, name in listener.SEEN)
    finally:
        sys.modules.pop("nghe_trang", None)


def test_a_new_page_in_the_menu_renders_every_page_showing_the_menu(site, caplog):
    """The site's list of pages (its menu, read from the site's context by every page)
    changes: no call whose pages read it is put in place whole."""
    build(site, "site", caplog, **PARALLEL)
    (site / "content" / "pages" / "hoi-vien.md").write_text(
        "---\ntitle: Hội viên\nslug: hoi-vien\nsummary: Cách vào Hội.\n---\nNội dung.\n",
        encoding="utf-8")
    after, _ = build(site, "site", caplog, **PARALLEL)
    rendered, reused, whole = counts(caplog)
    assert rendered > 100 and whole == reused
    assert "Hội viên" in after["index.html"].decode("utf-8")
    assert_same_site(plain_build(site), after)


# Pelican alone with the render plugin and its simple theme: a draft whose page is
# written over a page of another call (``save_as``; drafts are written with override).


# Run in a process of its own: the project's plugins, loaded by earlier tests of this
# process, change Pelican's readers for good (YAML front-matter only).
PELICAN_ALONE = """
import json, sys
from pelican import Pelican
from pelican.settings import read_settings
Pelican(read_settings(None, override=json.loads(sys.argv[1]))).run()
"""


def pelican_alone(folder, output, cache=True, **override):
    """Build ``folder/content`` with Pelican, its simple theme and the render plugin
    only; return ``{relative path: text}`` of the HTML written."""
    import json
    import subprocess
    import sys

    import pelican

    theme = str(Path(pelican.__file__).parent / "themes" / "simple")
    settings = {
        "PATH": str(folder / "content"), "OUTPUT_PATH": str(folder / output), "THEME": theme,
        "PLUGIN_PATHS": [str(ROOT / "plugins")], "PLUGINS": ["render"],
        "RENDER_CACHE": cache, "RENDER_PROCESSES": 1, "DEFAULT_PAGINATION": False,
        "RENDER_CACHE_PATH": str(folder / ".cache"), "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False, "DELETE_OUTPUT_DIRECTORY": False, "TIMEZONE": "UTC",
        "FEED_ALL_ATOM": None, "CATEGORY_FEED_ATOM": None, "TRANSLATION_FEED_ATOM": None,
        "AUTHOR_FEED_ATOM": None, "AUTHOR_FEED_RSS": None, **override}
    done = subprocess.run([sys.executable, "-c", PELICAN_ALONE, json.dumps(settings)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and "ERROR" not in done.stderr, done.stderr[-2000:]
    return {path.relative_to(folder / output).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted((folder / output).rglob("*.html"))}


def write(folder, name, text):
    (folder / "content").mkdir(exist_ok=True)
    (folder / "content" / name).write_text(textwrap.dedent(text), encoding="utf-8")


ARTICLE_A = """\
    Title: Bai A
    Slug: bai-a
    Date: 2020-01-01
    Category: tin

    Noi dung A.
    """


def test_a_draft_written_over_the_index_stays_over_it(tmp_path):
    """The draft's page (its call kept whole) overrides the index, whose call was
    queued before: the index queued must not be rendered over it."""
    write(tmp_path, "a.md", ARTICLE_A)
    write(tmp_path, "d.md", """\
        Title: Ban nhap
        Date: 2020-01-02
        Category: tin
        Status: draft
        Save_as: index.html

        Noi dung nhap.
        """)
    pelican_alone(tmp_path, "site")
    write(tmp_path, "a.md", ARTICLE_A.replace("Title: Bai A", "Title: Bai A moi"))
    after = pelican_alone(tmp_path, "site")
    assert "Noi dung nhap." in after["index.html"]
    assert after == pelican_alone(tmp_path, "plain", cache=False)


def test_a_page_written_over_by_another_call_is_not_kept_for_its_first_call(tmp_path):
    """A draft wrote its page over a listing's; once the draft is gone, the listing's
    call must not be kept whole on the draft's page."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "x.html").write_text(
        "{% if article %}DRAFT{% else %}LISTING {{ articles|length }}{% endif %}\n",
        encoding="utf-8")
    settings = {"THEME_TEMPLATES_OVERRIDES": [str(tmp_path / "templates")],
                "DIRECT_TEMPLATES": ["index", "x"]}
    write(tmp_path, "a.md", ARTICLE_A)
    pelican_alone(tmp_path, "site", **settings)
    write(tmp_path, "d.md", """\
        Title: Ban nhap
        Date: 2020-01-02
        Category: tin
        Status: draft
        Save_as: x.html
        Template: x

        Noi dung nhap.
        """)
    assert pelican_alone(tmp_path, "site", **settings)["x.html"].strip() == "DRAFT"
    (tmp_path / "content" / "d.md").unlink()
    after = pelican_alone(tmp_path, "site", **settings)
    assert after["x.html"].strip() == "LISTING 1"
    assert after == pelican_alone(tmp_path, "plain", cache=False, **settings)
