"""Checks of photo files for ``make check`` and for the build.

``photo_problem(absolute_path, settings)`` decodes the whole file (at a small
scale, so a camera photo takes a few milliseconds) and returns a Vietnamese
message "what is wrong — what is expected", or ``None`` for a usable photo.
``gallery_problems`` checks a ``gallery`` front-matter list the same way and
finds the line of each entry in the article's source; ``article_problems``
checks every photo of one article (for ``make check``).
"""

import os
import re
from urllib.parse import unquote

from .process import PhotoError, open_photo, unreadable
from .settings import get

# Decode JPEGs at 1/8 scale: every byte is still read, so truncation shows.
_CHECK_OPTIONS = {"jpeg_draft": True, "widths": [1], "og_size": None}


def photo_problem(absolute_path, settings):
    """Why the file at ``absolute_path`` cannot be a photo, or ``None`` if it can.

    The message names the file relative to ``content/`` ("ảnh 'images/x.jpg' …")
    and says what is wrong — what is expected.
    """
    name = _name(absolute_path, settings)
    try:
        with open(absolute_path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return (f"không tìm thấy ảnh '{name}' — cần đường dẫn tới một ảnh có thật trong "
                "content/, ví dụ 'images/anh.jpg'")
    except OSError as error:
        return f"ảnh '{name}' không đọc được ({error.strerror}) — cần một tệp ảnh đọc được"
    try:
        image, _pixels = open_photo(data, get(settings, "IMAGES_MAX_PIXELS"), _CHECK_OPTIONS)
        image.close()
    except PhotoError as error:
        return f"ảnh '{name}' {error}"
    except Exception as error:  # noqa: BLE001 — any decoder failure is a content problem
        return f"ảnh '{name}' {unreadable(error)}"
    return None


def _name(path, settings):
    root = os.path.realpath(settings.get("PATH", "content"))
    real = os.path.realpath(path)
    if os.path.commonpath([real, root]) == root:
        return os.path.relpath(real, root).replace(os.sep, "/")
    return os.path.basename(path)


def gallery_entries(gallery):
    """Normalise a ``gallery`` value into ``[{"src", "alt", "caption"}]`` plus problems.

    Each entry is a path, or a mapping with ``src`` (or ``image``), ``alt`` and
    ``caption``.  Returns ``(entries, problems)``; a problem is ``(index, message)``.
    """
    if gallery in (None, "", []):
        return [], []
    items = gallery if isinstance(gallery, list) else [gallery]
    entries, problems = [], []
    for index, item in enumerate(items):
        if isinstance(item, str):
            item = {"src": item}
        if not isinstance(item, dict) or not str(item.get("src") or item.get("image") or ""):
            problems.append((index, "mục thư viện ảnh không đọc được — cần '- images/anh.jpg' "
                                    "hoặc '- {src: images/anh.jpg, alt: mô tả, caption: chú "
                                    "thích}'"))
            continue
        entries.append({
            "index": index,
            "src": " ".join(str(item.get("src") or item.get("image")).split()),
            "alt": " ".join(str(item.get("alt") or "").split()),
            "caption": " ".join(str(item.get("caption") or "").split()),
        })
    return entries, problems


def resolve(reference, source_dir, content_root):
    """``(problem, content_relative_path)`` for a photo path written by an editor.

    Tried relative to the article's folder, then to ``content/``; it must stay
    inside ``content/``.
    """
    reference = reference.strip()
    if "://" in reference or reference.startswith("//"):
        return (f"ảnh '{reference}' lấy từ nơi khác — cần tệp ảnh đặt trong thư mục "
                "content/"), None
    root = os.path.realpath(content_root)
    relative = reference.lstrip("/")
    candidates = [os.path.join(root, relative)]
    if not reference.startswith("/"):
        candidates.insert(0, os.path.join(source_dir, relative))
    for candidate in candidates:
        real = os.path.realpath(candidate)
        if os.path.commonpath([real, root]) != root:
            return (f"ảnh '{reference}' nằm ngoài thư mục content/ — cần đường dẫn tới một ảnh "
                    "bên trong content/, ví dụ 'images/anh.jpg'"), None
        if os.path.isfile(real):
            return None, os.path.relpath(real, root).replace(os.sep, "/")
    return (f"không tìm thấy ảnh '{reference}' — cần đường dẫn tới một ảnh có thật, tính từ "
            "thư mục của bài viết hoặc từ content/, ví dụ 'images/anh.jpg'"), None


def find_line(source_path, reference, field=None):
    """The 1-based line of ``source_path`` that names ``reference`` (1 if none does).

    With ``field`` (``image``, ``gallery``) lines of that front-matter field win;
    without it, lines of the body that show a photo (``![`` or ``<img``) win.
    """
    try:
        with open(source_path, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
    except (OSError, UnicodeDecodeError):
        return 1
    for name in (reference, os.path.basename(reference.rstrip("/"))):
        hits = [n for n, line in enumerate(lines, 1) if name and name in line]
        if field:
            preferred = [n for n in hits if lines[n - 1].lstrip().startswith(field + ":")]
            preferred = preferred or _below_field(lines, field, hits)
        else:
            preferred = [n for n in hits if "![" in lines[n - 1] or "<img" in lines[n - 1]]
        if preferred or hits:
            return (preferred or hits)[0]
    return 1


def _below_field(lines, field, hits):
    """The hits that sit inside a block list under ``field:``."""
    start = next((n for n, line in enumerate(lines, 1) if line.startswith(field + ":")), None)
    if start is None:
        return []
    return [n for n in hits if n > start]


def gallery_problems(source_path, gallery, settings):
    """Every problem of a ``gallery`` front-matter list as ``(line, level, message)``.

    ``level`` is ``"error"`` (the photo is left out) or ``"warning"`` (no alt text).
    """
    content_root = settings["PATH"]
    source_dir = os.path.dirname(os.path.abspath(source_path))
    entries, bad = gallery_entries(gallery)
    found = [(find_line(source_path, "gallery", field="gallery"), "error", message)
             for _index, message in bad]
    for entry in entries:
        line = find_line(source_path, entry["src"], field="gallery")
        problem, path = resolve(entry["src"], source_dir, content_root)
        if problem is None:
            problem = photo_problem(os.path.join(content_root, path), settings)
        if problem:
            found.append((line, "error", problem))
        elif not entry["alt"]:
            found.append((line, "warning", f"ảnh '{entry['src']}' trong thư viện ảnh thiếu mô "
                                           "tả — cần '{src: ..., alt: mô tả ảnh}'"))
    return found


RAW_STATIC_IMG = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["'][{|](?:static|attach)[}|]([^"']+)""",
                            re.IGNORECASE)


def article_problems(source_path, photos, metadata, settings):
    """Every photo problem of one article, as ``(line, level, message)``, sorted by line.

    ``photos`` are the ``(content-relative path, line)`` pairs the contract
    resolved (lead photo and Markdown photos); ``metadata`` its clean metadata
    (for ``gallery``).  Photos written as raw ``<img src="{static}/…">`` in the
    body are found here.
    """
    content_root = settings["PATH"]
    found = []
    for path, line in photos:
        problem = photo_problem(os.path.join(content_root, path), settings)
        if problem:
            found.append((line, "error", problem))
    try:
        with open(source_path, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
    except (OSError, UnicodeDecodeError):
        lines = []
    relative_dir = os.path.dirname(os.path.relpath(source_path, content_root))
    for number, text in enumerate(lines, 1):
        for match in RAW_STATIC_IMG.finditer(text):
            written = unquote(match.group(1))
            reference = written if written.startswith("/") else "/" + os.path.join(
                relative_dir, written).replace(os.sep, "/")
            problem, path = resolve(reference, content_root, content_root)
            if problem is None:
                problem = photo_problem(os.path.join(content_root, path), settings)
            if problem:
                found.append((number, "error", problem))
    if metadata.get("gallery"):
        found.extend(gallery_problems(source_path, metadata["gallery"], settings))
    return sorted(found, key=lambda item: item[0])
