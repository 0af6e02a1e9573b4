"""Reading an old article into blocks: plain text as copied from a page, or saved HTML.

A :class:`Block` is one unit of the body as the old site showed it: a line of
text (``line``, classified later), a paragraph, a list item, a heading, a photo or
a photo caption.  Both readers keep the source line of every block, so the import
report can say where something it could not place came from.
"""

import os
import re
import unicodedata
from dataclasses import dataclass, field

SPACES = re.compile(r"[\s\u200b\ufeff]+")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
BULLET = re.compile(r"^(?:[·•●▪◦■□➢➤►▸\-–—*+]|\d{1,2}[.)])\s*(?=\S)")


@dataclass
class Block:
    """One piece of the old article's body."""

    kind: str  # line, para, item, heading, image, caption, quote
    text: str = ""
    line: int = 0
    gap: int = 0  # blank lines before it (plain text only)
    src: str = ""  # image: the photo's address as written in the page
    alt: str = ""
    local: str = ""  # image: the photo file beside a saved page, when there is one
    md: str = ""  # the text as Markdown when the page had bold or italic ("" : escape text)
    marks: list = field(default_factory=list)  # notes for the editor


def clean(text):
    """NFC text with every run of spaces (no-break spaces too) made one space."""
    text = unicodedata.normalize("NFC", text)
    return SPACES.sub(" ", text).strip()


def read_text(text):
    """Blocks of a plain-text copy: one ``line`` block per non-empty line."""
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff"))
    blocks, gap = [], 0
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = clean(raw)
        if not line:
            gap += 1
            continue
        blocks.append(Block("line", line, number, gap))
        gap = 0
    return blocks


# -- saved HTML pages ------------------------------------------------------------

DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form",
             "iframe", "button", "select", "svg", "template")
CONTAINER_HINT = re.compile(r"(?i)(article|content|detail|news|post|entry|body|noidung|chitiet)")
CHROME_HINT = re.compile(r"(?i)(menu|sidebar|related|other|comment|share|social|banner|breadcrumb"
                         r"|footer|header|tin-?khac|lienquan|quang-?cao|advert)")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
BLOCK_TAGS = {"p", "div", "li", "blockquote", "figure", "figcaption", "table", "tr", "td", "th",
              "ul", "ol", "section", "article", "main", "center", "dl", "dt", "dd", "pre",
              *HEADINGS}


@dataclass
class PageHints:
    """What the page's markup says outright (before any guessing from the text)."""

    title: str = ""
    date: str = ""
    author: str = ""
    section: str = ""
    dropped: list = field(default_factory=list)  # (line, text) of the page's chrome


def read_html(data, source_dir):
    """``(blocks, hints)`` of a saved HTML page (bytes or text)."""
    import lxml.html

    if isinstance(data, bytes):
        document = lxml.html.document_fromstring(data)
    else:
        document = lxml.html.document_fromstring(data.encode("utf-8"),
                                                 parser=lxml.html.HTMLParser(encoding="utf-8"))
    hints = _hints(document)
    for element in list(document.iter(*DROP_TAGS)):
        _drop(element, hints)
    for element in list(document.iter()):
        if isinstance(element.tag, str) and CHROME_HINT.search(
                f"{element.get('class', '')} {element.get('id', '')}") and element.getparent() \
                is not None and element.tag != "body":
            _drop(element, hints)
    root = _main_container(document)
    blocks = []
    _walk(root, blocks, source_dir)
    # The page's own <h1> is usually inside the article: it is the title, not the body.
    if hints.title and blocks and blocks[0].kind == "heading" and \
            clean(blocks[0].text).casefold() == hints.title.casefold():
        blocks[0].kind = "line"
    return blocks, hints


def _drop(element, hints):
    """Remove a piece of the page's frame, remembering its text for the report."""
    if element.getparent() is None:
        return
    if element.tag not in ("script", "style", "noscript", "template", "svg"):
        text = clean(" ".join(element.itertext()))
        if text:
            hints.dropped.append((element.sourceline or 0,
                                  text if len(text) <= 80 else text[:77] + "…"))
    element.drop_tree()


def _hints(document):
    hints = PageHints()
    h1 = document.find(".//h1")
    meta = {(m.get("property") or m.get("name") or "").lower(): m.get("content") or ""
            for m in document.iter("meta")}
    if h1 is not None and clean(h1.text_content()):
        hints.title = clean(h1.text_content())
    elif meta.get("og:title"):
        hints.title = clean(meta["og:title"])
    else:
        title = document.find(".//title")
        if title is not None:
            hints.title = re.split(r"\s+[|–—-]\s+", clean(title.text_content()))[0]
    for name in ("article:published_time", "pubdate", "publishdate", "date", "dc.date"):
        if meta.get(name):
            hints.date = meta[name]
            break
    else:
        time = document.find(".//time[@datetime]")
        if time is not None:
            hints.date = time.get("datetime")
    hints.author = clean(meta.get("author", ""))
    return hints


