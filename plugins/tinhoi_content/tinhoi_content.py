"""tinhoi_content: articles as editors write them.

Replaces Pelican's Markdown reader with one that reads a YAML front-matter and
checks it against the article contract (see ``contract.py``), and makes sure
every lead photo named in a front-matter is copied to the output.

What the reader makes of each file is kept in a persistent cache (``cache.py``)
and files missing from it are converted in parallel processes, in the order
Pelican reads them, while Pelican reads them one by one (a file not converted yet
is waited for).  Once every file is read, the pool is stopped, and the entries no
file needs any more (files edited or removed since) and the folders of other
settings or plugin code are removed.  Settings:

``TINHOI_CACHE_PATH`` — ``".cache/content"``: the cache folder, relative to the
folder holding ``PATH`` (or absolute).  Keep it outside ``OUTPUT_PATH``.

``TINHOI_CONTENT_CACHE`` — ``True``: ``False`` reads every file afresh and
stores nothing (the output is the same, only slower).

``TINHOI_WORKERS`` — ``None``: how many processes convert uncached files; ``None``
is one per CPU, ``1`` converts them in the build process.

``TINHOI_COMPACT_BODIES`` — ``True``: articles and pages keep their HTML compressed
in memory while pages are written (``compact.py``); ``False`` keeps Pelican's strings.

``TINHOI_SNAPSHOT`` — ``True``: the articles Pelican made in the last build are kept
(``snapshot.py``) and those whose files did not change are taken from there instead of
being made again; ``False`` makes every article with Pelican's reader.
"""

import atexit
import logging
import os

from pelican import signals

from . import cache
from .compact import compact_bodies, forget_contents, note_content
from .reader import TinhoiReader
from .snapshot import ArticleSnapshot, UnstableSettingError, snapshot_fingerprint, why_not_used

logger = logging.getLogger(__name__)


def apply_defaults(pelican):
    """Give the cache settings their defaults."""
    cache.apply_defaults(pelican.settings)


def add_reader(readers):
    """Serve ``.md`` and ``.markdown`` files with :class:`TinhoiReader`."""
    for extension in TinhoiReader.file_extensions:
        readers.reader_classes[extension] = TinhoiReader


def convert_articles(generator):
    """Start converting the articles missing from the cache, in parallel processes."""
    _convert_uncached(generator, "ARTICLE_PATHS", "ARTICLE_EXCLUDES")


def convert_pages(generator):
    """Start converting the pages missing from the cache, in the same processes."""
    _convert_uncached(generator, "PAGE_PATHS", "PAGE_EXCLUDES")


# The files of this build being converted in worker processes (articles, then pages).
_conversions = None


def _convert_uncached(generator, paths, excludes):
    global _conversions  # noqa: PLW0603 — one pool for the build's articles and pages
    reader = generator.readers.readers.get("md")
    if not isinstance(reader, TinhoiReader) or reader.cache is None:
        return
    found = generator.get_files(generator.settings[paths],
                                exclude=generator.settings[excludes],
                                extensions=TinhoiReader.file_extensions)
    # In the order of this set, which is the order Pelican reads the files in: it
    # iterates the same set, made again the same way (so the read rarely waits).
    files = [os.path.abspath(os.path.join(generator.path, f)) for f in found]
    _conversions = cache.start_converting(reader, [f for f in files if os.path.isfile(f)],
                                          _conversions)
    reader.conversions = _conversions


# The article snapshot of this build (one build at a time in a process).
_snapshot = None


def serve_snapshot(generator):
    """Take the articles whose files did not change from the last build's snapshot, and
    keep this build's (``article_generator_init``)."""
    global _snapshot  # noqa: PLW0603 — one snapshot a build
    wait_for_snapshot()
    reader = generator.readers.readers.get("md")
    if not isinstance(reader, TinhoiReader) or reader.cache is None:
        return
    reason = why_not_used(generator)
    if reason is None:
        try:
            fingerprint = snapshot_fingerprint(generator.settings, reader.cache.folder)
        except (UnstableSettingError, OSError) as error:
            reason = f"the settings or plugins cannot be digested ({error})"
    if reason is not None:
        logger.debug("article snapshot not used: %s", reason)
        return
    _snapshot = ArticleSnapshot(generator, reader, fingerprint)
    generator.get_cached_data = _snapshot.get_cached_data
    generator.cache_data = _snapshot.cache_data


def write_snapshot(generator):
    """Every article is read: write the snapshot beside the build
    (``article_generator_pretaxonomy``, before any plugin changes an article)."""
    if _snapshot is not None and _snapshot.generator is generator:
        logger.debug("article snapshot: %d articles taken from it", _snapshot.served)
        _snapshot.write()


def wait_for_snapshot(*_):
    """Wait for the snapshot being written (``finalized``, or a new build after one that
    failed)."""
    global _snapshot  # noqa: PLW0603
    if _snapshot is not None:
        _snapshot.stop_logging()
        _snapshot.wait()
        _snapshot = None


def finish_conversions(*_):
    """Every article and page is read: stop the pool (before the other generators and
    the writers, which may fork the build)."""
    global _conversions  # noqa: PLW0603
    if _conversions is not None:
        _conversions.close()
        _conversions = None


def cancel_conversions(*_):
    """Stop the pool a failed build left behind (at the next build, or at exit)."""
    global _conversions  # noqa: PLW0603
    if _conversions is not None:
        _conversions.cancel()
        _conversions = None


atexit.register(cancel_conversions)


def prune_cache(generators):
    """Once articles and pages are read, drop the cache entries no file needs now."""
    if not generators:
        return
    settings = generators[0].settings
    if cache.get(settings, "TINHOI_CONTENT_CACHE"):
        removed = cache.prune(settings)
        if removed:
            logger.info("Bộ nhớ đệm nội dung: bỏ %d mục cũ", removed)


def link_lead_photos(generator):
    """Ask the static generator to copy each lead photo (the body's are linked already)."""
    contents = [
        *getattr(generator, "articles", []), *getattr(generator, "drafts", []),
        *getattr(generator, "pages", []), *getattr(generator, "draft_pages", []),
        *getattr(generator, "hidden_pages", []),
    ]
    for content in contents:
        image = getattr(content, "image", None)
        if image:
            generator.context["static_links"].add(image)


def register():
    """Connect the reader, the cache and the lead-photo linker to Pelican's signals."""
    signals.initialized.connect(apply_defaults)
    signals.readers_init.connect(add_reader)
    signals.initialized.connect(forget_contents)
    signals.initialized.connect(cancel_conversions)
    signals.content_object_init.connect(note_content)
    signals.get_writer.connect(compact_bodies)
    signals.article_generator_init.connect(convert_articles)
    signals.article_generator_init.connect(serve_snapshot)
    signals.article_generator_pretaxonomy.connect(write_snapshot)
    signals.finalized.connect(wait_for_snapshot)
    signals.page_generator_init.connect(convert_pages)
    signals.article_generator_finalized.connect(link_lead_photos)
    signals.page_generator_finalized.connect(link_lead_photos)
    signals.page_generator_finalized.connect(finish_conversions)
    signals.all_generators_finalized.connect(prune_cache)
