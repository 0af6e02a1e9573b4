"""The article snapshot: a build makes again only the articles whose files changed, and
makes the same site, with the same messages, as a build that reads every file."""

import logging
import os
import shutil
import textwrap

import pytest
from pelican.readers import Readers

from tests.conftest import ROOT, settings_file_functions
from tests.perf.test_content_cache import (
    EDITED,
    assert_same_site,
    fresh_logs,
    plain_site,
    problems,
    snapshot,
    tinhoi_build,
)


@pytest.fixture
def content(tmp_path):
    """A copy of the project's content."""
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    return folder


def snapshots(content):
    return sorted((content.parent / ".cache" / "content").rglob("*.snapshot"))


@pytest.fixture
def reads(monkeypatch):
    """The articles Pelican reads (relative to ``content/``), build after build."""
    read = []
    original = Readers.read_file

    def noting(self, base_path, path, content_class=None, **kwargs):
        if content_class is not None and content_class.__name__ == "Article":
            read.append(path)
        return original(self, base_path, path, content_class, **kwargs)

    monkeypatch.setattr(Readers, "read_file", noting)
    return read


def with_problems(content):
    """Articles that build with warnings, and one that does not build."""
    for number in range(2):
        (content / "2019" / f"ghi-chu-{number}.md").write_text(
            f"---\ntitle: Ghi chú {number}\ndate: 2019-05-0{number + 1} 08:00\n"
            f"category: Tin tức\nghichu: lạ {number}\n---\nNội dung {number}.\n",
            encoding="utf-8")
    (content / "2019" / "hong.md").write_text("---\ntitle: Hỏng\n---\nKhông ngày.\n",
                                              encoding="utf-8")


def test_an_edit_makes_only_the_changed_articles_and_the_same_site(content, tmp_path, reads,
                                                                    caplog):
    with_problems(content)
    caplog.set_level(logging.WARNING)
    output = tinhoi_build(content, tmp_path / "site")
    articles = len(reads)
    assert articles > 15 and len(snapshots(content)) == 1
    reads.clear()

    edited = content / EDITED
    edited.write_text(edited.read_text(encoding="utf-8") + "\nMột câu mới được thêm.\n",
                      encoding="utf-8")
    added = content / "2020" / "bai-moi.md"
    added.write_text("---\ntitle: Bài mới\ndate: 2020-09-01 08:00\ncategory: Tin tức\n"
                     "tags: [mới]\n---\nBài viết mới.\n", encoding="utf-8")
    (content / "2019" / "ghi-chu-1.md").unlink()
    caplog.clear()
    edit = snapshot(tinhoi_build(content, output))
    edit_problems = problems(caplog)

    # The edited and the new article are read; the broken one, never kept, is read
    # again; every other article comes from the snapshot.
    assert sorted(reads) == sorted([str(EDITED), "2020/bai-moi.md", "2019/hong.md"])
    caplog.clear()
    fresh_logs()
    plain = plain_site(content, tmp_path / "plain")
    assert_same_site(plain, edit)
    # The kept article's warning is logged again, in Pelican's order, with the others.
    assert edit_problems == problems(caplog)
    assert any("ghi-chu-0.md" in message and "ghichu" in message for message in edit_problems)


def test_articles_from_the_snapshot_share_the_builds_settings_and_context(content, tmp_path,
                                                                         monkeypatch):
    from tinhoi_content.snapshot import ArticleSnapshot

    tinhoi_build(content, tmp_path / "site")
    revived = []
    original = ArticleSnapshot._revive

    def checking(self, filename, item):
        article = original(self, filename, item)
        if article is not None:
            revived.append(article)
            assert article.settings is self.generator.settings
            assert article._context is self.generator.context
            assert article.category.settings is self.generator.settings
        return article

    monkeypatch.setattr(ArticleSnapshot, "_revive", checking)
    tinhoi_build(content, tmp_path / "site")
    assert len(revived) > 15


