"""The article contract: what an editor may write in a front-matter, and what it means.

:func:`check_source` turns the text of one article into clean metadata (plain
Python values: strings, lists, aware datetimes, an ``event`` dict) and a list of
:class:`Problem` — every problem at once, each with its line.  It knows nothing
of Pelican's objects, so ``make check`` and the reader share it.
"""

import difflib
import os
import re
from dataclasses import dataclass, field

from .dates import DATE_FORMATS_HINT, DateError, parse_date, parse_time_on
from .frontmatter import FrontMatterError, normalise_text, split_document

ARTICLE_FIELDS = (
    "title", "date", "modified", "slug", "category", "tags", "summary", "author",
    "image", "image_caption", "image_alt", "status", "event",
)
PAGE_FIELDS = ("title", "slug", "summary", "date", "modified", "image", "image_caption",
               "image_alt", "status", "template")

EVENT_TYPES = ("meeting", "signing", "award")
EVENT_TYPE_ALIASES = {
    "làm việc": "meeting", "hội nghị": "meeting", "họp": "meeting", "buổi làm việc": "meeting",
    "ký kết": "signing", "ky ket": "signing",
    "khen thưởng": "award", "trao thưởng": "award", "học bổng": "award",
    "trao học bổng": "award",
}
COMMON_EVENT_FIELDS = ("type", "date", "end", "location", "organizer", "organizations",
                       "participants")
EVENT_FIELDS_BY_TYPE = {
    "meeting": COMMON_EVENT_FIELDS,
    "signing": COMMON_EVENT_FIELDS + ("parties", "programme", "period"),
    "award": COMMON_EVENT_FIELDS + ("award", "recipients", "value", "sponsor"),
}
ALL_EVENT_FIELDS = tuple(dict.fromkeys(f for fs in EVENT_FIELDS_BY_TYPE.values() for f in fs))
STATUSES = {"published": "published", "draft": "draft", "nháp": "draft",
            "hidden": "hidden", "ẩn": "hidden"}
PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif")
SOURCE_EXTENSIONS = (".md", ".markdown")

# ![alt](path "caption") — the Markdown image syntax editors use in a body.
BODY_PHOTO = re.compile(
    r"!\[(?P<alt>[^\]]*)\]\(\s*<?(?P<src>[^)\s>]+)>?"
    r"(?:\s+(?P<quote>[\"'])(?P<title>.*?)(?P=quote))?\s*\)"
)
# A URL with a scheme, a protocol-relative URL, or one of Pelican's {filename} links.
_NOT_A_PLAIN_PATH = re.compile(r"^[a-z][a-z0-9+.-]*:|^//|^\{", re.IGNORECASE)
# [text](path.md) — and images too, which the check skips.
BODY_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?(?P<href>[^)\s>]+)>?[^)]*\)")


@dataclass
class Problem:
    """One thing wrong with a content file.

    ``level`` is ``error`` (``make check`` fails, ``make publish`` refuses) or
    ``warning``; ``blocking`` errors keep the article out of the build.
    """

    path: str
    line: int
    message: str
    level: str = "error"
    blocking: bool = True

    def __str__(self):
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class CheckedSource:
    """The outcome of :func:`check_source`."""

    metadata: dict = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    problems: list = field(default_factory=list)
    # Every photo reference that resolved: (content-relative path, line), in order.
    photos: list = field(default_factory=list)
    # Every file whose existence the result depends on: {absolute path: existed}.
    probes: dict = field(default_factory=dict)

    @property
    def is_buildable(self):
        """Whether the article can go into a build (it has no blocking problem)."""
        return not any(p.blocking for p in self.problems)


class _Collector:
    """Gathers problems for one file so every check can go on after a failure."""

    def __init__(self, path):
        self.path = path
        self.problems = []

    def error(self, line, message, blocking=True):
        self.problems.append(Problem(self.path, line, message, "error", blocking))

    def warning(self, line, message):
        self.problems.append(Problem(self.path, line, message, "warning", False))


