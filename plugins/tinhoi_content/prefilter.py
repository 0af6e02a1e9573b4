"""Markdown's pattern searches answered at once for a text that cannot match.

Python-Markdown tries the regular expression of each block processor on every block,
and of each inline pattern on every text.  Many of them start with ``(^|\\n)`` or a
look-behind, which Python's ``re`` cannot scan for quickly: it attempts a match at
every character, and Vietnamese text, stored two bytes a character, has no fast path
there either.  In a cold single-process build of 300 articles, 18% of the instructions
were ``re`` matching, almost all of it Markdown's.

Every match of these expressions contains one of a few short strings (``>`` for a
block quote, ``#`` for a heading, ``[`` for a link…).  A text holding none of them is
answered "no match" by substring tests in C, which is what ``re`` would answer: the
HTML is the same, byte for byte (``tests/tinhoi_content/test_prefilter.py`` checks both
the claim for each expression and the HTML).

An expression is wrapped only when its source and flags are exactly those listed here
(Python-Markdown 3.x's): one that a new release changes is left as it is.

Setting: ``TINHOI_MARKDOWN_PREFILTER`` (``True``); ``False`` leaves Markdown untouched.
"""

import logging
import re

from markdown.treeprocessors import InlineProcessor

logger = logging.getLogger(__name__)

