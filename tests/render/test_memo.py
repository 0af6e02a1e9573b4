"""plugins/render/memo.py: what the memo tells the processes rendering later pages."""

from render.memo import RenderMemo

TITLE = ("Article:/site/content/a.md", "title")
DATE = ("Article:/site/content/a.md", "date")


def test_only_reads_made_in_this_build_are_recalled(tmp_path):
    memo = RenderMemo(str(tmp_path / "memo.pickle"), "fingerprint")
    # Reads of the last build, as loaded from the saved memo.
    memo.reads = [("a", TITLE, "/", b"old title"), ("a", DATE, "/", b"old date")]
    assert memo.recall(TITLE, "/") is None

    page = tmp_path / "p.html"
    page.write_text("p")
    memo.record("p.html", "article.html", [("a", TITLE, b"new title")], b"bytes", "/", page)
    assert memo.recall(TITLE, "/") == b"new title"
    # Read last build but not yet in this one: its value may have changed since.
    assert memo.recall(DATE, "/") is None
    # Another scope (links relative to another page) is another read.
    assert memo.recall(TITLE, "/tags/") is None

    memo.record("q.html", "article.html", [("a", DATE, b"old date")], b"bytes", "/", page)
    assert memo.recall(DATE, "/") == b"old date"
    assert memo.reads[memo.pages["q.html"][2][0]] == ("a", DATE, "/", b"old date")
    # The old title stays for the pages of the last build that still refer to it.
    assert ("a", TITLE, "/", b"old title") in memo.reads