def check_source(text, source_path, content_root, *, is_page=False,
                 timezone="Asia/Ho_Chi_Minh", extra_fields=()):
    """Check one article (or page) and return its :class:`CheckedSource`.

    ``source_path`` is the file's path (used to resolve photos and in messages),
    ``content_root`` the ``content/`` folder photos must stay inside.
    """
    display = _display_path(source_path)
    report = _Collector(display)
    result = CheckedSource(problems=report.problems)
    try:
        document = split_document(normalise_text(text))
    except FrontMatterError as error:
        report.error(error.line, error.message)
        return result
    result.body, result.body_line = document.body, document.body_line
    fields = document.fields
    known = (PAGE_FIELDS if is_page else ARTICLE_FIELDS) + tuple(extra_fields)
    _warn_unknown(report, fields, known, "")
    meta = result.metadata
    context = _PhotoContext(source_path, content_root, report, result.photos, result.probes)

    _read_title(report, fields, meta, document.fields_line)
    _read_dates(report, fields, meta, document.fields_line, timezone, required=not is_page)
    _read_simple_texts(fields, meta)
    _read_slug(report, fields, meta)
    _read_status(report, fields, meta)
    _read_tags_and_authors(fields, meta)
    _read_lead_photo(report, fields, meta, context)
    if "event" in fields and not is_page:
        event = _read_event(report, fields["event"], meta.get("date"), timezone)
        if event:
            meta["event"] = event
    for name in extra_fields:
        if name in fields:
            meta[name] = fields[name].plain()
    _check_body_photos(report, result.body, result.body_line, context)
    _check_body_links(report, result.body, result.body_line, context)
    return result


def check_file(source_path, content_root, **options):
    """Read ``source_path`` and run :func:`check_source` on it."""
    try:
        with open(source_path, encoding="utf-8") as handle:
            text = handle.read()
    except UnicodeDecodeError as error:
        result = CheckedSource()
        result.problems.append(Problem(
            _display_path(source_path), 1,
            f"tệp không phải văn bản UTF-8 (byte lỗi ở vị trí {error.start}) — "
            "lưu lại tệp với bảng mã UTF-8"))
        return result
    return check_source(text, source_path, content_root, **options)


# -- fields -------------------------------------------------------------------

def _read_title(report, fields, meta, fields_line):
    title = _text(fields.get("title"))
    if not title:
        line = fields["title"].line if "title" in fields else fields_line
        report.error(line, "thiếu tiêu đề — cần trường 'title: Tiêu đề bài viết'")
    else:
        meta["title"] = title


def _read_dates(report, fields, meta, fields_line, timezone, required):
    if "date" not in fields or not _text(fields["date"]):
        if required:
            line = fields["date"].line if "date" in fields else fields_line
            report.error(line, f"thiếu ngày đăng — cần trường 'date:' dạng {DATE_FORMATS_HINT}")
    else:
        date = _date(report, fields["date"], timezone, "date")
        if date:
            meta["date"] = date
    if "modified" in fields and _text(fields["modified"]):
        modified = _date(report, fields["modified"], timezone, "modified")
        if modified and meta.get("date") and modified < meta["date"]:
            report.warning(fields["modified"].line,
                           "ngày sửa 'modified' trước ngày đăng — cần một ngày sau 'date'")
        if modified:
            meta["modified"] = modified


def _read_simple_texts(fields, meta):
    for name in ("category", "summary", "image_caption", "image_alt", "template"):
        value = _text(fields.get(name))
        if value:
            meta[name] = value


def _read_slug(report, fields, meta):
    slug = _text(fields.get("slug"))
    if not slug:
        return
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug):
        report.warning(fields["slug"].line,
                       f"slug '{slug}' có ký tự lạ — cần chữ thường không dấu, số và '-', "
                       "ví dụ 'trao-hoc-bong-2018'; đã tự chuyển đổi")
        slug = _fold_slug(slug)
    meta["slug"] = slug


def _read_status(report, fields, meta):
    status = _text(fields.get("status")).lower()
    if not status:
        return
    if status not in STATUSES:
        report.error(fields["status"].line,
                     f"trạng thái '{status}' không hợp lệ — cần 'published' hoặc 'draft'")
        return
    meta["status"] = STATUSES[status]


def _read_tags_and_authors(fields, meta):
    tags = _text_list(fields.get("tags"), split_commas=True)
    if tags:
        meta["tags"] = list(dict.fromkeys(tags))
    authors = _text_list(fields.get("author"), split_commas=False)
    if authors:
        meta["authors"] = authors


def _read_lead_photo(report, fields, meta, context):
    if "image" not in fields or not _text(fields["image"]):
        return
    photo = context.resolve(_text(fields["image"]), fields["image"].line)
    if photo:
        meta["image"] = photo
        if "image_alt" not in meta:
            report.warning(fields["image"].line,
                           "ảnh đại diện thiếu mô tả 'image_alt' — cần một câu tả ảnh "
                           "cho người khiếm thị")


# -- the event block ----------------------------------------------------------