def test_a_change_of_settings_makes_every_article_again(content, tmp_path, reads):
    tinhoi_build(content, tmp_path / "site")
    articles = len(reads)
    reads.clear()
    tinhoi_build(content, tmp_path / "site", DEFAULT_CATEGORY="Tin khác")
    assert len(reads) == articles
    reads.clear()
    tinhoi_build(content, tmp_path / "site")  # and back: that build's snapshot still serves
    assert reads == []


def test_a_photo_gone_makes_its_article_again(content, tmp_path, reads, caplog):
    caplog.set_level(logging.WARNING)
    shutil.copy(content / "images" / "heo-dat-khuyen-hoc.jpg", content / "images" / "rieng.jpg")
    (content / "2019" / "anh.md").write_text(
        "---\ntitle: Bài có ảnh riêng\ndate: 2019-05-02 08:00\ncategory: Tin tức\n---\n"
        "![Heo đất](../images/rieng.jpg)\n", encoding="utf-8")
    tinhoi_build(content, tmp_path / "site")
    reads.clear()
    (content / "images" / "rieng.jpg").unlink()
    caplog.clear()
    tinhoi_build(content, tmp_path / "site")
    assert reads == ["2019/anh.md"]
    assert any("anh.md:6" in message and "rieng.jpg" in message for message in problems(caplog))


def test_a_damaged_snapshot_only_means_reading_every_article(content, tmp_path, reads):
    tinhoi_build(content, tmp_path / "site")
    articles = len(reads)
    assert snapshots(content)
    for path in snapshots(content):
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    reads.clear()
    rebuilt = snapshot(tinhoi_build(content, tmp_path / "site"))
    assert len(reads) == articles
    assert_same_site(plain_site(content, tmp_path / "plain"), rebuilt)


def test_a_snapshot_that_cannot_be_written_fails_nothing(content, tmp_path, reads, capfd,
                                                         monkeypatch):
    from tinhoi_content.snapshot import ArticleSnapshot

    tried = tmp_path / "tried"

    def full_disk(self):
        tried.write_text("the writer ran")  # from the forked writer, seen by this process
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(ArticleSnapshot, "_write_items", full_disk)  # in the forked writer
        tinhoi_build(content, tmp_path / "site")
    assert tried.exists() and snapshots(content) == []
    assert "Traceback" not in capfd.readouterr().err
    reads.clear()
    tinhoi_build(content, tmp_path / "site")
    assert len(reads) > 15  # nothing kept: every article read


def stub_plugin(folder, reads_only):
    """A plugin adding 1 to each article's ``seen`` when it is made."""
    (folder / "counting.py").write_text(textwrap.dedent(f"""\
        from pelican import signals

        def count(content):
            content.seen = getattr(content, "seen", 0) + 1

        count.reads_content_only = {reads_only}

        def register():
            signals.content_object_init.connect(count)
        """), encoding="utf-8")


def test_a_plugin_that_may_change_articles_as_they_are_made_turns_it_off(content, tmp_path,
                                                                         reads):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    stub_plugin(plugins, reads_only=False)
    from tests.conftest import pelican_settings

    settings = dict(PLUGINS=[*pelican_settings(content, tmp_path)["PLUGINS"], "counting"],
                    PLUGIN_PATHS=[str(ROOT / "plugins"), str(plugins)])
    tinhoi_build(content, tmp_path / "site", **settings)
    articles = len(reads)
    reads.clear()
    tinhoi_build(content, tmp_path / "site", **settings)
    assert len(reads) == articles and snapshots(content) == []


