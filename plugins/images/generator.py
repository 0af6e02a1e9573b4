"""The images generator: every photo an article shows, processed, cached and linked.

It runs after the articles and pages generators (their content is read) and
before Pelican's static generator, so that original camera files — with their
GPS position and camera serial — are taken off the list of files to copy.
"""

import contextlib
import functools
import logging
import os
import posixpath
import re
import shutil
import tempfile
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlparse

from pelican.generators import Generator

from .markup import GALLERY_TEMPLATE, photo_for_template, picture_html, rewrite_photos
from .pipeline import process_photos
from .process import entry_dir
from .settings import cache_root, usable_formats
from .validate import find_line, gallery_entries, resolve

logger = logging.getLogger(__name__)

# Photo URLs in content carry this prefix until the page they land on is known.
MARKER = "tinhoi-images:"
MARKED_URL = re.compile(re.escape(MARKER) + r"/([^\s\"',]+)")


@dataclass
class Reference:
    """One place a content file shows a photo."""

    kind: str  # "lead", "body" or "gallery"
    written: str  # the path as the editor wrote it
    path: str | None  # content-relative POSIX path, or None when it did not resolve
    problem: str | None = None
    alt: str = ""
    caption: str = ""


class ImagesGenerator(Generator):
    """Finds photos in ``generate_context``; copies their variants in ``generate_output``."""

    def generate_context(self):
        """Process every referenced photo and rewrite the content that shows it."""
        self.root = os.path.realpath(self.path)
        self.cache = cache_root(self.settings)
        self.formats = usable_formats(self.settings)
        self.outputs = {}  # output-relative path -> file in the cache
        self._photos = {}  # content-relative path -> template photo (None: failed)
        self._files = {}  # content-relative path -> {output path: file in the cache}
        contents = self._contents()
        plan = [(content, self._references(content)) for content in contents]
        paths = sorted({ref.path for _content, refs in plan for ref in refs if ref.path})
        results, self.stats = process_photos(
            [os.path.join(self.root, path) for path in paths], self.settings)
        self.results = {path: results[os.path.join(self.root, path)] for path in paths}
        for content, refs in plan:
            self._apply(content, refs)
        self._keep_originals_out(contents, paths)
        stats = self.stats
        logger.info("Ảnh: %d ảnh — %d xử lý mới, %d lấy từ bộ nhớ đệm, %d lỗi "
                    "(%.1f giây, %d tiến trình)", stats.photos, stats.processed, stats.cached,
                    stats.failed, stats.seconds, stats.workers)

    def generate_output(self, writer):
        """Copy the variants that pages use from the cache into the output."""
        del writer  # binary files: copied, not rendered
        written = 0
        for relative, cached in sorted(self.outputs.items()):
            target = os.path.join(self.output_path, *relative.split("/"))
            if os.path.isfile(target) and os.path.getsize(target) == os.path.getsize(cached):
                continue  # the name carries the content hash: same name, same bytes
            _copy_atomic(cached, target)
            written += 1
        logger.info("Ảnh: đã ghi %d tệp, %d tệp đã có sẵn", written,
                    len(self.outputs) - written)

    # -- finding photos ---------------------------------------------------------

    def _contents(self):
        found = {}
        for key in ("articles", "drafts", "hidden_articles", "pages", "hidden_pages",
                    "draft_pages"):
            for content in self.context.get(key, []):
                for item in (content, *getattr(content, "translations", [])):
                    found[id(item)] = item
        return sorted(found.values(), key=lambda c: c.source_path)

    def _references(self, content):
        refs = []
        image = content.metadata.get("image")
        if isinstance(image, str) and image:
            problem, path = resolve("/" + image.lstrip("/"), self.root, self.root)
            refs.append(Reference("lead", image, path, problem))

        def collect(_tag, attributes):
            target = self._static_target(content, dict(attributes).get("src", ""))
            if target:
                refs.append(Reference("body", *target))
            # returning None keeps the tag: this pass only reads

        rewrite_photos(content._content or "", collect)
        entries, bad = gallery_entries(content.metadata.get("gallery"))
        source_dir = os.path.dirname(content.source_path)
        for _index, message in bad:
            refs.append(Reference("gallery", "gallery", None, message))
        for entry in entries:
            problem, path = resolve(entry["src"], source_dir, self.root)
            refs.append(Reference("gallery", entry["src"], path, problem, entry["alt"],
                                  entry["caption"]))
        return refs

    def _static_target(self, content, src):
        """``(written, path, problem)`` for a ``{static}`` photo, else ``None``."""
        match = re.match(self.settings["INTRASITE_LINK_REGEX"] + r"(?P<value>.*)\Z", src)
        if not match or match.group("what") not in ("static", "attach"):
            return None
        value = unquote(urlparse(match.group("value")).path)
        if value.startswith("/"):
            written = value.lstrip("/")
        else:
            written = posixpath.normpath(posixpath.join(content.relative_dir, value))
        problem, path = resolve("/" + written, self.root, self.root)
        return written, path, problem

    # -- using the results ------------------------------------------------------

    def _photo(self, path):
        """The template photo of a processed path, or ``None`` when it failed."""
        if path not in self._photos:
            result = self.results.get(path) if path else None
            photo = None
            if result and "error" not in result:
                folder, name = posixpath.split(path)
                photo, files = photo_for_template(result, folder, os.path.splitext(name)[0],
                                                  self.formats)
                entry = entry_dir(self.cache, result["key"])
                self._files[path] = {out: os.path.join(entry, cached)
                                     for out, cached in files.items()}
            self._photos[path] = photo
        return self._photos[path]

    def _use(self, path, with_og=False):
        """Have the variants of ``path`` (and its Open Graph image) copied to the output."""
        og = self._photos[path]["og"]
        for out, cached in self._files[path].items():
            if with_og or not (og and out == og["path"]):
                self.outputs[out] = cached

    def _report(self, content, ref):
        result = self.results.get(ref.path) if ref.path else None
        if ref.problem:
            message = ref.problem
        elif result and "error" in result:
            message = f"ảnh '{ref.written}' {result['error']}"
        else:
            return False
        field = {"lead": "image", "gallery": "gallery"}.get(ref.kind)
        line = find_line(content.source_path, ref.written, field=field)
        logger.error("%s:%d: %s (bài vẫn được dựng, không có ảnh này)",
                     _display_path(content.source_path), line, message)
        return True

    def _apply(self, content, refs):
        shown = []
        sizes = self.settings["IMAGES_SIZES"]
        for ref in refs:
            if self._report(content, ref):
                continue
            if ref.kind == "gallery" and not ref.alt:
                logger.warning("%s:%d: ảnh '%s' trong thư viện ảnh thiếu mô tả — cần "
                               "'{src: ..., alt: mô tả ảnh}' cho người khiếm thị",
                               _display_path(content.source_path),
                               find_line(content.source_path, ref.written, field="gallery"),
                               ref.written)
        lead = next((r for r in refs if r.kind == "lead"), None)
        if lead:
            content.lead_photo = self._photo(lead.path)
            if content.lead_photo:
                self._use(lead.path)
                shown.append(lead.path)

        def replace(_tag, attributes):
            target = self._static_target(content, dict(attributes).get("src", ""))
            if not target:
                return None
            photo = self._photo(target[1])
            if photo is None:
                return ""  # reported above: the article is built without it
            self._use(target[1])
            shown.append(target[1])
            return picture_html(photo, MARKER, alt=dict(attributes).get("alt", ""),
                                sizes=sizes["article"], attributes=attributes)

        if content._content:
            content._content = rewrite_photos(content._content, replace)
        gallery = []
        for ref in refs:
            photo = self._photo(ref.path) if ref.kind == "gallery" else None
            if photo:
                self._use(ref.path)
                shown.append(ref.path)
                gallery.append({**photo, "alt": ref.alt, "caption": ref.caption})
        content.gallery_photos = gallery
        if gallery:
            template = self.env.from_string(GALLERY_TEMPLATE)
            content._content = (content._content or "") + template.render(
                photos=gallery, prefix=MARKER, labels=self.env.globals.get("L") or {})
        self._set_open_graph(content, shown)
        if shown:
            _serve_urls(content, self.settings["RELATIVE_URLS"])

    def _set_open_graph(self, content, shown):
        """The Open Graph image: the lead photo's, else the first photo shown."""
        path = next((p for p in shown if self._photos[p]["og"]), None)
        og = self._photos[path]["og"] if path else None
        content.og_image = og["path"] if og else None
        content.og_image_width = og["width"] if og else None
        content.og_image_height = og["height"] if og else None
        if path:
            self._use(path, with_og=True)

    def _keep_originals_out(self, contents, paths):
        """Stop Pelican copying the camera originals, unless content still links one."""
        still_linked = set()
        for content in contents:
            still_linked |= content.get_static_links()
        self.context["static_links"] -= set(paths) - still_linked