def _read_event(report, field_, article_date, timezone):
    if not isinstance(field_.value, dict):
        report.error(field_.line, "'event' phải là một khối các trường con — ví dụ "
                                  "'event:' rồi dòng dưới thụt lề '  type: meeting'")
        return None
    fields = field_.value
    kind = _event_type(report, fields, field_.line)
    if kind is None:
        return None
    allowed = EVENT_FIELDS_BY_TYPE[kind]
    for name, value in fields.items():
        if name in allowed:
            continue
        if name in ALL_EVENT_FIELDS:
            owner = next(t for t in EVENT_TYPES if name in EVENT_FIELDS_BY_TYPE[t])
            report.warning(value.line, f"trường '{name}' chỉ dùng cho sự kiện loại "
                                       f"'{owner}', không dùng cho '{kind}' — bỏ trường này "
                                       "hoặc đổi 'type'")
        else:
            _warn_unknown(report, {name: value}, allowed, "event.")
    event = {"type": kind}
    _read_event_dates(report, fields, event, article_date, timezone, field_.line)
    for name in ("location", "organizer", "programme", "award", "sponsor"):
        if name in allowed and _text(fields.get(name)):
            event[name] = _text(fields[name])
    event["organizations"] = _text_list(fields.get("organizations"))
    event["participants"] = _people(report, fields.get("participants"), "role")
    if kind == "signing":
        _read_signing(report, fields, event, field_.line)
    elif kind == "award":
        _read_award(report, fields, event)
    return event


def _event_type(report, fields, line):
    if "type" not in fields or not _text(fields["type"]):
        report.error(line, "sự kiện thiếu loại — cần 'type: meeting', 'signing' hoặc 'award'")
        return None
    raw = _text(fields["type"]).lower()
    kind = raw if raw in EVENT_TYPES else EVENT_TYPE_ALIASES.get(raw)
    if kind is None:
        report.error(fields["type"].line,
                     f"loại sự kiện '{raw}' không có{_did_you_mean(raw, EVENT_TYPES)} — cần "
                     "'meeting' (làm việc, hội nghị), 'signing' (ký kết) "
                     "hoặc 'award' (khen thưởng, học bổng)")
    return kind


def _read_event_dates(report, fields, event, article_date, timezone, line):
    if "date" in fields and _text(fields["date"]):
        start = _date(report, fields["date"], timezone, "event.date")
        raw = _text(fields["date"])
        event["has_time"] = bool(re.search(r"\d[:h]\d|\d{1,2}h\b", raw))
    else:
        start = article_date
        event["has_time"] = False
    if start is None:
        return
    event["date"] = start
    if "end" in fields and _text(fields["end"]):
        raw = _text(fields["end"])
        end = parse_time_on(start, raw) or _date(report, fields["end"], timezone, "event.end")
        if end is not None and end < start:
            report.error(fields["end"].line,
                         f"giờ kết thúc '{raw}' trước lúc bắt đầu — cần 'end' sau 'date'")
        elif end is not None:
            event["end"] = end


def _read_signing(report, fields, event, line):
    parties = _text_list(fields.get("parties"))
    if len(parties) < 2:
        where = fields["parties"].line if "parties" in fields else line
        report.error(where, f"lễ ký kết cần ít nhất hai bên ký, hiện có {len(parties)} — "
                            "cần 'parties:' là danh sách từ hai đơn vị trở lên")
    event["parties"] = parties
    if "period" in fields:
        period = _period(report, fields["period"])
        if period:
            event["period"] = period


def _read_award(report, fields, event):
    if "recipients" in fields:
        recipients = fields["recipients"]
        count = _text(recipients) if not isinstance(recipients.value, list) else ""
        if isinstance(recipients.value, list):
            event["recipients"] = _people(report, recipients, "note")
            event["recipients_count"] = len(event["recipients"])
        elif re.fullmatch(r"\d+", count.replace(".", "")):
            event["recipients"] = []
            event["recipients_count"] = int(count.replace(".", ""))
        else:
            report.error(recipients.line,
                         f"'recipients' là '{count}' — cần một số (ví dụ 120) hoặc danh sách "
                         "'- {name: ..., note: ...}'")
    if "value" in fields and _text(fields["value"]):
        value = _money(report, fields["value"])
        if value is not None:
            event["value"] = value