def test_the_fingerprint_follows_settings_functions_and_plugin_code(tmp_path):
    from tinhoi_content.snapshot import UnstableSettingError, plugins_digest, settings_digest

    def slugify(text):
        return text.lower()

    def other(text):
        return text.upper()

    base = {"PATH": "content", "JINJA_FILTERS": {"slug": slugify}, "TINHOI_NOW": "a"}
    assert settings_digest(base) == settings_digest({**base, "TINHOI_NOW": "b",
                                                     "OUTPUT_PATH": "elsewhere"})
    assert settings_digest(base) != settings_digest({**base, "JINJA_FILTERS": {"slug": other}})
    assert settings_digest(base) != settings_digest({**base, "PATH": "other"})
    with pytest.raises(UnstableSettingError):
        settings_digest({**base, "THING": object()})

    plugin = tmp_path / "plugins" / "mine"
    plugin.mkdir(parents=True)
    (plugin / "__init__.py").write_text("X = 1\n", encoding="utf-8")
    settings = {"PLUGIN_PATHS": [str(tmp_path / "plugins")], "PLUGINS": ["mine"]}
    first = plugins_digest(settings)
    (plugin / "__init__.py").write_text("X = 2\n", encoding="utf-8")
    second = plugins_digest(settings)
    assert second != first
    os.makedirs(plugin / "__pycache__")
    (plugin / "__pycache__" / "x.py").write_text("compiled", encoding="utf-8")
    assert plugins_digest(settings) == second  # compiled copies are not the code


@pytest.mark.parametrize("kind", ["by_default", "by_global", "by_closure"])
def test_a_settings_function_that_does_otherwise_with_the_same_code_is_another(kind):
    """The snapshot's and the content cache's fingerprints name a function of the settings
    file by what decides what it does, not its code alone (a Markdown extension's
    ``slugify`` whose default changed kept the articles made with the old one), and
    name it the same in every build (not by its address)."""
    from tinhoi_content.cache import settings_fingerprint
    from tinhoi_content.snapshot import settings_digest

    def settings(n):
        function = settings_file_functions(n)[kind]
        return {"PATH": "content", "JINJA_FILTERS": {"cut": function},
                "MARKDOWN": {"extension_configs": {"markdown.extensions.toc": {
                    "slugify": function}}}}

    assert settings_digest(settings(5)) == settings_digest(settings(5))
    assert settings_digest(settings(5)) != settings_digest(settings(9))
    assert settings_fingerprint(settings(5)) == settings_fingerprint(settings(5))
    assert settings_fingerprint(settings(5)) != settings_fingerprint(settings(9))


def pelican_warnings(caplog):
    return [r.getMessage() for r in caplog.records
            if r.levelno >= logging.WARNING and r.name.startswith("pelican")]


def test_pelicans_grouped_warnings_are_logged_again_as_a_plain_build_logs_them(
        content, tmp_path, caplog):
    """Pelican's duplicate filter groups a warning after the fifth (one line for the
    rest): what an article logged is kept as it was made, not as the filter left it."""
    caplog.set_level(logging.WARNING)
    for number in range(7):  # a photo without alternative text: Pelican warns
        (content / "2019" / f"anh-{number}.md").write_text(
            f"---\ntitle: Bài ảnh {number}\ndate: 2019-05-0{number + 1} 08:00\n"
            "category: Tin tức\n---\n![](../images/heo-dat-khuyen-hoc.jpg)\n",
            encoding="utf-8")
    tinhoi_build(content, tmp_path / "site")
    first = [m for m in pelican_warnings(caplog) if "anh-" in m]
    assert len(first) >= 4
    fixed = content / "2019" / f"anh-{first[0].split('anh-')[1][0]}.md"
    fixed.write_text(fixed.read_text(encoding="utf-8").replace("![]", "![Heo đất]"),
                     encoding="utf-8")
    caplog.clear()
    tinhoi_build(content, tmp_path / "site")
    from_snapshot = pelican_warnings(caplog)
    caplog.clear()
    tinhoi_build(content, tmp_path / "plain", TINHOI_SNAPSHOT=False)
    assert from_snapshot == pelican_warnings(caplog)


