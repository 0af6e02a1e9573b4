"""``make import SRC=…``: old articles (plain text or saved HTML pages) into Markdown articles.

Each source becomes ``content/<year>/<slug>.md`` with a front-matter: title, date and
time, author, category, tags, summary and a guessed ``event`` (type, organiser,
organisations, place, people; parties, programme and period for a signing; count
and value for an award).  Every guess is marked ``# KIỂM TRA: …`` (in the body:
``[//]: # (KIỂM TRA: …)``, which Markdown does not show) with the words it came
from.  Imported articles are drafts (``status: draft``) unless ``--publish``.

An import never overwrites a file: an article whose file exists is skipped and
reported.  The report lists, for each source, the site chrome it dropped and the
lines it could not place, and any problem ``make check`` would find.
"""

import hashlib
import os
import shutil
from datetime import datetime
from zoneinfo import ZoneInfo

from pelican.utils import slugify

from . import guess as guessing
from .article import analyse
from .blocks import read_html, read_text
from .render import CHECK, field_line, list_lines, people_lines, render_body

SOURCE_EXTENSIONS = (".txt", ".text", ".html", ".htm")
MAX_SLUG = 90


class ImportResult:
    """What happened to one source file."""

    def __init__(self, source):
        self.source = source
        self.path = None
        self.text = ""
        self.skipped = ""
        self.checks = 0
        self.dropped = []
        self.unplaced = []
        self.problems = []


def sources_in(paths):
    """Every importable file in ``paths`` (files, or folders searched in name order)."""
    found = []
    for path in paths:
        if os.path.isdir(path):
            for folder, subfolders, files in os.walk(path):
                subfolders.sort()
                found.extend(os.path.join(folder, f) for f in sorted(files)
                             if f.lower().endswith(SOURCE_EXTENSIONS) and not f.startswith("."))
        else:
            found.append(path)
    return found


def convert(source, settings, publish=False):
    """Read ``source`` and return ``(ImportResult, images)``: the article text, not written.

    ``images`` is a list of ``(photo file beside the page, content-relative path)``
    to copy when the article is written.
    """
    result = ImportResult(source)
    timezone = settings.get("TIMEZONE", "Asia/Ho_Chi_Minh")
    with open(source, "rb") as handle:
        data = handle.read()
    if source.lower().endswith((".html", ".htm")):
        blocks, hints = read_html(data, os.path.dirname(os.path.abspath(source)))
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            result.skipped = (f"tệp không phải văn bản UTF-8 (byte lỗi ở vị trí {error.start})"
                              " — lưu lại tệp với bảng mã UTF-8 rồi nhập lại")
            return result, []
        blocks, hints = read_text(text), None
    article = analyse(blocks, hints, timezone)
    if not article.title:
        result.skipped = "không tìm thấy tiêu đề bài — tệp trống hoặc không phải một bài tin"
        return result, []
    result.dropped = (hints.dropped if hints else []) + article.dropped
    result.unplaced = article.unplaced
    paragraphs = [b.text for b in article.body if b.kind == "para"]
    items = [b.text for b in article.body if b.kind == "item"]
    captions = [b.text for b in article.body if b.kind == "caption"]
    event = guessing.guess_event(article.title, paragraphs, items, captions)
    now = datetime.now(ZoneInfo(timezone))
    date = article.date or now.replace(second=0, microsecond=0)
    slug = _slug(article.title, settings)
    relative = f"{date:%Y}/{slug}.md"
    images, image_paths = [], {}
    for number, block in enumerate((b for b in article.body if b.kind == "image" and b.local), 1):
        extension = os.path.splitext(block.local)[1].lower() or ".jpg"
        path = f"images/{slug}-{number}{extension}"
        images.append((block.local, path))
        image_paths[id(block)] = path
    front = _front_matter(article, event, date, slug, publish, source)
    body = render_body(article.body, image_paths)
    result.text = f"---\n{front}\n---\n{body}"
    result.path = relative
    result.checks = result.text.count(CHECK)
    return result, images


def _slug(title, settings):
    slug = slugify(title, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0]
    return slug or "bai-nhap-khau"


def _front_matter(article, event, date, slug, publish, source):
    lines = [
        f"# Nhập từ '{os.path.basename(source)}'. Các dòng có '# {CHECK}' là phần máy đoán:",
        "# xem lại, sửa nếu sai, rồi xóa ghi chú. Xong thì đổi 'status: draft' thành "
        "'status: published'.",
        field_line("title", article.title, article.notes.get("title", "")),
        field_line("date", date.strftime("%d/%m/%Y %H:%M" if article.has_time else "%d/%m/%Y"),
                   article.notes.get("date", "")),
        field_line("slug", slug),
        field_line("status", "published" if publish else "draft"),
    ]
    section = f"; mục trên trang cũ: '{article.section}'" if article.section else ""
    lines.append(field_line("category", guessing.category_for(event.kind),
                            f"đoán theo loại bài{section}"))
    text = " ".join(b.text for b in article.body)
    lines += list_lines("tags", guessing.tags_for(event.kind, f"{article.title} {text}"),
                        "các thẻ chuẩn có trong bài — thêm một thẻ địa phương")
    summary = guessing.summary_for([b.text for b in article.body if b.kind == "para"])
    lines.append(field_line("summary", summary, "câu đầu của bài — viết gọn lại nếu cần"
                            if summary else "viết một hai câu tóm tắt"))
    lines.append(field_line("author", article.author, article.notes.get("author", "")))
    if event.kind:
        lines += _event_lines(article, event, date)
    return "\n".join(lines)