def _period(report, field_):
    if isinstance(field_.value, dict):
        start, end = _text(field_.value.get("from")), _text(field_.value.get("to"))
    else:
        match = re.fullmatch(r"(\d{4})\s*[-–—/]\s*(\d{4})", _text(field_))
        start, end = match.groups() if match else ("", "")
    if not (re.fullmatch(r"\d{4}", start) and re.fullmatch(r"\d{4}", end)):
        report.error(field_.line, "giai đoạn 'period' không đọc được — cần dạng '2018–2020' "
                                  "hoặc '{from: 2018, to: 2020}'")
        return None
    if int(end) < int(start):
        report.error(field_.line, f"giai đoạn {start}–{end} kết thúc trước khi bắt đầu — "
                                  "cần năm đầu không sau năm cuối")
        return None
    return {"from": int(start), "to": int(end)}


def _money(report, field_):
    raw = _text(field_)
    cleaned = re.sub(r"(?i)\s*(đồng|vnđ|vnd|đ)\s*$", "", raw)
    cleaned = re.sub(r"[.,\s]", "", cleaned)
    if re.fullmatch(r"-\d+", cleaned):
        report.error(field_.line, f"giá trị giải thưởng '{raw}' là số âm — cần số tiền "
                                  "(đồng) không âm, ví dụ 'value: 1500000000'")
        return None
    if not re.fullmatch(r"\d+", cleaned):
        report.error(field_.line, f"giá trị giải thưởng '{raw}' không phải số tiền — cần số "
                                  "đồng, ví dụ 'value: 1500000000'")
        return None
    return int(cleaned)


def _people(report, field_, second):
    """A list of ``{name, <second>}`` from mappings or plain names."""
    if field_ is None:
        return []
    items = field_.value if isinstance(field_.value, list) else [field_]
    people = []
    for item in items:
        if isinstance(item.value, dict):
            name = _text(item.value.get("name"))
            if not name:
                report.error(item.line, f"thiếu tên người — cần '{{name: ..., {second}: ...}}'")
                continue
            people.append({"name": name, second: _text(item.value.get(second))})
        elif _text(item):
            people.append({"name": _text(item), second: ""})
    return people


# -- photos -------------------------------------------------------------------

class _PhotoContext:
    """Resolves photo references of one file against its folder and ``content/``."""

    def __init__(self, source_path, content_root, report, found, probes):
        self.source_dir = os.path.dirname(os.path.abspath(source_path))
        self.root = os.path.realpath(content_root)
        self.report = report
        self.found = found
        self.probes = probes

    def resolve(self, reference, line):
        """Return the content-relative path of ``reference``, or report why not."""
        problem, path = resolve_photo(reference, self.source_dir, self.root, self.probes)
        if problem:
            self.report.error(line, problem, blocking=False)
            return None
        self.found.append((path, line))
        return path


def found_at(path, real_path=os.path.realpath):
    """The real path of the file at ``path`` (links followed), or ``None`` when there is
    none: what a cached result depends on for a file it looked for.  The real path, not
    only whether a file is there: a link pointed at another photo or article leaves a
    file in place, and the result was made from the other one.  ``real_path``: how
    ``path`` is resolved (a content cache's, which resolves each folder once)."""
    real = real_path(path)
    return real if os.path.isfile(real) else None


def _exists(path, real, probes):
    """Whether a file is at ``path`` (whose real path, ``real``, the caller has worked
    out already), noted in ``probes`` as :func:`found_at` gives it."""
    found = real if os.path.isfile(real) else None
    if probes is not None:
        probes[path] = found
    return found is not None


def resolve_photo(reference, source_dir, content_root, probes=None):
    """Resolve a photo path as an editor wrote it.

    Returns ``(problem, None)`` or ``(None, path)`` with ``path`` relative to
    ``content_root`` in POSIX form.  A path is tried relative to the article's
    folder, then to ``content/``; it must stay inside ``content/``.  Every file
    looked for is noted in ``probes`` when given.
    """
    reference = reference.strip()
    if re.match(r"^[a-z][a-z0-9+.-]*:|^//", reference, re.IGNORECASE):
        return (f"ảnh '{reference}' lấy từ nơi khác — cần tệp ảnh đặt trong thư mục "
                "content/ (trang phải chạy được khi không có mạng)"), None
    root = os.path.realpath(content_root)
    relative = reference.lstrip("/")
    candidates = [os.path.join(root, relative)] if reference.startswith("/") else [
        os.path.join(source_dir, relative), os.path.join(root, relative)]
    for candidate in candidates:
        real = os.path.realpath(candidate)
        if os.path.commonpath([real, root]) != root:
            return (f"ảnh '{reference}' nằm ngoài thư mục content/ — cần đường dẫn tới "
                    "một ảnh bên trong content/, ví dụ 'images/anh.jpg'"), None
        if _exists(candidate, real, probes):
            if not real.lower().endswith(PHOTO_EXTENSIONS):
                return (f"'{reference}' không phải tệp ảnh — cần ảnh "
                        f"{', '.join(e[1:] for e in PHOTO_EXTENSIONS)}"), None
            return None, os.path.relpath(real, root).replace(os.sep, "/")
    return (f"không tìm thấy ảnh '{reference}' — cần đường dẫn tới một ảnh có thật, tính "
            "từ thư mục của bài viết hoặc từ content/, ví dụ 'images/anh.jpg'"), None


