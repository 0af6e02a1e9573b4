"""``make check``: every problem in every content file, at once.

Prints ``path:line: what is wrong — what is expected`` for each problem, sorted
by file and line, then a one-line summary; exits 1 when there is any error (or
any warning with ``--strict``).
"""

import logging
import os
from collections import defaultdict

from pelican.utils import slugify

logger = logging.getLogger(__name__)

SOURCE_EXTENSIONS = (".md", ".markdown")


def content_files(content_root):
    """Every Markdown file below ``content_root``, in a stable order."""
    found = []
    for folder, subfolders, files in os.walk(content_root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        found.extend(os.path.join(folder, f) for f in sorted(files)
                     if f.endswith(SOURCE_EXTENSIONS) and not f.startswith("."))
    return found


def is_page(path, settings):
    """Whether ``path`` lies in one of ``PAGE_PATHS``."""
    relative = os.path.relpath(path, settings["PATH"])
    return any(relative == p.strip("/") or relative.startswith(p.strip("/") + os.sep)
               for p in settings["PAGE_PATHS"])


def check_content(settings):
    """Check every content file; return ``(problems, number_of_files)``."""
    from tinhoi_content.contract import Problem, check_file

    content_root = settings["PATH"]
    problems = []
    urls = defaultdict(list)
    files = content_files(content_root)
    photo_checks = _photo_checks(settings)
    for path in files:
        page = is_page(path, settings)
        result = check_file(path, content_root, is_page=page, timezone=settings["TIMEZONE"],
                            extra_fields=settings.get("TINHOI_EXTRA_FIELDS", ()))
        problems.extend(result.problems)
        if photo_checks:
            for line, level, message in photo_checks(path, result.photos, result.metadata,
                                                     settings):
                problems.append(Problem(os.path.relpath(path), line, message, level,
                                        blocking=False))
        url = _save_as(result.metadata, page, settings)
        if url:
            urls[url].append(path)
    for url, paths in sorted(urls.items()):
        for path in paths[1:]:
            problems.append(Problem(os.path.relpath(path), 1,
                                    f"trùng địa chỉ '{url}' với {os.path.relpath(paths[0])} — "
                                    "cần 'slug:' khác hoặc tiêu đề khác"))
    problems.sort(key=lambda p: (p.path, p.line))
    return problems, len(files)


def _photo_checks(settings):
    """The images plugin's check of every photo an article shows, when the plugin is on.

    It finds what only opening the file can tell: not an image, truncated, too many
    pixels, an SVG.
    """
    if "images" not in settings.get("PLUGINS", ()):
        return None
    from images.validate import article_problems

    return article_problems


def _save_as(metadata, page, settings):
    if "title" not in metadata or metadata.get("status") == "draft":
        return None
    slug = metadata.get("slug") or slugify(
        metadata["title"], regex_subs=settings["SLUG_REGEX_SUBSTITUTIONS"])
    if page:
        return settings["PAGE_SAVE_AS"].format(slug=slug)
    if "date" not in metadata:
        return None
    return settings["ARTICLE_SAVE_AS"].format(slug=slug, date=metadata["date"])


def report(problems, files, strict=False, out=print):
    """Print the problems and a summary; return the exit status."""
    errors = sum(1 for p in problems if p.level == "error")
    warnings = len(problems) - errors
    for problem in problems:
        tag = "lỗi" if problem.level == "error" else "cảnh báo"
        out(f"{problem.path}:{problem.line}: [{tag}] {problem.message}")
    out(f"Đã kiểm tra {files} tệp: {errors} lỗi, {warnings} cảnh báo.")
    return 1 if errors or (strict and warnings) else 0
