"""The Pelican reader for tinhoi articles: YAML front-matter, then Markdown."""

import logging
import os

from markdown import Markdown
from pelican.readers import BaseReader

from .contract import check_file
from .links_markdown import ContentLinkExtension

logger = logging.getLogger(__name__)


class ArticleContractError(Exception):
    """An article breaks the contract and is left out of the build."""


class TinhoiReader(BaseReader):
    """Reads ``.md`` files with a YAML front-matter checked by the article contract."""

    enabled = True
    file_extensions = ["md", "markdown"]

    def __init__(self, settings):
        super().__init__(settings)
        self._content_root = os.path.realpath(settings["PATH"])
        self._links = ContentLinkExtension(self._content_root)
        # One Markdown instance for every file: building one per file costs ~5% of a build.
        self._markdown = Markdown(**_markdown_options(settings, self._links))

    def read(self, source_path):
        """Return ``(html, metadata)`` for one file, or raise for a broken article."""
        result = check_file(
            source_path,
            self._content_root,
            is_page=self._is_page(source_path),
            timezone=self.settings["TIMEZONE"],
            extra_fields=self.settings.get("TINHOI_EXTRA_FIELDS", ()),
        )
        for problem in result.problems:
            log = logger.warning if problem.level == "warning" else logger.error
            log("%s", problem)
        if not result.is_buildable:
            raise ArticleContractError(f"{source_path}: bài viết bị bỏ qua vì có lỗi")
        self._links.source_dir = os.path.dirname(os.path.abspath(source_path))
        content = self._convert(result.body)
        return content, self._pelican_metadata(result.metadata)

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
        if "summary" in clean:
            metadata["summary"] = self._convert(clean["summary"])
        return metadata


def _markdown_options(settings, links):
    options = dict(settings.get("MARKDOWN", {}))
    extensions = [e for e in options.get("extensions", []) if e != "markdown.extensions.meta"]
    extensions += [e for e in options.get("extension_configs", {}) if e not in extensions]
    extensions = [e for e in extensions if e != "markdown.extensions.meta"]
    options["extensions"] = [*extensions, links]
    options["extension_configs"] = {
        k: v for k, v in options.get("extension_configs", {}).items()
        if k != "markdown.extensions.meta"
    }
    return options
