"""plugins/render/memo.py: what the memo tells the processes rendering later pages."""

import pytest
from render.memo import RenderMemo

TITLE = ("Article:/site/content/a.md", ("title",))
DATE = ("Article:/site/content/a.md", ("date",))


def test_only_reads_made_in_this_build_are_recalled(tmp_path, monkeypatch):
    import render.memo

    monkeypatch.setattr(render.memo, "INDEX_ALL_AFTER", 1)  # index every read at once
    memo = RenderMemo(str(tmp_path / "memo.pickle"), "fingerprint")
    # Reads of the last build, as loaded from the saved memo.
    memo.reads = [("g", TITLE, "/", b"old title"), ("g", DATE, "/", b"old date")]
    assert memo.recall(TITLE, "/") is None

    page = tmp_path / "p.html"
    page.write_text("p")
    memo.record("p.html", "article.html", [("g", TITLE, b"new title")], b"bytes", "/", page)
    assert memo.recall(TITLE, "/") == b"new title"
    # Read last build but not yet in this one: its value may have changed since.
    assert memo.recall(DATE, "/") is None
    # Another scope (links relative to another page) is another read.
    assert memo.recall(TITLE, "/tags/") is None

    memo.record("q.html", "article.html", [("g", DATE, b"old date")], b"bytes", "/", page)
    assert memo.recall(DATE, "/") == b"old date"
    assert memo.reads[memo.pages["q.html"][2][0]] == ("g", DATE, "/", b"old date")
    # The old title stays for the pages of the last build that still refer to it.
    assert ("g", TITLE, "/", b"old title") in memo.reads


def test_a_read_is_recalled_in_each_scope_it_was_made_in(tmp_path, monkeypatch):
    """With relative URLs the scope changes with a page's depth: a read made at two
    depths is recalled at each, with its own digest, whichever was made last."""
    import render.memo

    monkeypatch.setattr(render.memo, "INDEX_ALL_AFTER", 1)
    memo = RenderMemo(str(tmp_path / "memo.pickle"), "fingerprint")
    page = tmp_path / "p.html"
    page.write_text("p")
    memo.record("p.html", "article.html", [("g", TITLE, b"shallow")], b"bytes", "..", page)
    memo.record("q.html", "tag.html", [("g", TITLE, b"deep")], b"bytes", "../..", page)
    assert memo.recall(TITLE, "..") == b"shallow"
    assert memo.recall(TITLE, "../..") == b"deep"
    assert memo.recall(TITLE, "../../..") is None


class _Env:
    def getattr(self, obj, name):
        return getattr(obj, name)


def test_the_stale_check_reads_each_article_in_each_scope_for_itself(tmp_path):
    """The stale check keeps the digests of one article's attributes while it checks
    that article's reads in one scope: another article, or the same one in another scope
    (its links relative to another page), is read anew."""
    from render.fingerprint import Fingerprinter, combine_attributes

    context = {"localsiteurl": "/s1"}

    class Story:
        def __init__(self, title):
            self.title = title

        @property
        def link(self):  # as Pelican's content: relative to the page it is shown on
            return f"{context['localsiteurl']}/{self.title}"

    digest = Fingerprinter().digest

    def read(*values):
        return combine_attributes([digest(value) for value in values])

    first, second = Story("a"), Story("b")
    memo = RenderMemo(str(tmp_path / "memo.pickle"), None)
    memo.context, memo.contents = context, {"A": first, "B": second}
    memo.reads = [
        ("g", ("B", ("link", "title")), "/s2", read("/s2/b", "b")),
        ("g", ("A", ("title",)), "/s1", read("a")),
        ("g", ("A", ("link", "title")), "/s1", read("/s1/a", "a")),
        ("g", ("B", ("title",)), "/s1", read("b")),
        ("g", ("A", ("link",)), "/s2", read("/s2/a")),
        ("g", ("B", ("link",)), "/s1", read("/s1/b")),
    ]
    in_order = sorted(range(len(memo.reads)),
                      key=lambda i: (repr(memo.reads[i][2]), memo.reads[i][1][0]))
    assert memo._stale_among(_Env(), in_order) == set()
    first.title = "a2"
    assert memo._stale_among(_Env(), in_order) == {1, 2, 4}


