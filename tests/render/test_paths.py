"""plugins/render/paths.py: each file's path relative to PATH, worked out once a build."""

import os

import pytest
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from render import paths


@pytest.fixture
def remembered(monkeypatch):
    """The plugin's method in place, with the paths it works out counted."""
    calls = []
    original = paths._work_out
    monkeypatch.setattr(paths, "_work_out",
                        lambda self, source_path, *args: calls.append(source_path)
                        or original(self, source_path, *args))
    monkeypatch.setattr(Article, "get_relative_source_path", paths.get_relative_source_path)
    paths.forget_relative_paths()
    yield calls
    paths.forget_relative_paths()


def _article(source, root):
    return Article("<p>Thân bài</p>", metadata={"title": "Ký kết"},
                   settings={**DEFAULT_CONFIG, "PATH": root}, source_path=source)


@pytest.mark.parametrize("source", ["/site/content/2019/ky-ket.md", "2019/ky-ket.md",
                                    "/site/content/../khac/bai.md", "/elsewhere/bai.md"])
def test_the_answer_is_pelicans_and_worked_out_once(remembered, source):
    article = _article(source, "/site/content")  # Pelican asks once on making it
    assert len(remembered) == 1
    expected = paths._pelican_get_relative_source_path(article)
    remembered.clear()
    assert article.get_relative_source_path() == expected
    assert _article(source, "/site/content").get_relative_source_path() == expected
    assert remembered == []  # not worked out again, for it or another object of the file
    other = "/site/content/anh/lop-hoc.jpg"
    assert article.get_relative_source_path(other) == "anh/lop-hoc.jpg"
    assert _article(source, "/other/content").get_relative_source_path() == \
        paths._pelican_get_relative_source_path(_article(source, "/other/content"))


@pytest.mark.parametrize("source", [
    "/site/content/2019/ky-ket.md", "/site/content/a/./b.md", "/site/content/a//b.md",
    "/site/content/../content/c.md", "/site/content", "/site/content/", "/site/contents/d.md",
    "/site/content/Đà Nẵng/hội.md", "/site/content/x/..", "e.md", "/site/content/f/"])
@pytest.mark.parametrize("root", ["/site/content", "/site/content/", "/site/./content", "/"])
def test_a_path_cut_at_the_folder_is_pelicans_answer(source, root):
    """The short way (a normal absolute path inside the folder) and Pelican's give the
    same answer for every kind of path and folder."""
    settings = {**DEFAULT_CONFIG, "PATH": root}
    article = Article("<p>Thân bài</p>", metadata={"title": "Ký kết"}, settings=settings,
                      source_path=source)
    path = source or article.source_path
    assert paths._work_out(article, None, path, root) == \
        paths._pelican_get_relative_source_path(article)


def test_a_relative_content_folder_is_worked_out_from_the_working_folder(remembered, tmp_path,
                                                                          monkeypatch):
    (tmp_path / "a" / "content").mkdir(parents=True)
    (tmp_path / "b").mkdir()
    article = _article(str(tmp_path / "a" / "content" / "bai.md"), "content")
    monkeypatch.chdir(tmp_path / "a")
    assert article.get_relative_source_path() == "bai.md"
    monkeypatch.chdir(tmp_path / "b")
    assert article.get_relative_source_path() == os.path.relpath(
        tmp_path / "a" / "content" / "bai.md", tmp_path / "b" / "content").replace(os.sep, "/")


def test_an_object_without_a_file_or_a_content_folder_gets_pelicans_answer(remembered):
    """No source path (a page made by a plugin) or no ``PATH`` setting: Pelican's own
    answer (or its error), nothing remembered."""
    settings = {**DEFAULT_CONFIG, "PATH": "/site/content"}
    unsourced = Article("<p>Thân bài</p>", metadata={"title": "Trang"}, settings=settings)
    assert unsourced.get_relative_source_path() is None
    assert unsourced.get_relative_source_path("/site/content/a.md") == "a.md"
    rootless = _article("/site/content/a.md", "/site/content")
    del rootless.settings["PATH"]
    with pytest.raises(KeyError):
        rootless.get_relative_source_path()
    assert all(key[1] == "/site/content" for key in paths._known)