def _serve_urls(content, relative):
    """Resolve marked photo URLs for whichever page the content is rendered on.

    Pelican sets the site URL of the page being written (``../..`` with
    ``RELATIVE_URLS``) and calls ``content.get_content(siteurl)``; its own
    ``{static}`` links are only resolved in ``src``/``href``, not in ``srcset``.
    """
    def get_content(siteurl):
        return _rendered_body(content, siteurl, relative)

    content.get_content = get_content


@functools.lru_cache(maxsize=64)
def _rendered_body(content, siteurl, relative):
    """The body of ``content`` as shown on a page of ``siteurl``.

    Kept for the last few articles only (a page and its neighbours ask again): bodies
    kept for every article and URL took 10 to 20 KB each until the build ended.
    """
    text = content._get_content() if hasattr(content, "_get_content") else content._content
    text = MARKED_URL.sub(lambda m: _join(siteurl, m.group(1), relative), text or "")
    return content._update_content(text, siteurl)


def _join(siteurl, path, relative):
    """Join like Pelican joins ``{static}`` links (see ``Content._link_replacer``)."""
    if relative:
        return posixpath.join(siteurl or "", path)
    return urljoin(siteurl if siteurl.endswith("/") else siteurl + "/", path)


def _copy_atomic(source, target):
    folder = os.path.dirname(target)
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".part")
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _display_path(path):
    relative = os.path.relpath(path)
    return relative if not relative.startswith("..") else path