def test_a_file_saved_while_it_was_read_is_not_kept_under_its_old_bytes(content, tmp_path,
                                                                       monkeypatch):
    from tinhoi_content.reader import TinhoiReader

    before = "---\ntitle: Bản gốc\ndate: 2019-05-01 08:00\ncategory: Tin tức\n---\nGỐC\n"
    after = before.replace("Bản gốc", "Bản sửa").replace("GỐC", "ĐÃ SỬA")
    tinhoi_build(content, tmp_path / "site", TINHOI_WORKERS=1)
    article = content / "2019" / "dua.md"
    article.write_text(before, encoding="utf-8")
    convert = TinhoiReader._convert_file

    def saved_meanwhile(self, source_path):
        if source_path.endswith("dua.md"):
            article.write_text(after, encoding="utf-8")  # the editor saves while it is read
        return convert(self, source_path)

    with monkeypatch.context() as patch:
        patch.setattr(TinhoiReader, "_convert_file", saved_meanwhile)
        tinhoi_build(content, tmp_path / "site", TINHOI_WORKERS=1)
    article.write_text(before, encoding="utf-8")  # and undoes it
    output = tinhoi_build(content, tmp_path / "site", TINHOI_WORKERS=1)
    assert (output / "2019" / "ban-goc" / "index.html").is_file()
    assert not (output / "2019" / "ban-sua").exists()


@pytest.mark.parametrize("snapshot_on", [True, False], ids=["snapshot", "content-cache"])
def test_a_link_to_a_photo_or_article_pointed_elsewhere_makes_its_article_again(
        content, tmp_path, reads, snapshot_on):
    """A photo or a linked article that is a symbolic link: pointed at another file, the
    article is made with the new one (the old target is still there, so whether a file
    exists at the path does not tell), as a build that reads every file makes it."""
    images = content / "images"
    (images / "anh-bia.jpg").symlink_to("heo-dat-khuyen-hoc.jpg")
    (content / "lien-ket").mkdir()
    (content / "lien-ket" / "dich.md").symlink_to(
        "../2019/hoi-khuyen-hoc-da-nang-trao-doi-kinh-nghiem.md")
    (content / "2019" / "anh.md").write_text(
        "---\ntitle: Bài có ảnh bìa\ndate: 2019-05-02 08:00\ncategory: Tin tức\n"
        "image: images/anh-bia.jpg\n---\nXem [bài kia](../lien-ket/dich.md).\n",
        encoding="utf-8")
    settings = {"TINHOI_SNAPSHOT": snapshot_on, "ARTICLE_EXCLUDES": ["lien-ket"],
                "PAGE_EXCLUDES": ["lien-ket"]}
    tinhoi_build(content, tmp_path / "site", **settings)
    page = tmp_path / "site" / "2019" / "bai-co-anh-bia" / "index.html"
    before = page.read_text(encoding="utf-8")
    assert "heo-dat-khuyen-hoc" in before and "hoi-khuyen-hoc-da-nang" in before
    (images / "anh-bia.jpg").unlink()
    (images / "anh-bia.jpg").symlink_to("hoc-truc-tuyen.jpg")
    (content / "lien-ket" / "dich.md").unlink()
    (content / "lien-ket" / "dich.md").symlink_to(
        "../2019/ky-ket-phoi-hop-voi-so-giao-duc-va-dao-tao.md")
    reads.clear()
    after_site = snapshot(tinhoi_build(content, tmp_path / "site", **settings))
    after = page.read_text(encoding="utf-8")
    assert "hoc-truc-tuyen" in after and "heo-dat-khuyen-hoc" not in after
    assert "ky-ket-phoi-hop-hoi-khuyen-hoc-va-so-giao-duc-2019" in after
    if snapshot_on:
        assert reads == ["2019/anh.md"]  # the others still come from the snapshot
    shutil.copytree(content, tmp_path / "copy", symlinks=True)
    reference = snapshot(tinhoi_build(
        tmp_path / "copy", tmp_path / "plain",
        **{**settings, "TINHOI_CONTENT_CACHE": False, "TINHOI_SNAPSHOT": False,
           "RENDER_CACHE": False}))
    assert_same_site(reference, after_site)