def resolve_content_link(reference, source_dir, content_root, probes=None):
    """The content-relative path of a link to another content file, or ``None``.

    Only plain relative (or ``/``-rooted) links to ``.md`` files inside ``content/``
    count; anything else is left to Markdown and Pelican as written.
    """
    path = reference.split("#", 1)[0]
    if not path.lower().endswith(SOURCE_EXTENSIONS) or _NOT_A_PLAIN_PATH.match(path):
        return None
    root = os.path.realpath(content_root)
    base = root if path.startswith("/") else source_dir
    candidate = os.path.join(base, path.lstrip("/"))
    real = os.path.realpath(candidate)
    if os.path.commonpath([real, root]) != root or not _exists(candidate, real, probes):
        return None
    return os.path.relpath(real, root).replace(os.sep, "/")


def _check_body_links(report, body, body_line, context):
    for number, match in _body_matches(BODY_LINK, body, body_line):
        target = match.group("href")
        path = target.split("#", 1)[0]
        if (match.group(0).startswith("!") or not path.lower().endswith(SOURCE_EXTENSIONS)
                or _NOT_A_PLAIN_PATH.match(path)):
            continue
        if resolve_content_link(target, context.source_dir, context.root,
                                context.probes) is None:
            report.warning(number, f"liên kết tới '{target}' không trỏ tới bài viết nào trong "
                                   "content/ — cần đường dẫn tới một tệp .md có thật, ví dụ "
                                   "'../2018/ky-ket.md'")


def _body_matches(pattern, body, body_line):
    """``(line number, match)`` for ``pattern`` (a photo or a link: every match holds
    ``](``) in the body, outside fenced code."""
    if "](" not in body:  # most bodies: no line to split and search
        return
    in_fence = False
    for offset, line in enumerate(body.split("\n")):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if in_fence:
            continue
        for match in pattern.finditer(line):
            yield body_line + offset, match


def _check_body_photos(report, body, body_line, context):
    for number, match in _body_matches(BODY_PHOTO, body, body_line):
        context.resolve(match.group("src"), number)
        if not match.group("alt").strip():
            report.warning(number, f"ảnh '{match.group('src')}' thiếu mô tả — cần "
                                   "![mô tả ảnh](đường/dẫn.jpg \"chú thích\")")


# -- small helpers -------------------------------------------------------------

def _text(field_):
    """The field as one clean string ('' when absent or not text)."""
    if field_ is None or isinstance(field_.value, (list, dict)):
        return ""
    return " ".join(field_.value.split())


def _text_list(field_, split_commas=False):
    if field_ is None:
        return []
    items = field_.value if isinstance(field_.value, list) else [field_]
    values = []
    for item in items:
        text = _text(item)
        parts = text.split(",") if split_commas else [text]
        values.extend(p.strip() for p in parts if p.strip())
    return values


def _date(report, field_, timezone, name):
    try:
        return parse_date(_text(field_), timezone)
    except DateError as error:
        report.error(field_.line, f"'{name}': {error}")
        return None


def _warn_unknown(report, fields, known, prefix):
    for name, value in fields.items():
        if name not in known:
            report.warning(value.line, f"trường lạ '{prefix}{name}'"
                                       f"{_did_you_mean(name, known)} — trường này bị bỏ qua; "
                                       f"các trường dùng được: {', '.join(known)}")


def _did_you_mean(word, choices):
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (có phải '{close[0]}'?)" if close else ""


def _fold_slug(text):
    from pelican.utils import slugify

    return slugify(text, regex_subs=[(r"[^\w\s-]", ""), (r"(?u)\A\s*", ""),
                                     (r"(?u)\s*\Z", ""), (r"[-\s]+", "-")])


def _display_path(path):
    relative = os.path.relpath(path)
    return relative if not relative.startswith("..") else path