def _event_lines(article, event, date):
    notes = event.notes
    lines = [f"event:  # {CHECK}: bài về một sự kiện? đoán là '{event.kind}' vì {event.reason}"
             " — không phải thì xóa cả khối 'event'",
             field_line("type", event.kind, indent="  ")]
    if article.event_day:
        day, month, year, part = article.event_day
        same_day = (day, month, year) == (date.day, date.month, date.year)
        when = f"{day:02d}/{month:02d}/{year}"
        note = f"ngày trong bài{' (buổi ' + part + ')' if part else ''} — thêm giờ nếu biết, " \
               "ví dụ '" + when + " 08:00'"
        lines.append(field_line("date", "" if same_day and not part else when, note,
                                indent="  "))
    lines.append(field_line("end", "", indent="  "))
    lines.append(field_line("location", event.location, notes.get("location", ""), "  "))
    lines.append(field_line("organizer", event.organizer, notes.get("organizer", ""), "  "))
    lines += list_lines("organizations", event.organizations, notes.get("organizations", ""),
                        "  ")
    lines += people_lines("participants", event.participants, "role",
                          notes.get("participants", ""), "  ")
    if event.kind == "signing":
        lines += list_lines("parties", event.parties, notes.get("parties", ""), "  ")
        lines.append(field_line("programme", event.programme, notes.get("programme", ""), "  "))
        if event.period:
            lines.append(field_line("period", event.period, notes.get("period", ""), "  "))
        else:
            lines.append("  # period: 2018–2020  # giai đoạn thực hiện, nếu có")
    elif event.kind == "award":
        lines.append(field_line("award", article.title, "tên học bổng, giải thưởng — viết gọn",
                                "  "))
        if event.recipients is not None:
            lines.append(field_line("recipients", str(event.recipients),
                                    notes.get("recipients", ""), "  "))
        else:
            lines.append("  # recipients: 150  # số người nhận, hoặc danh sách {name, note}")
        lines.append(field_line("value", "" if event.value is None else str(event.value),
                                notes.get("value", ""), "  "))
        lines.append(field_line("sponsor", event.sponsor, notes.get("sponsor", ""), "  "))
    return lines


def write(result, images, content_root):
    """Write the article (and copy its photos) without ever replacing a file."""
    target = os.path.join(content_root, result.path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    try:
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(result.text)
    except FileExistsError:
        result.skipped = (f"đã có tệp {os.path.relpath(target)} — không ghi đè; xóa hoặc đổi tên "
                          "tệp đó nếu muốn nhập lại")
        return False
    for source, relative in images:
        _copy_photo(source, os.path.join(content_root, relative), result)
    return True


def _copy_photo(source, target, result):
    if os.path.exists(target):
        if _digest(source) != _digest(target):
            result.unplaced.append((0, os.path.basename(source),
                                    f"ảnh không chép được: đã có tệp khác tên {target}"))
        return
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copyfile(source, target)


def _digest(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def import_sources(paths, settings, publish=False, out=print):
    """Import every source in ``paths`` into ``settings['PATH']``; return the exit status."""
    from tinhoi_content.contract import check_file

    content_root = settings["PATH"]
    sources = sources_in(paths)
    if not sources:
        out("Không có tệp nào để nhập — cần SRC là tệp .txt/.html hoặc thư mục chứa chúng.")
        return 1
    written = 0
    for source in sources:
        if not os.path.isfile(source):
            out(f"{source}: không tìm thấy tệp")
            continue
        result, images = convert(source, settings, publish)
        if not result.skipped and write(result, images, content_root):
            written += 1
            checked = check_file(os.path.join(content_root, result.path), content_root,
                                 timezone=settings.get("TIMEZONE", "Asia/Ho_Chi_Minh"))
            result.problems = [p for p in checked.problems if p.level == "error"]
        _report(result, content_root, out)
    skipped = len(sources) - written
    out(f"Đã nhập {written}/{len(sources)} bài"
        + (f"; {skipped} tệp không nhập được (xem ở trên)." if skipped else ".")
        + (" Chạy 'make check' sau khi sửa các chỗ KIỂM TRA." if written else ""))
    return 0 if not skipped else 1


def _report(result, content_root, out):
    if result.skipped:
        out(f"{result.source}: KHÔNG NHẬP — {result.skipped}")
        return
    target = os.path.relpath(os.path.join(content_root, result.path))
    out(f"{result.source} → {target}: {result.checks} chỗ cần {CHECK}")
    for line, text in result.dropped:
        out(f"  đã bỏ (phần của trang cũ) dòng {line}: {text}")
    for line, text, why in result.unplaced:
        where = f"dòng {line}" if line else "ảnh"
        out(f"  chưa đặt được {where}: {text} — {why}")
    for problem in result.problems:
        out(f"  {problem.path}:{problem.line}: [lỗi] {problem.message}")
