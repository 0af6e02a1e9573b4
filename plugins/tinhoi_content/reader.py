"""The Pelican reader for tinhoi articles: YAML front-matter, then Markdown."""

import logging
import os

from markdown import Markdown
from pelican.readers import BaseReader

from . import cache as content_cache
from .cache import ContentCache
from .compact import remember_packed
from .contract import Problem, _display_path, check_file
from .links_markdown import ContentLinkExtension
from .prefilter import prefilter_markdown

logger = logging.getLogger(__name__)


_FROM_SETTINGS = object()


class ArticleContractError(Exception):
    """An article breaks the contract and is left out of the build."""


# The Markdown options (``repr``) a reader of this process made an instance of.
_CHECKED_OPTIONS = set()


class TinhoiReader(BaseReader):
    """Reads ``.md`` files with a YAML front-matter checked by the article contract."""

    enabled = True
    file_extensions = ["md", "markdown"]

    def __init__(self, settings, cache=_FROM_SETTINGS):
        super().__init__(settings)
        self._content_root = os.path.realpath(settings["PATH"])
        self._links = ContentLinkExtension(self._content_root)
        # The options as the settings are now (Pelican's own Markdown reader changes them
        # in place when it is made), the instance made from them when first needed.
        options = content_cache.markdown_options(settings)
        self._prefilter = bool(content_cache.get(settings, "TINHOI_MARKDOWN_PREFILTER"))
        self._markdown_settings = {**options, "extensions": [*options["extensions"],
                                                             self._links]}
        self._markdown_instance = None  # see _markdown
        # The first reader of a process with these options makes its Markdown now: a
        # broken extension stops the build at once, with its own message, as it did
        # when every reader made one (not as an error for each file).
        checked = (repr(options), self._prefilter)
        if checked not in _CHECKED_OPTIONS:
            self._markdown  # noqa: B018 — made for what making it raises
            _CHECKED_OPTIONS.add(checked)
        if cache is _FROM_SETTINGS:
            cache = ContentCache(settings) if content_cache.get(
                settings, "TINHOI_CONTENT_CACHE") else None
        self.cache = cache
        # The files being converted in worker processes while this reader reads
        # (:class:`~.cache.Conversions`), set by the plugin for the build.
        self.conversions = None
        # ``(source path, cache key, probes)`` of the last file read through the cache:
        # what the article snapshot (``snapshot.py``) checks the article against.
        self.last_read = None

    @property
    def _markdown(self):
        """The Markdown instance every file of this reader is converted with (building one
        per file cost ~5% of a build), made when first needed: Pelican makes a reader of
        each kind for each of its generators, 18 a build, and most never read a file
        (4 ms each: the extensions loaded and their expressions compiled)."""
        if self._markdown_instance is None:
            markdown = Markdown(**self._markdown_settings)
            if self._prefilter:
                prefilter_markdown(markdown)  # the same HTML, with less pattern matching
            self._markdown_instance = markdown
        return self._markdown_instance

    def read(self, source_path):
        """Return ``(html, metadata)`` for one file, or raise for a broken article."""
        entry = self.cached_entry(source_path)
        for line, message, level, blocking in entry["problems"]:
            problem = Problem(_display_path(source_path), line, message, level, blocking)
            log = logger.warning if level == "warning" else logger.error
            log("%s", problem)
        if not entry["buildable"]:
            raise ArticleContractError(f"{source_path}: bài viết bị bỏ qua vì có lỗi")
        if entry.get("packed") is not None:
            remember_packed(entry["html"], entry["packed"])
        return entry["html"], self._pelican_metadata(entry["metadata"])

    def cached_entry(self, source_path, look_up=True):
        """What this reader makes of ``source_path``: from the cache, or converted (and stored).

        A dict with ``html``, ``metadata`` (the contract's plain values, summary in
        HTML), ``problems`` as ``(line, message, level, blocking)`` and ``buildable``.
        """
        if self.cache is None:
            return self._convert_file(source_path)
        if self.conversions is not None:
            self.conversions.wait_for(source_path)
        key = self.cache.key_of(source_path)
        entry = self.cache.load(key) if look_up else None
        made_of_key = entry is not None
        if entry is None:
            entry = self._convert_file(source_path)
            # Store only what was made of the bytes the key was made of.
            made_of_key = self.cache.key_of(source_path, fresh=True) == key
            if made_of_key:
                try:
                    self.cache.store(key, entry)
                except OSError as error:
                    logger.debug("cannot cache %s: %s", source_path, error)
        # The snapshot keeps an article under its key only when it was made of that key's
        # bytes (the file may have been saved again while it was converted).
        self.last_read = (os.path.abspath(source_path), key, entry["probes"]) \
            if made_of_key else None
        return entry

    def _convert_file(self, source_path):
        result = check_file(
            source_path,
            self._content_root,
            is_page=self._is_page(source_path),
            timezone=self.settings["TIMEZONE"],
            extra_fields=self.settings.get("TINHOI_EXTRA_FIELDS", ()),
        )
        entry = {
            "problems": [(p.line, p.message, p.level, p.blocking) for p in result.problems],
            "buildable": result.is_buildable, "html": None, "metadata": {},
            # The files (photos, linked articles) whose existence this entry depends on.
            "probes": result.probes,
        }
        if not result.is_buildable:
            return entry
        self._links.source_dir = os.path.dirname(os.path.abspath(source_path))
        self._links.probes = result.probes  # the Markdown pass notes what it looks for too
        entry["html"] = self._convert(result.body)
        metadata = dict(result.metadata)
        if "summary" in metadata:
            metadata["summary"] = self._convert(metadata["summary"])
        entry["metadata"] = metadata
        return entry

    def _convert(self, text):
        self._markdown.reset()
        return self._markdown.convert(text)

    def _is_page(self, source_path):
        relative = os.path.relpath(os.path.realpath(source_path), self._content_root)
        for page_path in self.settings.get("PAGE_PATHS", ["pages"]):
            page_path = page_path.strip("/")
            if relative == page_path or relative.startswith(page_path + os.sep):
                return True
        return False

    def _pelican_metadata(self, clean):
        """Turn the contract's plain values into the objects Pelican expects."""
        metadata = dict(clean)
        for name in ("category", "tags", "authors"):
            if name in clean:
                metadata[name] = self.process_metadata(name, clean[name])
        return metadata