def test_an_edit_finds_a_page_reads_among_its_last_ones(tmp_path):
    """Few pages rendered again: no index of every read (8 MiB at 5,000 articles), the
    page's last reads and this build's new ones are enough not to store a read twice."""
    memo = RenderMemo(str(tmp_path / "memo.pickle"), "fingerprint")
    memo.reads = [("g", TITLE, "/", b"title"), ("g", DATE, "/", b"old date")]
    page = tmp_path / "p.html"
    page.write_text("p")
    memo.pages["p.html"] = ("article.html", ((), b""), [0, 1], b"bytes")
    memo.pages["q.html"] = ("article.html", ((), b""), [0, 1], b"bytes")
    memo.record("p.html", "article.html", [("g", TITLE, b"title"), ("g", DATE, b"new date")],
                b"bytes", "/", page)
    memo.record("q.html", "article.html", [("g", TITLE, b"title"), ("g", DATE, b"new date")],
                b"bytes", "/", page)
    assert memo._read_ids is None
    assert memo.reads == [("g", TITLE, "/", b"title"), ("g", DATE, "/", b"old date"),
                          ("g", DATE, "/", b"new date")]
    assert list(memo.pages["p.html"][2]) == list(memo.pages["q.html"][2]) == [0, 2]


def test_a_cold_build_finds_each_read_among_the_reads_of_its_key():
    """A cold build looks every read up in the index of every read: a read of a key
    whose latest read is another (another value, another scope) is found among the
    key's other reads, never stored twice."""
    other = ("Article:/site/content/b.md", ("title",))
    whole = "Article:/site/content/b.md"
    pages = [  # (name, reads, scope): shared reads, a changed value, another scope, a whole
        ("p.html", [("n", "SITENAME", b"s"), ("g", TITLE, b"t1"), ("g", DATE, b"d1")], "/"),
        ("q.html", [("g", TITLE, b"t1"), ("g", other, b"o"), ("w", whole, b"w1")], "/"),
        ("r.html", [("g", TITLE, b"t2"), ("g", DATE, b"d1")], "/"),
        ("s.html", [("g", TITLE, b"t1"), ("g", DATE, b"d1"), ("w", whole, b"w1")], "/tags/"),
        ("t.html", [("g", TITLE, b"t1"), ("w", whole, b"w1"), ("g", other, b"o")], "/"),
    ]
    memo = RenderMemo("/nonexistent/memo.pickle", "fingerprint")
    for name, reads, scope in pages:
        memo.record(name, "article.html", reads, b"bytes", scope, "/nonexistent/page.html")
    assert memo.reads == [
        ("g", TITLE, "/", b"t1"), ("g", DATE, "/", b"d1"), ("g", other, "/", b"o"),
        ("w", whole, "/", b"w1"), ("g", TITLE, "/", b"t2"), ("g", TITLE, "/tags/", b"t1"),
        ("g", DATE, "/tags/", b"d1"), ("w", whole, "/tags/", b"w1")]
    ids = {name: list(page[2]) for name, page in memo.pages.items()}
    assert ids == {"p.html": [0, 1], "q.html": [0, 2, 3], "r.html": [4, 1],
                   "s.html": [5, 6, 7], "t.html": [0, 3, 2]}


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing_beside_it(tmp_path):
    from render.files import write_atomically

    path = tmp_path / "memo-abc.pickle"
    write_atomically(str(path), lambda stream: stream.write(b"cu"))

    def fails(stream):
        stream.write(b"mot nua")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_atomically(str(path), fails)
    assert path.read_bytes() == b"cu"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memo-abc.pickle"]


def test_a_page_is_reused_only_in_the_scope_its_reads_were_made_in(tmp_path):
    """An article's body gives links relative to the site's localsiteurl: a page
    rendered with another one (left by another page before it, as Pelican's period
    archives are) may show other links from the same reads, and is not reused."""
    memo = RenderMemo(str(tmp_path / "memo.pickle"), "fingerprint")
    page = tmp_path / "p.html"
    page.write_text("p")
    memo.record("p.html", "period_archives.html", [("g", TITLE, b"title")], b"bytes", "..",
                page)
    memo._states_now, memo._stale = {}, set()  # every read the same (tested above)

    class Template:
        name, environment = "period_archives.html", None

    assert memo.reusable("p.html", Template, "..") == b"bytes"
    assert memo.reusable("p.html", Template, "../..") is None


def test_a_memo_whose_kept_calls_are_malformed_is_a_cold_start(tmp_path, caplog):
    """A memo that unpickles but whose calls are not (names, keys, digest) is reported
    and read as no memo, not used (nor a traceback later)."""
    import pickle

    path = tmp_path / "memo.pickle"
    with open(path, "wb") as handle:
        for part in ({"fingerprint": "fp", "page_chunks": 1, "read_chunks": 0},
                     {"p.html": ("article.html", ((), b""), [], b"bytes")}, {}, {},
                     {b"call": "not a call"}):
            pickle.dump(part, handle)
    memo = RenderMemo(str(path), "fp")
    assert memo.pages == {} and memo.calls == {}
    assert "hỏng" in caplog.text