# (source, flags) of an expression → strings one of which is in every text it matches
# (a match, or a look-ahead, needs that character or sequence).
NEEDLES = {
    # inline patterns
    (r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)", re.DOTALL | re.UNICODE): ("`",),
    (r"\\(.)", re.DOTALL | re.UNICODE): ("\\",),
    (r"\[\^([^\]]*)\]", re.DOTALL | re.UNICODE): ("[^",),
    (r"(?<!\!)\[", re.DOTALL | re.UNICODE): ("[",),
    (r"\!\[", re.DOTALL | re.UNICODE): ("![",),
    (r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>", re.DOTALL | re.UNICODE): ("<",),
    (r"<([^<> !]+@[^@<> ]+)>", re.DOTALL | re.UNICODE): ("<",),
    (r"  \n", re.DOTALL | re.UNICODE): ("  \n",),
    (r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)", re.DOTALL | re.UNICODE): ("&",),
    (r"\*|_", re.DOTALL | re.UNICODE): ("*", "_"),
    # an HTML tag, comment, processing instruction or CDATA: every branch after ``(<(``
    (r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|"""
     r"""[^\s"'=<>]++))?+)*+\s*+/?|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|"""
     r"""!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)""", re.DOTALL | re.UNICODE): ("<",),
    # block processors
    (r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)",
     re.UNICODE): ("#",),
    (r"^[ ]{0,3}(?=(?P<atomicgroup>(-+[ ]{0,2}){3,}|(_+[ ]{0,2}){3,}|(\*+[ ]{0,2}){3,}))"
     r"(?P=atomicgroup)[ ]*$", re.MULTILINE | re.UNICODE): ("-", "_", "*"),
    (r"(^|\n)[ ]{0,3}:[ ]{1,3}(.*?)(\n|$)", re.UNICODE): (":",),
    (r"(^|\n)[ ]{0,3}>[ ]?(.*)", re.UNICODE): (">",),
    # a Setext heading: a line of ``=`` or ``-`` under the title (tried at the start of
    # every block, across its whole first line)
    (r"^.*?\n(?:=+|-+)[ ]*(\n|$)", re.MULTILINE | re.UNICODE): ("\n=", "\n-"),
    (r"^[ ]{0,3}\[\^([^\]]*)\]:[ ]*(.*)$", re.MULTILINE | re.UNICODE): ("[^",),
    (r"^[*]\[(?P<abbr>[^\\]*?)\][ ]?:[ ]*\n?[ ]*(?P<title>.*)$", re.MULTILINE | re.UNICODE):
        ("*[",),
    (r"^[ ]{0,3}\[([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?"
     r"(([" '"' r"\'])(.*)\4[ ]*|\((.*)\)[ ]*)?$", re.MULTILINE | re.UNICODE): ("]:",),
    (r"[ ]+\{\:?[ ]*([^\}\n ][^\n]*)\}[ ]*$", re.UNICODE): ("{",),
    (r"\n[ ]*\{\:?[ ]*([^\}\n ][^\n]*)\}[ ]*$", re.UNICODE): ("{",),
}
# Where Markdown's processors keep the expressions listed above.
PATTERN_ATTRIBUTES = ("RE", "SEARCH_RE", "compiled_re", "HEADER_RE", "BLOCK_RE")


def needles_of(pattern):
    """The strings one of which every text ``pattern`` matches holds, or ``None`` when
    ``pattern`` is not one of the listed expressions."""
    source, flags = getattr(pattern, "pattern", None), getattr(pattern, "flags", None)
    return NEEDLES.get((source, flags))


class Prefiltered:
    """A compiled expression answering ``search``, ``match``, ``fullmatch`` and
    ``finditer`` without ``re`` for a text holding none of ``needles``; every other
    attribute is the expression's own."""

    __slots__ = ("pattern_object", "needles")

    def __init__(self, pattern_object, needles):
        self.pattern_object, self.needles = pattern_object, needles

    def _hopeless(self, text):
        for needle in self.needles:
            if needle in text:
                return False
        return True

    def search(self, text, *args, **kwargs):
        """``re.Pattern.search``."""
        return None if self._hopeless(text) else self.pattern_object.search(text, *args, **kwargs)

    def match(self, text, *args, **kwargs):
        """``re.Pattern.match``."""
        return None if self._hopeless(text) else self.pattern_object.match(text, *args, **kwargs)

    def fullmatch(self, text, *args, **kwargs):
        """``re.Pattern.fullmatch``."""
        if self._hopeless(text):
            return None
        return self.pattern_object.fullmatch(text, *args, **kwargs)

    def finditer(self, text, *args, **kwargs):
        """``re.Pattern.finditer``."""
        if self._hopeless(text):
            return iter(())
        return self.pattern_object.finditer(text, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.pattern_object, name)


class PrefilteredInline(InlineProcessor):
    """Markdown's inline tree processor, handing back at once a text that holds none
    of the strings its inline patterns need (``_needles``, when every pattern is
    prefiltered; else ``None``).

    Markdown tries each of its fifteen inline patterns on every text of a document,
    one Python call or more each, although a paragraph of plain Vietnamese prose holds
    no ``*``, ``[``, ``<``, ``&``, back quote or back slash: the text comes back as it
    went in, which is what the patterns would give (none of them can match).  The
    check is per text, and so for the nested texts a pattern hands back too.
    """

    _needles = None
    _pattern_count = 0

    def _InlineProcessor__handleInline(self, data, patternIndex=0):  # noqa: N802, N803
        needles = self._needles
        if needles is not None and len(self.inlinePatterns) == self._pattern_count:
            for needle in needles:
                if needle in data:
                    break
            else:
                return data
        return InlineProcessor._InlineProcessor__handleInline(self, data, patternIndex)


def inline_needles(md):
    """The strings one of which any match of any of ``md``'s inline patterns holds, or
    ``None`` when one of the patterns is not prefiltered."""
    needles = set()
    for pattern in md.inlinePatterns:
        expression = getattr(pattern, "compiled_re", None)
        if not isinstance(expression, Prefiltered):
            return None
        needles.update(expression.needles)
    # A needle holding another is redundant ("![" holds "["): the shorter one suffices.
    return tuple(sorted(needle for needle in needles
                        if not any(other != needle and other in needle for other in needles)))


def _prefilter_inline_texts(md):
    """Make ``md``'s inline tree processor a :class:`PrefilteredInline`; return whether
    it could (its inline patterns all prefiltered, the processor Markdown's own)."""
    if "inline" not in md.treeprocessors:
        return False
    processor = md.treeprocessors["inline"]
    needles = inline_needles(md)
    if type(processor) is not InlineProcessor or needles is None:
        return False
    processor.__class__ = PrefilteredInline
    processor._needles, processor._pattern_count = needles, len(md.inlinePatterns)
    return True


def prefilter_markdown(md):
    """Wrap the listed expressions of ``md``'s block processors, inline patterns and
    tree processors in :class:`Prefiltered`, and let its inline tree processor skip the
    texts none of its patterns can match (:class:`PrefilteredInline`); return how many
    expressions were wrapped."""
    wrapped = 0
    processors = [*md.parser.blockprocessors, *md.inlinePatterns, *md.treeprocessors]
    for processor in processors:
        for attribute in PATTERN_ATTRIBUTES:
            pattern = getattr(processor, attribute, None)
            if pattern is None or isinstance(pattern, Prefiltered):
                continue
            needles = needles_of(pattern)
            if needles is not None:
                # On the instance: the class's expression (shared by every Markdown
                # object of the process) stays as it is.
                setattr(processor, attribute, Prefiltered(pattern, needles))
                wrapped += 1
    texts = _prefilter_inline_texts(md)
    logger.debug("tinhoi_content: %d Markdown expressions prefiltered%s", wrapped,
                 ", texts without a needle left as they are" if texts else "")
    return wrapped
