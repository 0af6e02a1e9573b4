"""From the blocks of an old page to an article: title, date, author, body, leftovers.

Everything guessed carries a note for the editor (shown as ``# KIỂM TRA: …`` in the
front-matter); everything dropped or left over is listed, so the import report can
say exactly what did not find a place.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from .blocks import BULLET, Block, clean

END_OF_ARTICLE = re.compile(
    r"(?i)^(các tin khác|tin khác|các bài khác|bài viết khác|tin liên quan|các tin liên quan"
    r"|tin cùng chuyên mục|xem thêm các tin|bài cùng chuyên mục)\s*:?$")
COPYRIGHT = re.compile(r"(?i)^(\(c\)|©|bản quyền|copyright|giấy phép|ghi rõ nguồn|"
                       r"chịu trách nhiệm (nội dung|xuất bản)|thiết kế bởi|powered by)")
COUNTER = re.compile(r"(?i)\s*\|?\s*(view count|lượt xem|số lần xem|lượt đọc|đã xem)\s*:?\s*"
                     r"[\d.,]+\s*\|?")
POSTED = re.compile(r"(?i)^(ngày đăng|đăng ngày|ngày cập nhật|cập nhật( lúc)?|ngày|đăng lúc)"
                    r"\s*:?\s*(?P<date>\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4})"
                    r"(?:\s*[|,-]?\s*(?:lúc\s*)?(?P<hour>\d{1,2})\s*[:hg]\s*(?P<minute>\d{2})?)?"
                    r"[\s|]*$")
AUTHOR = re.compile(r"(?i)^(tác giả bài viết|tác giả|người viết|bài và ảnh|tin và ảnh|tin, ảnh"
                    r"|tin/ảnh|bài, ảnh)\s*:\s*(?P<name>.+)$")
SOURCE = re.compile(r"(?i)^nguồn\s*:\s*(?P<name>.+)$")
BUTTONS = re.compile(r"(?i)^(in bài( viết)?|gửi bài( viết)?|chia sẻ|bình luận|trở về|quay lại|"
                     r"xem thêm|đầu trang|lên đầu trang|bản in|gửi email|tweet|like|share)"
                     r"(\s*[|/]\s*\S.*)?$")
CRUMBS = re.compile(r"(?i)^trang chủ\s*[»>/|›]")
BODY_DATE = re.compile(
    r"(?i)^(?:(?P<part>sáng|trưa|chiều|tối|đêm)\s+)?(?:hôm\s+)?(?:(?:thứ\s+\w+|chủ nhật)\s*,?\s*)?"
    r"(?:ngày\s+)?(?P<day>\d{1,2})\s*[/.-]\s*(?P<month>\d{1,2})\s*[/.-]\s*(?P<year>\d{4})")
ANY_DATE = re.compile(r"(?i)\b(?P<part>sáng|trưa|chiều|tối)?\s*ngày\s+(?P<day>\d{1,2})\s*/\s*"
                      r"(?P<month>\d{1,2})\s*/\s*(?P<year>\d{4})")
TIME_IN_TEXT = re.compile(r"(?i)\b(?:lúc|vào lúc|từ)\s+(?P<hour>\d{1,2})\s*(?:giờ|h|:)\s*"
                          r"(?P<minute>\d{2})?")
PERSON_START = re.compile(
    r"^(Bà|Ông|Đồng chí|Đ/c|Đ/C|Thầy|Cô|Em|Anh|Chị|PGS|GS|TS|ThS|Các|Đại biểu|Đại diện|Lãnh đạo"
    r"|Toàn cảnh|Quang cảnh|Ban|Hội|Lễ|Học sinh|Sinh viên|Tập thể)\b")
QUOTE_START = re.compile(r"^(…|\.{3}|“|\")")
CITED = re.compile(r"\((Trích|Theo)\b[^)]*\)\s*$")


@dataclass
class Imported:
    """An old article taken apart: the front-matter facts, the body, and the leftovers."""

    title: str = ""
    date: datetime | None = None
    has_time: bool = False
    author: str = ""
    section: str = ""
    body: list = field(default_factory=list)
    notes: dict = field(default_factory=dict)  # field name → note for the editor
    dropped: list = field(default_factory=list)  # (line, text): site chrome removed
    unplaced: list = field(default_factory=list)  # (line, text, why)
    event_day: tuple | None = None  # (day, month, year, part of day) found in the body


def analyse(blocks, hints=None, timezone="Asia/Ho_Chi_Minh"):
    """Turn ``blocks`` (and what the page's markup said, ``hints``) into :class:`Imported`."""
    result = Imported()
    blocks = _drop_chrome(blocks, result)
    blocks = _take_title(blocks, hints, result)
    _take_signature(blocks, result)
    body_text = " ".join(b.text for b in blocks)
    if result.title and _is_upper(result.title):
        result.title = recase(result.title, body_text)
        result.notes["title"] = "tiêu đề gốc viết CHỮ HOA, đã đổi chữ thường — kiểm tra chữ hoa"
    if hints and hints.author and not result.author:
        result.author = hints.author
    result.body = _classify(blocks)
    _take_dates(result, hints, timezone)
    return result


# -- site chrome, title, author ----------------------------------------------------

def _drop_chrome(blocks, result):
    kept = []
    for block in blocks:
        text = block.text
        if block.kind == "image":
            kept.append(block)
            continue
        if END_OF_ARTICLE.match(text):
            result.dropped.append((block.line, text + " (và mọi thứ sau đó)"))
            break
        counter = COUNTER.search(text)
        if counter:
            result.dropped.append((block.line, counter.group(0).strip(" |")))
            text = clean(COUNTER.sub(" ", text)).strip(" |")
            if not text:
                continue
            block.text = block.md = text
        posted = POSTED.match(text)
        if posted and not result.notes.get("posted"):
            result.notes["posted"] = text
            result.dropped.append((block.line, text))
            block.kind = "posted"
            kept.append(block)
            continue
        author = AUTHOR.match(text)
        if author:
            result.author = clean(author.group("name")).rstrip(".")
            result.dropped.append((block.line, text))
            continue
        source = SOURCE.match(text)
        if source and block is blocks[-1] or (source and len(text) < 80):
            result.author = result.author or clean(source.group("name")).rstrip(".")
            result.dropped.append((block.line, text))
            continue
        if COPYRIGHT.match(text) or BUTTONS.match(text) or CRUMBS.match(text) \
                or not re.search(r"\w", text):
            result.dropped.append((block.line, text))
            continue
        kept.append(block)
    return kept


def _take_title(blocks, hints, result):
    texts = [b for b in blocks[:8] if b.kind != "image"]
    posted = next((i for i, b in enumerate(texts) if b.kind == "posted"), None)
    title_blocks, before = [], []
    if hints and hints.title:
        match = next((b for b in texts if b.kind != "posted"
                      and clean(b.text).casefold() == hints.title.casefold()), None)
        result.title = hints.title
        if match is not None:
            title_blocks = [match]
            before = [b for b in texts[:texts.index(match)] if b.kind != "posted"]
    elif posted:
        title_blocks = [texts[posted - 1]]
        before = texts[:posted - 1]
    elif texts:
        title_blocks = [texts[0]]
        for block in texts[1:]:
            if block.gap or block.kind != "line" or not _is_upper(block.text) or \
                    not _is_upper(title_blocks[0].text):
                break
            title_blocks.append(block)
    if title_blocks and not result.title:
        result.title = clean(" ".join(b.text for b in title_blocks))
    if before:
        result.section = clean(" / ".join(b.text for b in before))
        for block in before:
            result.unplaced.append((block.line, block.text,
                                    "tên mục trên trang cũ — dùng để chọn 'category' nếu cần"))
    gone = {id(b) for b in title_blocks + before}
    return [b for b in blocks if id(b) not in gone]


def _take_signature(blocks, result):
    """A short line in capitals closing the article signs it (``HỘI KHUYẾN HỌC QUẬN``)."""
    texts = [b for b in blocks if b.kind in ("line", "para")]
    if not texts:
        return
    last = texts[-1]
    if _is_upper(last.text) and len(last.text.split()) <= 10 and last is blocks[-1]:
        blocks.remove(last)
        name = recase(last.text, " ".join(b.text for b in blocks))
        if result.author:
            result.unplaced.append((last.line, last.text, "dòng ký tên cuối bài (đã có tác giả)"))
        else:
            result.author = name
            result.notes["author"] = f"lấy từ dòng ký tên cuối bài '{last.text}'"


# -- the body -----------------------------------------------------------------------

def _classify(blocks):
    body = []
    for block in blocks:
        if block.kind == "posted":
            continue
        if block.kind != "line" and block.kind != "para":
            body.append(block)
            continue
        bullet = BULLET.match(block.text)
        if bullet and not re.match(r"^\d{4}\b", block.text) and \
                not (block.text[0] in "-–—" and len(block.text) < 3):
            block.kind = "item"
            block.text = block.text[bullet.end():].strip()
            block.md = ""
        elif block.gap >= 2 and _looks_like_caption(block.text):
            block.kind = "caption"
            block.marks.append("chú thích một ảnh của trang cũ, ảnh không có trong bản chép — "
                               "chép ảnh vào content/images/ rồi chèn ảnh với chú thích này "
                               "(hướng dẫn biên tập, mục 7), hoặc xóa dòng chú thích")
        elif QUOTE_START.match(block.text) or CITED.search(block.text):
            block.kind = "quote"
        else:
            block.kind = "para"
        body.append(block)
    return _split_semicolon_lists(body)


def _looks_like_caption(text):
    if len(text) > 300 or text.endswith(":"):
        return False
    return len(sentences(text)) == 1 and (not text.endswith(".") or bool(PERSON_START.match(text)))


ABBREVIATIONS = ("TP.", "Q.", "P.", "TS.", "ThS.", "PGS.", "GS.", "BS.", "Đ/c.", "St.")


def sentences(text):
    """``text`` cut into sentences, not after abbreviations such as ``TP.``."""
    pieces, start = [], 0
    for match in re.finditer(r"[.!?…]+[”\"]?\s+(?=[A-ZĐÀ-Ỹ“\"])", text):
        word = text[:match.start() + 1].split()[-1] if text[:match.start() + 1].split() else ""
        if word in ABBREVIATIONS:
            continue
        pieces.append(text[start:match.end()].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def _split_semicolon_lists(body):
    """A run of tasks joined by ';' right after a line ending with ':' is a list."""
    result = []
    for index, block in enumerate(body):
        previous = body[index - 1] if index else None
        parts = [p.strip() for p in block.text.split(";")]
        parts = [p for p in parts if p]
        if (block.kind == "para" and previous is not None and previous.text.endswith(":")
                and len(parts) >= 3 and all(p[0].isupper() or p[0] in "“\"" for p in parts)):
            for number, part in enumerate(parts):
                item = Block("item", part.rstrip(".") + ("." if number == len(parts) - 1 else ";"),
                             block.line)
                result.append(item)
            result[-len(parts)].marks.append(
                f"danh sách {len(parts)} mục tách từ một đoạn nối bằng dấu ';' — kiểm tra")
            continue
        result.append(block)
    return result


# -- dates --------------------------------------------------------------------------

def _take_dates(result, hints, timezone):
    tz = ZoneInfo(timezone)
    posted = POSTED.match(result.notes.pop("posted", "") or "")
    paragraphs = [b for b in result.body if b.kind in ("para", "item")]
    event = None
    for block in paragraphs[:4]:
        match = BODY_DATE.match(block.text)
        if match:
            event = match
            break
    if event is None:
        for block in paragraphs[:4]:
            for match in ANY_DATE.finditer(block.text):
                if "(" not in block.text[:match.start()].split(")")[-1]:
                    event = match
                    break
            if event:
                break
    if event:
        result.event_day = (int(event.group("day")), int(event.group("month")),
                            int(event.group("year")), (event.group("part") or "").lower())
    if posted:
        day, month, year = (int(x) for x in re.split(r"\s*[/.-]\s*", posted.group("date")))
        hour, minute = posted.group("hour"), posted.group("minute")
        result.has_time = hour is not None
        result.date = _make(tz, year, month, day, int(hour or 0), int(minute or 0), result,
                            "ngày giờ đăng lấy từ dòng 'Ngày đăng' của trang cũ")
        return
    if hints and hints.date:
        parsed = _iso(hints.date, tz)
        if parsed:
            result.date, result.has_time = parsed, "T" in hints.date or ":" in hints.date
            result.notes["date"] = "ngày giờ đăng lấy từ thẻ meta của trang cũ"
            return
    if result.event_day:
        day, month, year, part = result.event_day
        result.date = _make(tz, year, month, day, 0, 0, result,
                            f"trang cũ không ghi ngày đăng — lấy ngày sự kiện trong bài"
                            f"{' (' + part + ')' if part else ''}; thêm giờ đăng nếu biết")
    else:
        result.notes["date"] = "không tìm thấy ngày trong bài gốc — điền ngày đăng thật"


def _make(tz, year, month, day, hour, minute, result, note):
    try:
        moment = datetime(year, month, day, hour, minute, tzinfo=tz)
    except ValueError:
        result.notes["date"] = f"ngày {day}/{month}/{year} trong bài gốc không có thật — sửa lại"
        return None
    result.notes["date"] = note
    return moment


def _iso(text, tz):
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(tz) if moment.tzinfo else moment.replace(tzinfo=tz)


# -- capitals -------------------------------------------------------------------------

ACRONYMS = {"TP.", "TP", "UBND", "HĐND", "MTTQ", "TNCS", "HKH", "CLB", "THCS", "THPT", "TW",
            "HCM", "TT", "Q.", "BCH", "ĐH", "CĐ", "GD-ĐT", "GDĐT", "QĐ", "CT", "VN"}


def _is_upper(text):
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def recase(text, corpus):
    """``THƯỜNG TRỰC THÀNH ỦY`` → ``Thường trực Thành ủy``, using the casing of the body.

    The longest run of words also found in ``corpus`` (case-insensitively) takes the
    casing it has there most often; other words are lower-case, acronyms stay as
    they are, and the first letter is a capital.
    """
    words = text.split()
    corpus_words = corpus.split()
    folded = [_key(w) for w in corpus_words]
    out = []
    index = 0
    while index < len(words):
        for size in range(min(6, len(words) - index), 0, -1):
            wanted = [_key(w) for w in words[index:index + size]]
            found = {}
            for start in range(len(folded) - size + 1):
                if folded[start:start + size] == wanted:
                    candidate = tuple(corpus_words[start:start + size])
                    if start == 0 or corpus_words[start - 1].endswith((".", ":")):
                        continue  # a capital at the start of a sentence says nothing
                    found[candidate] = found.get(candidate, 0) + 1
            if found:
                best = max(sorted(found), key=lambda c: found[c])
                out.extend(_strip_punctuation_like(best, words[index:index + size]))
                index += size
                break
        else:
            word = words[index]
            out.append(word if word.strip(",;:()") in ACRONYMS else word.lower())
            index += 1
    result = " ".join(out)
    return result[:1].upper() + result[1:]


def _key(word):
    """A word for comparison: folded, without the punctuation around it."""
    core = word.strip(",;:()“”\"!?")
    if core not in ACRONYMS:
        core = core.rstrip(".")
    return core.casefold()


def _strip_punctuation_like(found, original):
    """Keep the original's punctuation around each word (the corpus may have a comma)."""
    words = []
    for corpus_word, word in zip(found, original, strict=True):
        core = corpus_word.strip(",;:()“”\"!?")
        if core not in ACRONYMS:
            core = core.rstrip(".")
        stripped = word.strip(",;:()“”\"!?")
        if stripped not in ACRONYMS:
            stripped = stripped.rstrip(".")
        lead = word[:word.index(stripped)] if stripped else ""
        tail = word[len(lead) + len(stripped):]
        words.append(lead + core + tail)
    return words
