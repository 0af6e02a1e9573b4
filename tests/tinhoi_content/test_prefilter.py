"""Markdown's prefiltered expressions: never a different answer, never different HTML."""

import random
import re
import sys

import markdown
import pytest
import tinhoi_content.reader as reader_module
from tinhoi_content.prefilter import (
    NEEDLES,
    Prefiltered,
    needles_of,
)
from tinhoi_content.reader import TinhoiReader

from tests.conftest import FIXTURES, ROOT, pelican_settings

sys.path.insert(0, str(ROOT / "bench"))
from gen_corpus import article as corpus_article  # noqa: E402

# Characters Markdown's syntax is made of, with letters of Vietnamese text between them.
ALPHABET = list("`\\[]^!<>&#*_:{}-=\"'()./@;|~+") + [" ", " ", " ", "\n", "\n"] + \
    list("aZk19đĐăơ") + ["http://", "amp", "Hội", "  \n"]

# A text each listed expression matches (the needles are not a claim about nothing).
MATCHED = [
    "`mã`", "\\\\`", "\\*", "[^1]", "[liên kết]", "![ảnh]", "<http://a.vn>", "<hoi@a.vn>",
    "dòng  \nsau", "&amp;", "*nghiêng*", "_gạch_", "# Tiêu đề", "---", "* * *", "___",
    ": định nghĩa", "> trích dẫn", "[^1]: chú thích", "*[HĐND]: Hội đồng nhân dân",
    "[ref]: http://a.vn \"Tên\"", "## Tiêu đề {: #id }", "đoạn\n{: .lop }", "<b>",
    "<!-- chú thích -->", "Tiêu đề\n=====", "Tiêu đề\n---",
]


def listed_expressions():
    """Every expression of ``NEEDLES``."""
    return [re.compile(source, flags) for source, flags in NEEDLES]


def random_texts(rng, count):
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 24)))
            for _ in range(count)]


@pytest.mark.parametrize("expression", listed_expressions(), ids=lambda e: e.pattern[:30])
def test_a_text_without_the_needles_is_never_matched(expression):
    """The claim each wrapped expression rests on: a text holding none of its needles is
    matched nowhere.  Random texts of Markdown's own characters, and the matched
    examples with their needles taken out."""
    needles = needles_of(expression)
    assert needles, "listed, so it has needles"
    rng = random.Random(2026)
    texts = random_texts(rng, 6000)
    for example in MATCHED:
        for needle in needles:
            texts.append(example.replace(needle, ""))
    without = [text for text in texts if not any(needle in text for needle in needles)]
    assert len(without) > 1000
    for text in without:
        assert expression.search(text) is None, (expression.pattern, text)
    # ... while the expression does match texts that hold them: the claim is not empty.
    assert any(expression.search(text) for text in MATCHED + texts), expression.pattern


def test_the_wrapped_expression_answers_as_re_does():
    expression = re.compile(r"(^|\n)[ ]{0,3}>[ ]?(.*)")
    wrapped = Prefiltered(expression, (">",))
    for text in ["không có", "> có", "a\n  > hai", "", "x>y"]:
        for pos in (0, 1):
            assert repr(wrapped.search(text, pos)) == repr(expression.search(text, pos))
            assert repr(wrapped.match(text, pos)) == repr(expression.match(text, pos))
            assert [m.span() for m in wrapped.finditer(text, pos)] == \
                [m.span() for m in expression.finditer(text, pos)]
    assert wrapped.pattern == expression.pattern and wrapped.groups == expression.groups


def test_an_expression_not_listed_is_left_alone():
    assert needles_of(re.compile(r"(^|\n)[ ]{0,3}>[ ]?(.*)", re.MULTILINE)) is None  # flags
    assert needles_of(re.compile(r"(^|\n)[ ]{0,4}>[ ]?(.*)")) is None
    assert needles_of(re.compile(r"(<(a)|b>)")) is None


def reader_markdown(prefilter):
    settings = pelican_settings(FIXTURES / "basic" / "content", "/tmp/unused",
                                TINHOI_MARKDOWN_PREFILTER=prefilter)
    return TinhoiReader(settings, cache=None)._markdown


def wrapped(md):
    return sum(isinstance(getattr(processor, name, None), Prefiltered)
               for processor in [*md.parser.blockprocessors, *md.inlinePatterns,
                                 *md.treeprocessors]
               for name in ("RE", "SEARCH_RE", "compiled_re", "HEADER_RE", "BLOCK_RE"))


# The table lists Markdown 3.11's expressions; another release's are left unwrapped (the
# same HTML, only slower).
LISTED_RELEASE = pytest.mark.skipif(not markdown.__version__.startswith("3.11"),
                                    reason="Markdown's expressions are not those listed")


@LISTED_RELEASE
def test_the_reader_prefilters_markdowns_expressions():
    # Every block quote, heading, reference, link, emphasis… expression.
    assert wrapped(reader_markdown(True)) >= 20


def test_turned_off_the_reader_leaves_markdown_untouched():
    assert wrapped(reader_markdown(False)) == 0
    # Turned on, the class's own expression is untouched (other Markdown objects).
    reader_markdown(True)
    assert not isinstance(markdown.blockprocessors.BlockQuoteProcessor.RE, Prefiltered)