def _main_container(document):
    """The element holding the article: <article>, else the densest content-like block."""
    body = document.find("body")
    body = body if body is not None else document
    article = body.find(".//article")
    if article is not None and len(clean(article.text_content())) > 200:
        return article
    best, best_score = body, 0
    for element in body.iter("div", "section", "td", "main"):
        hint = f"{element.get('class', '')} {element.get('id', '')}"
        paragraphs = element.findall(".//p")
        score = sum(len(clean(p.text_content())) for p in paragraphs)
        if CONTAINER_HINT.search(hint):
            score *= 1.5
        if score > best_score:
            best, best_score = element, score
    # A container with a title just above it: keep the heading by taking the parent.
    if best is not body and best.getparent() is not None and \
            best.getparent().find(".//h1") is not None:
        best = best.getparent()
    return best


def _walk(element, blocks, source_dir):
    tag = element.tag if isinstance(element.tag, str) else ""
    line = element.sourceline or 0
    if tag == "img":
        blocks.append(Block("image", line=line, src=element.get("src", ""),
                            alt=clean(element.get("alt", "")),
                            local=_local_file(element.get("src", ""), source_dir)))
        return
    if tag in HEADINGS:
        text = clean(element.text_content())
        if text:
            blocks.append(Block("heading", text, line))
        return
    if tag in ("figcaption", "caption"):
        text = clean(element.text_content())
        if text:
            blocks.append(Block("caption", text, line))
        return
    if tag == "li":
        text = clean(_inline(element, markdown=False))
        if text:
            blocks.append(Block("item", text, line, md=_inline(element)))
        for child in element:
            if child.tag in ("ul", "ol"):
                _walk(child, blocks, source_dir)
        return
    if tag == "blockquote" and not any(c.tag in BLOCK_TAGS for c in element):
        text = clean(_inline(element, markdown=False))
        if text:
            blocks.append(Block("quote", text, line, md=_inline(element)))
        return
    has_blocks = any(isinstance(c.tag, str) and (c.tag in BLOCK_TAGS or c.tag == "img"
                                                 or c.tag == "br") for c in element)
    if tag in ("p", "td", "th", "dd", "dt", "pre") or not has_blocks:
        _paragraphs(element, blocks, source_dir, line)
        return
    if element.text and clean(element.text):
        blocks.append(Block("line", clean(element.text), line))
    for child in element:
        _walk(child, blocks, source_dir)
        if child.tail and clean(child.tail):
            blocks.append(Block("line", clean(child.tail), child.sourceline or line))


def _paragraphs(element, blocks, source_dir, line):
    """A paragraph-like element: its text split at <br>, its photos kept in place."""
    for image in element.iter("img"):
        _walk(image, blocks, source_dir)
    plain = _inline(element, keep_breaks=True, markdown=False).split("\n")
    marked = _inline(element, keep_breaks=True).split("\n")
    for text, md in zip(plain, marked, strict=True):
        if text.strip():
            kind = "para" if element.tag == "p" else "line"
            blocks.append(Block(kind, text.strip(), line, md=md.strip()))


def _inline(element, keep_breaks=False, markdown=True):
    """The text of ``element``; with ``markdown``, escaped and with bold and italic kept."""
    escape = _escape if markdown else str
    parts = [escape(element.text or "")]
    for child in element:
        if not isinstance(child.tag, str):
            parts.append(escape(child.tail or ""))
            continue
        if child.tag == "br":
            parts.append("\n" if keep_breaks else " ")
        elif child.tag in ("ul", "ol", "img"):
            pass
        else:
            inner = _inline(child, keep_breaks, markdown)
            if markdown and child.tag in ("strong", "b") and inner.strip():
                inner = f"**{inner.strip()}**"
            elif markdown and child.tag in ("em", "i") and inner.strip():
                inner = f"*{inner.strip()}*"
            parts.append(inner)
        parts.append(escape(child.tail or ""))
    text = "".join(parts)
    lines = [clean(piece) for piece in text.split("\n")]
    return "\n".join(lines) if keep_breaks else clean(" ".join(lines))


def _escape(text):
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _local_file(src, source_dir):
    """The photo file a saved page ("Save page as… complete") keeps beside itself."""
    if not src or re.match(r"^[a-z][a-z0-9+.-]*:|^//", src, re.IGNORECASE):
        return ""
    from urllib.parse import unquote

    path = os.path.normpath(os.path.join(source_dir, unquote(src.split("?")[0].split("#")[0])))
    return path if os.path.isfile(path) else ""