RICH = """\
# Tiêu đề {: #dau }

Hội Khuyến học *quận* **Cầu Giấy** và _Đống Đa_ ký kết `chương trình` [phối hợp][pp],
xem [trang](http://a.vn "Tên") và ![ảnh](anh.jpg){: .rong } hoặc <http://hoi.vn>,
<hoi@a.vn>, &copy; &#169; a & b, 2 < 3 > 1, \\*không nghiêng\\*, dòng\x20\x20
sau ngắt dòng.[^1] HĐND đã dự.

[pp]: http://a.vn/pp "Chương trình"
[^1]: Chú thích *có* [liên kết](http://b.vn).
*[HĐND]: Hội đồng nhân dân

> Trích dẫn
> > lồng nhau với `mã`

Thuật ngữ
:   Định nghĩa một
:   Định nghĩa hai

---
* * *

| Cột | Giá trị |
| --- | ------: |
| `a|b` | 1 |

```python
print("*không* [xử lý]")
```

~~~
<b>khối</b>
~~~

1. một
2. hai
    * con {: .x }

Đoạn cuối
{: .lop }

Tiêu đề Setext
==============

<div markdown="1">*trong* HTML</div>

<!-- chú thích -->
***đậm nghiêng*** __đậm__ ___ba___ *a **b** c* ``hai `dấu` huyền``
"""


def documents():
    yield RICH
    for path in sorted((FIXTURES).glob("*/content/**/*.md")):
        yield path.read_text(encoding="utf-8")
    for index in range(60):  # the benchmark's articles: lists, links, photos, events
        yield corpus_article(random.Random(index), index, ["anh.jpg"])[1]
    rng = random.Random(11)
    for _ in range(300):  # fragments of every construct, shuffled together
        lines = RICH.splitlines()
        yield "\n".join(rng.choice(lines) for _ in range(rng.randint(1, 12)))


def test_prefiltered_markdown_gives_the_same_html():
    stock, prefiltered = reader_markdown(False), reader_markdown(True)
    count = 0
    for text in documents():
        stock.reset()
        prefiltered.reset()
        assert prefiltered.convert(text) == stock.convert(text), text
        count += 1
    assert count > 300


@LISTED_RELEASE
def test_prefilter_skips_the_matching_of_blocks_that_cannot_match(monkeypatch):
    """The point of it: a paragraph of plain text is not searched for a block quote."""
    md = reader_markdown(True)
    searched = []
    quote = md.parser.blockprocessors["quote"].RE
    original = quote.pattern_object

    class Spy:
        def search(self, *args):
            searched.append(args[0])
            return original.search(*args)

        def __getattr__(self, name):
            return getattr(original, name)

    monkeypatch.setattr(quote, "pattern_object", Spy())
    md.convert("Hội Khuyến học quận Cầu Giấy.\n\nĐoạn hai.\n\n> Trích dẫn")
    assert searched and set(searched) == {"> Trích dẫn"}



def inline_texts_tried(md, monkeypatch):
    """The texts ``md``'s inline patterns are tried on (each time the first is)."""
    tried = []
    first = md.inlinePatterns[0]
    expression = first.compiled_re
    original = expression.pattern_object if isinstance(expression, Prefiltered) else expression

    class Spy:
        def finditer(self, text, *args):
            tried.append(text)
            return original.finditer(text, *args)

        def __getattr__(self, name):
            return getattr(original, name)

    if isinstance(expression, Prefiltered):
        # Every text reaching the patterns: the spy stands where the wrapper looks.
        monkeypatch.setattr(expression, "needles", ("",))
        monkeypatch.setattr(expression, "pattern_object", Spy())
    return tried


@LISTED_RELEASE
def test_texts_no_inline_pattern_can_match_are_not_tried_on_any(monkeypatch):
    """A paragraph of plain prose goes through no inline pattern at all (fifteen tries
    each otherwise); a text holding a pattern's needle goes through them all."""
    md = reader_markdown(True)
    tried = inline_texts_tried(md, monkeypatch)
    html = md.convert("Hội Khuyến học quận Cầu Giấy trao 90 suất học bổng.\n\n"
                      "Đoạn có *nhấn mạnh* và [liên kết](/a/).")
    assert "<em>nhấn mạnh</em>" in html and '<a href="/a/">liên kết</a>' in html
    assert tried and not any("Cầu Giấy" in text for text in tried)
    assert any("nhấn mạnh" in text for text in tried)


def test_a_pattern_added_later_turns_the_skipping_off(monkeypatch):
    """An inline pattern registered after the reader made its Markdown (one that is not
    prefiltered: its needles are unknown) is tried on every text again."""
    md = reader_markdown(True)
    md.inlinePatterns.register(
        markdown.inlinepatterns.SimpleTagInlineProcessor(r"()~~(.+?)~~", "del"), "del", 1)
    assert "<del>gạch</del>" in md.convert("Chữ ~~gạch~~ bỏ.")


def test_a_reader_makes_its_markdown_only_for_a_file_to_convert(monkeypatch):
    """Pelican makes a reader of each kind for every generator (18 a build); only the
    first of a process and those that convert a file pay for a Markdown instance, and
    convert as before."""
    made = []
    original = markdown.Markdown.__init__

    def counting(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(markdown.Markdown, "__init__", counting)
    monkeypatch.setattr(reader_module, "_CHECKED_OPTIONS", set())  # a new process
    settings = pelican_settings(FIXTURES / "basic" / "content", "/tmp/unused")
    readers = [TinhoiReader(settings, cache=None) for _ in range(3)]
    # The first one made its own at once (a broken extension stops the build there).
    assert len(made) == 1 and readers[0]._markdown is made[0]
    assert wrapped(made[0]) >= 1  # prefiltered
    assert readers[1]._convert("*Đà Nẵng*") == "<p><em>Đà Nẵng</em></p>"
    assert len(made) == 2 and readers[1]._markdown is made[1]
    assert readers[2]._markdown_instance is None
