"""search: a Pagefind index of the built site, that also matches words typed without ``đ``.

After Pelican has written the site (the ``finalized`` signal), every HTML page
carrying ``data-pagefind-body`` is indexed by Pagefind's command line (from the
``pagefind[bin]`` package), and the bundle is written to ``OUTPUT_PATH/pagefind/``.

Pagefind 1.5 already folds tone marks (``khuyen hoc`` finds ``Khuyến học``) and
ranks exact accents first, but ``đ`` is a letter of its own, not ``d`` with a
mark, so ``da nang`` would never find ``Đà Nẵng``.  Before indexing, each page
gets (in the copy handed to Pagefind only — readers never download it) a
low-weight paragraph with every word that contains ``đ`` spelt with ``d``.

Settings (defaults in ``DEFAULTS``):
``SEARCH_ENABLED`` — build the index (``True``);
``SEARCH_BUNDLE_DIR`` — the bundle's folder in the output (``"pagefind"``);
``SEARCH_FOLDED_WEIGHT`` — Pagefind weight of the folded words (``1.0``, as
the page's own words: ``duong`` is as much ``đường`` as ``dương``; Pagefind still
ranks an exact ``đường`` first, since the folded copy never contains it);
``SEARCH_LANGUAGE`` — the language Pagefind is told (``"vi"``);
``SEARCH_CACHE_PATH`` — where the last bundle is kept (``".cache/search"``, relative
to the folder holding ``PATH``; ``None`` for no cache): when the pages to index are
byte for byte those of the last build, that bundle is copied instead of running
Pagefind again; the copies of the pages handed to Pagefind (with their folded words)
are kept there too, by each page's digest, so a shard indexed again after an edit
links the copies of its unchanged pages instead of reading and folding each again.
The cache keeps the latest build's bundles; builds at once share it, and one drops
the others' bundles only when none is using the cache (see ``CacheLock``);
``SEARCH_PROCESSES`` — ``None`` (two, or one on a single core): shards indexed at once;
``SEARCH_SHARD_SIZE`` — ``500``: the index is made of shards of whole years holding
at most this many pages (a year with more is a shard of its own; ``0``: one shard).
The first shard is the bundle itself, the others go in ``phan-2/``, ``phan-3/``…
inside it, listed in ``tinhoi-shards.json``;
the search page merges them (Pagefind's ``mergeIndex``).  An edit indexes again only
its shard, and Pagefind's memory (about 0.25 MB a page) stays that of one shard;
``SEARCH_EARLY`` — ``True``: while the rest of the site is still being written, a shard
whose pages are all written is indexed at once, in the background (two at a time), into
the cache; once every page of a shard has been asked for, the render plugin is asked to
write the pages it queued (``render_write_queued``), so the shard need not wait for its
next batch.  The shards are foreseen from the articles and pages to be
written; at the end, a bundle made early is used only when its shard holds exactly the
pages (and bytes) found then, as for any cached bundle.  The early start needs the
render plugin, which says when a batch of pages is written (``render_pages_written``);
``SEARCH_PREVIEW`` — ``False``; ``True`` (``tinhoi build --drafts``, the live preview): the
site is read on this machine, not over a slow link, where each shard costs a reader a
few index files more, so the index comes in shards of ``SEARCH_PREVIEW_SHARD_SIZE``
pages (``1``: a year a shard, so an edit indexes one year's pages again, not two or
three), kept in a cache folder of their own (``SEARCH_CACHE_PATH`` + ``-xem-truoc``:
the preview and ``make html`` each keep their bundles, instead of indexing the whole
site again whenever the other built last);
``SEARCH_PREVIOUS_OUTPUT`` — ``None`` (``OUTPUT_PATH``): where the last site is, when the
build writes the new one elsewhere (``tinhoi build`` writes it beside the last and says
where that is).  A shard indexed in this build is made of new files, most of them with
the bytes of the last site's (the fragments of its unchanged pages, Pagefind's scripts):
each becomes the last site's file (a hard link to it), so the site keeps its unchanged
files (their time) and the cache and the site hold one copy of each.
"""

import atexit
import concurrent.futures
import contextlib
import filecmp
import glob
import hashlib
import importlib
import importlib.util
import json
import logging
import os
import pathlib
import pickle
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time

import blinker
from pelican import signals

try:
    import fcntl
except ImportError:  # (Windows: no lock; builds at once may drop each other's bundles)
    fcntl = None

from .stable_bundle import stabilise_filters
from .staging import (  # noqa: F401 — fold_d, folded_words: this module's API too
    BODY_MARKER,
    _relative,
    fold_d,
    folded_words,
    link_or_copy,
    prepare_pages,
    with_folded_copy,
)

logger = logging.getLogger(__name__)

# Asks the render plugin to write the pages it has queued (a shard's are all asked for).
write_queued = blinker.signal("render_write_queued")

DEFAULTS = {
    "SEARCH_ENABLED": True,
    "SEARCH_BUNDLE_DIR": "pagefind",
    "SEARCH_FOLDED_WEIGHT": 1.0,
    "SEARCH_LANGUAGE": "vi",
    "SEARCH_CACHE_PATH": os.path.join(".cache", "search"),
    "SEARCH_SHARD_SIZE": 500,
    "SEARCH_EARLY": True,
    "SEARCH_PREVIOUS_OUTPUT": None,
    "SEARCH_PREVIEW": False,
    "SEARCH_PREVIEW_SHARD_SIZE": 1,
}
PREVIEW_CACHE_SUFFIX = "-xem-truoc"  # the preview's cache folder: SEARCH_CACHE_PATH + this
SHARDS_FILE = "tinhoi-shards.json"  # the other shards' folders, for search.js to merge
KNOWN_PAGES = "trang.pickle"  # in the cache: the last build's pages and their digests
KEPT_COPIES = "ban-sao"  # in the cache: the copies handed to Pagefind, by page digest
CACHE_LOCK = "khoa"  # in the cache: held by each build using it (see CacheLock)


class SearchIndexError(Exception):
    """Pagefind could not build the index."""


def apply_defaults(pelican):
    """Fill in the plugin's settings the user left out."""
    for name, value in DEFAULTS.items():
        pelican.settings.setdefault(name, value)


def shard_size(settings):
    """The most pages a shard holds (``0``: one shard): ``SEARCH_SHARD_SIZE``, or
    ``SEARCH_PREVIEW_SHARD_SIZE`` in the preview."""
    name = "SEARCH_PREVIEW_SHARD_SIZE" if settings.get("SEARCH_PREVIEW") else "SEARCH_SHARD_SIZE"
    return int(settings.get(name) or 0)


def _html_files(folder, skipped=None, found=None):
    """``[(path, file key)]`` of the HTML files under ``folder`` (not in its subfolder
    ``skipped``), in the order of a walk with sorted names: a folder's files before its
    subfolders, as :func:`os.walk` gives them (its subfolders that are links are not
    walked, those that cannot be read are left out).  One ``scandir`` a folder, each
    file's key from its entry: after an edit the whole site is walked for the pages that
    changed (4,780 at 2,000 articles)."""
    found = [] if found is None else found
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:  # a folder that cannot be read is left out, as os.walk does
        return found
    subfolders = []
    for entry in entries:
        try:
            folder_entry = entry.is_dir()
        except OSError:  # a link to itself: not a folder (as os.walk takes it)
            folder_entry = False
        if folder_entry:
            if entry.name != skipped and not entry.is_symlink():
                subfolders.append(entry.path)
        elif entry.name.endswith(".html"):
            found.append((entry.path, _stat_key(entry.stat())))
    for subfolder in subfolders:
        _html_files(subfolder, None, found)
    return found


def pages_to_index(output_path, bundle_dir, known=None, paths=None, noted=None):
    """``[(path, digest of its bytes)]`` of every page carrying the indexed body, in a
    stable order (digests, not texts: a large site's pages need not all be in memory).

    ``known`` (updated in place) is ``{path relative to the output: (file key, digest or
    None when the page is not indexed)}``: a page whose file has the same device, inode,
    size and modification time as last time (an unchanged page is the same file from one
    build to the next) is not read again.  ``paths``: only these pages, in this order
    (else every HTML page of the output but the bundle's folder); ``known`` is then only
    read, and ``noted`` (a dict, when given) gets the same ``(file key, digest)`` of each
    page read.
    """
    found = []
    marker = BODY_MARKER.encode()
    seen = {}
    every_page = paths is None
    # The keys of the walked files come from the walk (their folders' listings).
    walked = _html_files(output_path, bundle_dir) if every_page else \
        [(path, None) for path in paths]
    for path, key in walked:
        relative = _relative(path, output_path)
        key = key or _file_key(path)
        last = known.get(relative) if known is not None else None
        if last is not None and last[0] == key:
            digest = last[1]
        else:
            with open(path, "rb") as handle:
                data = handle.read()
            digest = hashlib.blake2b(data, digest_size=16).digest() if marker in data else None
        if every_page:
            seen[relative] = (key, digest)
        elif noted is not None:
            noted[relative] = (key, digest)
        if digest is not None:
            found.append((path, digest))
    if known is not None and every_page:
        known.clear()
        known.update(seen)
    return found


def _file_key(path):
    return _stat_key(os.stat(path))


def _stat_key(stat):
    """What tells a file from another and from itself written again."""
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


def pagefind_command(staging, bundle_path, settings):
    """The Pagefind command line indexing ``staging`` into ``bundle_path``.

    The command line, not the Python API's service: the service is terminated as
    soon as it answers that the files are written, which on a loaded machine cut the
    last files of the bundle short (an empty ``pagefind-entry.json``).  The process
    exits only once everything is on disk, and it indexes the folder on every core.
    """
    executable = pagefind_executable()
    if executable is None:
        raise SearchIndexError("không tìm thấy chương trình Pagefind (gói 'pagefind[bin]')")
    return [str(executable), "--site", staging, "--output-path", bundle_path,
            "--force-language", settings["SEARCH_LANGUAGE"], "--quiet"]


def pagefind_executable():
    """Pagefind's program, found as the ``pagefind`` package's ``get_executable`` finds
    it (``PAGEFIND_BINARY_PATH``, the ``pagefind_bin_extended`` or ``pagefind_bin``
    package, else ``pagefind_extended`` or ``pagefind`` on the ``PATH``), or ``None``.

    Not through ``pagefind.service``: importing it imports ``asyncio``, 13 to 45 ms of
    every build, for a client this plugin does not use (see :func:`pagefind_command`).
    """
    from_environment = os.environ.get("PAGEFIND_BINARY_PATH")
    if from_environment is not None:
        return str(pathlib.Path(from_environment))  # as the package gives it
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            get_executable = importlib.import_module(package).get_executable
        except (ImportError, AttributeError):  # (the package's ``from … import``)
            continue
        return str(get_executable())
    return shutil.which("pagefind_extended") or shutil.which("pagefind")


def shards_of(pages, output, size):
    """The pages in shards of at most ``size`` pages (a year with more is a shard of
    its own), made of whole years: pages outside a year folder first, then the years,
    oldest first.

    A new article goes into the last shard and an edited one stays in its own, so a
    build indexes again only the shard that changed; each Pagefind run also holds only
    one shard in memory (about 0.25 MB a page).
    """
    units = {}
    for page in pages:
        first = _relative(page[0], output).split(os.sep)[0]
        units.setdefault(first if len(first) == 4 and first.isdigit() else "", []).append(page)
    shards, current = [], []
    for key in sorted(units):
        if size and current and len(current) + len(units[key]) > size:
            shards.append(current)
            current = []
        current += units[key]
    if current or not shards:
        shards.append(current)
    return shards


def shard_folder(number):
    """Where shard ``number`` (0 is the main bundle) goes, inside the main bundle."""
    return "" if number == 0 else f"phan-{number + 1}"


def build_search_index(pelican):
    """Index the written site with Pagefind, shard by shard."""
    settings = pelican.settings
    if not settings.get("SEARCH_ENABLED", True):
        return
    if importlib.util.find_spec("pagefind.service") is None:  # (not imported: asyncio)
        logger.warning("search: the 'pagefind' package is missing; no search index was built")
        return
    cache = _cache_folder(settings)
    with CacheLock(cache) as lock:
        _index_site(pelican, cache, lock)


def _index_site(pelican, cache, lock):
    """Index ``pelican``'s site with the bundles of ``cache`` (held with ``lock``)."""
    settings, output = pelican.settings, pelican.output_path
    bundle_dir = settings["SEARCH_BUNDLE_DIR"]
    bundle = os.path.join(output, bundle_dir)
    known = _load_known_pages(cache)
    if known is not None:
        # The pages the shards indexed early were read then: not read again while their
        # files are those that were read (same inode, size and time).
        known.update(_early["read"])
    # The site is walked and the shards' keys made while the shards started early are
    # still indexed (no page is written after ``finalized``): after an edit, 0.06 to
    # 0.11 s at 2,000 articles that the build no longer spends after Pagefind ends.
    try:
        shards = shards_of(pages_to_index(output, bundle_dir, known), output,
                           shard_size(settings))
        base = _bundle_key_base(settings)
        keys = [_cached_bundle(cache, base, output, shard) for shard in shards]
        kept = _kept_copies(cache, base)
    finally:  # (the background processes are settled whatever happened)
        early = finish_early_shards()
    # The work folder is in the cache's folder when there is one: the pages are copied
    # there and the bundles renamed into the cache on the same file system.  Without a
    # cache it is in the project's folder, where the cache would be (see _work_folder).
    with _work_folder(cache, settings) as work:
        # Shards are indexed side by side (Pagefind keeps about 1.5 cores busy), each
        # into a folder of its own, then put in place in order: the first shard is the
        # bundle that holds the others.
        jobs = [(number, shard, keys[number]) for number, shard in enumerate(shards)]
        with concurrent.futures.ThreadPoolExecutor(_processes(settings)) as pool:
            ready = list(pool.map(
                lambda job: _shard_bundle(*job, output, work, settings, kept), jobs))
        # The last bundle in this output (a build into the same folder, as plain
        # ``pelican`` does) is replaced whole: its files are the cache's, linked.
        shutil.rmtree(bundle, ignore_errors=True)
        for number, (folder, _fresh) in enumerate(ready):
            # Hard links: the same files as the cache's (and as the last build's, when
            # the shard did not change), so nothing is copied or compared byte by byte.
            shutil.copytree(folder, os.path.join(bundle, shard_folder(number)),
                            dirs_exist_ok=number == 0, copy_function=link_or_copy)
    extra = [shard_folder(number) + "/" for number in range(1, len(shards))]
    with open(os.path.join(bundle, SHARDS_FILE), "w", encoding="utf-8") as handle:
        json.dump(extra, handle)
    if lock.alone():
        _forget_other_bundles(cache, keys)
        _forget_other_copies(kept, {digest for shard in shards for _, digest in shard})
    else:
        logger.debug("search: another build uses the cache; its bundles are kept")
    _store_known_pages(cache, known)
    total = sum(len(shard) for shard in shards)
    ahead = sum(len(shard) for shard, key, (_, fresh) in zip(shards, keys, ready, strict=True)
                if not fresh and key in early)
    indexed = ahead + sum(len(shard) for shard, (_, fresh) in zip(shards, ready, strict=True)
                          if fresh)
    logger.info("search: %d pages in %d shard(s) of %s/: %d indexed, %d from the cache "
                "(%d indexed while the site was written)", total, len(shards), bundle_dir,
                indexed, total - indexed, ahead)


def _processes(settings):
    return max(1, int(settings.get("SEARCH_PROCESSES") or min(2, os.cpu_count() or 1)))


def _shard_bundle(number, pages, cached, output, work, settings, kept=None):
    """``(folder holding the shard's bundle, whether it was indexed now)``."""
    if cached and os.path.isdir(cached):
        return cached, False
    target = os.path.join(work, str(number))
    _index_shard(pages, output, target, settings, kept)
    _adopt_last_files(target, last_bundle(settings, output, number))
    if cached and _keep(target, cached):
        return cached, True  # the site links to the cache's files from its first build
    return target, True


# The work folder in the project's, without a cache (with the build process's number
# and start time: ``tinhoi build`` names the folders of builds whose process is gone as
# leftovers).
WORK_PREFIX = ".tinhoi-search-"


def _process_tag():
    """``<number>.<start>`` of this process (its start time in clock ticks since the
    machine started, from Linux's ``/proc``), or ``<number>`` where that is not known:
    the naming ``tinhoi build`` reads (its ``process_tag``; plugins do not import it)."""
    pid = os.getpid()
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return f"{pid}.{int(handle.read().rsplit(b')', 1)[1].split()[19])}"
    except (OSError, IndexError, ValueError):
        return str(pid)


def _work_folder(cache, settings):
    """A temporary folder for the shards' pages and bundles: in the cache's folder, or
    without a cache in the folder holding ``PATH``, where the cache would be.

    Pagefind numbers the pages in the order the file system lists the staged copies
    (the reverse of the order they were made on tmpfs, an order of name hashes on
    ext4): staged in the system's temporary folder, often on another file system than
    the project's, the same pages gave another index than a build with the cache.
    Where the project's folder cannot be written, the system's temporary folder is
    used, and said."""
    if cache is not None:
        return tempfile.TemporaryDirectory(prefix=".work-", dir=cache)
    project = os.path.dirname(os.path.abspath(settings["PATH"]))
    prefix = f"{WORK_PREFIX}{_process_tag()}-"
    try:
        return tempfile.TemporaryDirectory(prefix=prefix, dir=project)
    except OSError as error:
        logger.warning("search: the pages are staged in the system's temporary folder "
                       "(%s): the index may differ from a build with the cache", error)
        return tempfile.TemporaryDirectory(prefix=prefix)


def _index_shard(pages, output, target, settings, kept=None):
    with tempfile.TemporaryDirectory(prefix="trang-", dir=os.path.dirname(target)) as staging:
        prepare_pages(pages, output, staging, settings["SEARCH_FOLDED_WEIGHT"], kept=kept)
        command = pagefind_command(staging, target, settings)
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip()[-2000:]
            raise SearchIndexError(f"Pagefind không lập được chỉ mục tìm kiếm: {detail}")
    stabilise_filters(target)


def _bundle_key_base(settings):
    """What every shard's key starts from: the settings that shape the copies handed to
    Pagefind, this plugin's code, Pagefind's version and Python's (whose Unicode tables
    say what a word is when the ``đ``-words are found; read once per build)."""
    digest = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    for name in ("SEARCH_LANGUAGE", "SEARCH_FOLDED_WEIGHT"):
        digest.update(repr(settings[name]).encode())
    digest.update(_pagefind_version().encode())
    for source in sorted(glob.glob(os.path.join(os.path.dirname(__file__), "*.py"))):
        with open(source, "rb") as handle:
            digest.update(handle.read())
    return digest


def _cached_bundle(folder, base, output, pages):
    """Where in the cache ``folder`` the bundle of exactly these pages is (or will be)
    kept, or ``None`` without a cache.

    The key is ``base`` (see :func:`_bundle_key_base`) and the pages as written: the
    copies are prepared only when the bundle must be built.
    """
    if not folder:
        return None
    digest = base.copy()
    for path, page_digest in pages:
        digest.update(_relative(path, output).encode() + b"\0" + page_digest)
    return os.path.join(folder, digest.hexdigest()[:32])


def _kept_copies(cache, base):
    """The folder of the cache keeping the copies handed to Pagefind (see
    :func:`staging.kept_copy`) for the key ``base``, or ``None`` without a cache.

    A page's copy depends on its bytes and on what ``base`` is made of, so the copies of
    another base (other settings, code or Pagefind) are in another folder.
    """
    if cache is None:
        return None
    return os.path.join(cache, KEPT_COPIES, base.hexdigest()[:16])


def _forget_other_copies(kept, digests):
    """Drop the copies in ``kept`` of pages this build did not index (``digests``: those
    of the pages it did), with the folders of other key bases and the temporary files a
    stopped staging process left: the cache keeps the latest site's copies."""
    if kept is None:
        return
    _remove_all_but(os.path.dirname(kept), {os.path.basename(kept)})
    _remove_all_but(kept, {digest.hex() + ".html" for digest in digests})


# A build's work in the cache (``.early-…``, ``.work-…``, ``.tmp-…``) younger than this
# may be another build's, running now (``make html`` beside the live preview): it is
# left alone; older, it is what a stopped build left, and is removed (the rule, and the
# hour, of the content plugin's snapshots).
WORK_IN_PROGRESS_SECONDS = 3600


def _remove_all_but(folder, names):
    """Remove every file and folder in ``folder`` but those named in ``names`` and the
    work of a build still running (nothing when it cannot be listed)."""
    try:
        found = os.listdir(folder)
    except OSError:
        return
    for name in found:
        if name in names:
            continue
        path = os.path.join(folder, name)
        if name.startswith(".") and _recent(path):
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(path)


def _recent(path):
    """Whether ``path`` changed in the last :data:`WORK_IN_PROGRESS_SECONDS`."""
    try:
        return time.time() - os.lstat(path).st_mtime < WORK_IN_PROGRESS_SECONDS
    except OSError:
        return False


def _cache_folder(settings):
    """The folder of kept bundles (made if missing), or ``None`` without a cache (read
    once a build: the other helpers take the folder)."""
    folder = settings.get("SEARCH_CACHE_PATH")
    if not folder:
        return None
    if settings.get("SEARCH_PREVIEW"):
        folder = os.path.normpath(os.fspath(folder)) + PREVIEW_CACHE_SUFFIX
    if not os.path.isabs(folder):
        folder = os.path.join(os.path.dirname(os.path.abspath(settings["PATH"])), folder)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:  # a read-only project: the index is built, not kept
        logger.debug("search: no cache folder %s: %s", folder, error)
        return None
    return folder


def _load_known_pages(cache):
    """The pages of the last build (see :func:`pages_to_index`) kept in the ``cache``
    folder, or ``{}``; ``None`` without a cache."""
    if cache is None:
        return None
    try:
        with open(os.path.join(cache, KNOWN_PAGES), "rb") as handle:
            known = pickle.load(handle)
        return known if isinstance(known, dict) else {}
    except Exception:  # noqa: BLE001 — missing or damaged: every page is read
        return {}


def _store_known_pages(cache, known):
    """Keep the pages of this build in the ``cache`` folder (renamed into place: never
    half-written)."""
    if cache is None or known is None:
        return
    try:
        handle, partial = tempfile.mkstemp(prefix=".tmp-", dir=cache)
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(known, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, os.path.join(cache, KNOWN_PAGES))
    except OSError as error:
        logger.debug("search: pages not kept: %s", error)


def _pagefind_version():
    try:
        from importlib.metadata import version

        return version("pagefind")
    except Exception:  # noqa: BLE001 — an unknown version only means a cache miss
        return "unknown"


def _keep(bundle, cached):
    """Move a new, complete bundle into the cache (renamed into place, so never
    half-written; copied when it is on another file system); return whether it is there."""
    try:
        os.rename(bundle, cached)
        return True
    except OSError:
        pass
    parent = os.path.dirname(cached)
    os.makedirs(parent, exist_ok=True)
    partial = tempfile.mkdtemp(prefix=".tmp-", dir=parent)
    try:
        shutil.copytree(bundle, partial, dirs_exist_ok=True)
        os.replace(partial, cached)
    except OSError as error:
        shutil.rmtree(partial, ignore_errors=True)
        logger.debug("search: bundle not cached: %s", error)
        return False
    return True


def last_bundle(settings, output, number):
    """Where shard ``number``'s bundle is in the last site (see ``SEARCH_PREVIOUS_OUTPUT``)."""
    return os.path.join(settings.get("SEARCH_PREVIOUS_OUTPUT") or output,
                        settings["SEARCH_BUNDLE_DIR"], shard_folder(number))


def _adopt_last_files(bundle, last):
    """Make each file of ``bundle``, a shard just indexed and not yet in the cache, the
    last site's file at the same place (``last``, the shard's folder there) when both
    have the same bytes: a hard link to it takes the new file's place.

    The build keeps the last site's file wherever the new one has the same bytes (its
    time, for rsync): were the cache to keep the new one, every later build would find
    two files and compare them byte by byte (after a few edits at 2,000 articles, 2,087
    files of the index, 0.06 s a build), and the disk would hold both.  The first error
    (no hard links on this file system…) leaves the rest of the bundle as it is."""
    # The link is made beside the bundle, in the build's work folder (which another
    # build leaves alone), under a name of the bundle's own (shards are indexed side by
    # side); it is compared once made: its bytes are what the bundle gets, whatever the
    # last site's name points to by then.
    if not os.path.isdir(last):  # a first build: no last site to compare with
        return
    temporary = bundle.rstrip(os.sep) + ".link"
    with contextlib.suppress(OSError):
        os.unlink(temporary)
    for folder, _subfolders, names in os.walk(bundle):
        for name in names:
            path = os.path.join(folder, name)
            old = os.path.join(last, _relative(path, bundle))
            try:
                if not _may_be_the_same(path, old):
                    continue
                os.link(old, temporary)
                if filecmp.cmp(path, temporary, shallow=False):
                    os.replace(temporary, path)
                else:
                    os.unlink(temporary)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                return


def _may_be_the_same(path, last):
    """Whether ``last`` is a regular file of ``path``'s size, and another file."""
    try:
        last_stat = os.lstat(last)
    except FileNotFoundError:
        return False
    path_stat = os.lstat(path)
    return stat.S_ISREG(last_stat.st_mode) and last_stat.st_size == path_stat.st_size and \
        (last_stat.st_dev, last_stat.st_ino) != (path_stat.st_dev, path_stat.st_ino)


def _forget_other_bundles(cache, used):
    """Drop the bundles in the ``cache`` folder this build did not use, and any stray
    file (but the list of known pages): the cache keeps the latest site."""
    if cache is None:
        return
    _remove_all_but(cache, {os.path.basename(path) for path in used if path} |
                    {KNOWN_PAGES, KEPT_COPIES, CACHE_LOCK})


class CacheLock:
    """The search cache's lock, held shared from the moment a build looks for its
    shards' bundles in the cache until it has linked them into its site.

    Builds at once (``make html`` beside ``make publish``, whose pages and so bundles
    differ) share the cache, and each drops the bundles it did not use: one could
    remove a bundle between another's finding it and linking it, which then copied
    half a bundle or failed.  A build drops bundles only when it can hold the lock
    alone (:meth:`alone`, without waiting); otherwise it leaves them to the next
    build.  The lock is a POSIX record lock (``lockf``): held by the build's process,
    not by the processes it forks, and let go by the system when the process ends.
    Without a cache, or without ``fcntl``, it holds nothing and :meth:`alone` is true.
    """

    def __init__(self, cache):
        self._handle = None
        if cache is None or fcntl is None:
            return
        try:
            self._handle = os.open(os.path.join(cache, CACHE_LOCK), os.O_RDWR | os.O_CREAT,
                                   0o644)
            # Waits only while another build drops bundles (a few hundredths of a second).
            fcntl.lockf(self._handle, fcntl.LOCK_SH)
        except OSError as error:  # a file system without locks: as without a lock
            logger.debug("search: cache not locked: %s", error)
            self.release()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.release()

    def alone(self):
        """Hold the lock alone if no other build holds it (without waiting); whether it
        is held alone (always, without a lock)."""
        if self._handle is None:
            return True
        try:
            fcntl.lockf(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # (EAGAIN or EACCES) another build uses the cache now
            return False
        return True

    def release(self):
        """Let the lock go."""
        if self._handle is not None:
            os.close(self._handle)
            self._handle = None


# -- shards indexed while the site is still being written ---------------------------

# The build's foreseen shards (``None`` once started or given up), and the Pagefind
# processes running: ``(process, work folder, bundle folder, cache key)``.
_early = {"output": None, "shards": [], "running": [], "settings": None, "cache": None,
          "unasked": [], "shard_of": {},
          "base": None, "kept": set(), "known": None, "read": {}}
EARLY_RUNNING = 2  # Pagefind processes at once while pages are still rendered
STAGING_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "staging.py")


def foresee_shards(generators):
    """Foresee the shards from the articles and pages Pelican will write (each with the
    indexed body, as the theme gives it), so that each one is indexed once written."""
    _stop_early()  # a build of this process that failed before its end (the preview's)
    _early.update(output=None, shards=[], running=[], kept=set(), unasked=[], shard_of={},
                  read={})
    if not generators:
        return
    settings = generators[0].settings
    if not settings.get("SEARCH_ENABLED", True) or not settings.get("SEARCH_EARLY", True):
        return
    cache = _cache_folder(settings)
    if cache is None or not _pagefind_found():  # early bundles are kept in the cache only
        return
    output = generators[0].output_path
    paths = set()
    for generator in generators:
        for key in ("articles", "translations", "hidden_articles", "hidden_translations",
                    "pages", "hidden_pages", "draft_pages", "draft_translations"):
            for content in getattr(generator, key, None) or ():
                save_as = getattr(content, "save_as", None)
                if save_as and save_as.endswith(".html"):
                    paths.add(os.path.join(output, save_as))
    foreseen = sorted(paths, key=lambda path: _walk_order(_relative(path, output)))
    shards = shards_of([(path, None) for path in foreseen], output,
                       shard_size(settings))
    _early.update(output=output, shards=[[path for path, _ in shard] for shard in shards],
                  settings=settings, cache=cache, base=None, known=None,
                  unasked=[{os.path.abspath(path) for path, _ in shard} for shard in shards])
    _early["shard_of"] = {path: number for number, paths in enumerate(_early["unasked"])
                          for path in paths}


def _pagefind_found():
    """Whether Pagefind can be run (else the end of the build says why)."""
    try:
        return pagefind_executable() is not None
    except Exception:  # noqa: BLE001 — missing or broken: no early indexing
        return False


def _walk_order(relative):
    """The place of a page in :func:`_html_files`' walk: a folder's files (by name)
    before its subfolders (by name)."""
    parts = relative.split(os.sep)
    return (*((1, part) for part in parts[:-1]), (0, parts[-1]))


def ask_for_complete_shards(path, **_):
    """Pelican asked for the page at ``path``: once every page of its shard is asked
    for, ask the render plugin to write the pages it queued, so that the shard is
    indexed while the rest of the site is written (after an edit, the edited article's
    shard starts as soon as the article's page is rendered)."""
    path = os.path.abspath(path)
    if _early["read"] and _early["output"] is not None:
        # Written again after its shard read it: the end of the build reads it afresh.
        _early["read"].pop(_relative(path, _early["output"]), None)
    number = _early["shard_of"].get(path)
    if number is None:
        return
    unasked = _early["unasked"][number]
    if path in unasked:  # (a page written twice asks once)
        unasked.remove(path)
        if not unasked:
            write_queued.send("search")


# It reads only the page's path: the render plugin may announce a page it put in place
# without making its context (see the render plugin's ``RenderWriter._reuse_call``).
ask_for_complete_shards.reads_path_only = True


def index_written_shards(sender, output_path=None, **_):
    """A batch of pages is written: start indexing the foreseen shards now complete."""
    if _early["output"] is None or output_path != _early["output"]:
        return
    _early["running"] = [job for job in _early["running"] if not _finished(job)]
    for number, shard in enumerate(_early["shards"]):
        if len(_early["running"]) >= EARLY_RUNNING:
            return
        if shard is None or not all(os.path.isfile(path) for path in shard):
            continue
        _early["shards"][number] = None
        try:
            job = _start_shard(shard, last_bundle(_early["settings"], output_path, number))
        except Exception as error:  # noqa: BLE001 — the end of the build indexes the shard
            logger.debug("search: shard not indexed early: %s", error)
            continue
        if job is not None:
            _early["running"].append(job)


def _start_shard(paths, last=None):
    """Start Pagefind on ``paths`` in the background; ``None`` when the pages are not
    what was foreseen (one without the indexed body) or the bundle is cached already.
    ``last``: the shard's folder in the last site (see :func:`_adopt_last_files`)."""
    settings, cache, output = _early["settings"], _early["cache"], _early["output"]
    if _early["known"] is None:  # read when first needed (a warm build never does)
        _early["known"] = _load_known_pages(cache)
    pages = pages_to_index(output, None, _early["known"], paths, noted=_early["read"])
    if len(pages) != len(paths):
        return None
    if _early["base"] is None:
        _early["base"] = _bundle_key_base(settings)
    key = _cached_bundle(cache, _early["base"], output, pages)
    if os.path.isdir(key):
        return None
    work = tempfile.mkdtemp(prefix=".early-", dir=cache)
    try:
        return (*_launch(pages, work, key, _kept_copies(cache, _early["base"])), last)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _launch(pages, work, key, kept=None):
    settings, output = _early["settings"], _early["output"]
    staging, target = os.path.join(work, "trang"), os.path.join(work, "bundle")
    command = pagefind_command(staging, target, settings)
    # The pages are staged by the background process too (``staging.py``, a script of
    # the standard library only): the build's own process goes on writing pages.
    job = os.path.join(work, "viec.json")
    with open(job, "w", encoding="utf-8") as handle:
        # The digests go too: a page written again while it is staged (a build into
        # the last output, where the pages exist before they are rendered) must not
        # give a bundle kept under the key of its final bytes.
        json.dump({"pages": [[path, digest.hex()] for path, digest in pages],
                   "output": output, "staging": staging,
                   "weight": settings["SEARCH_FOLDED_WEIGHT"], "command": command,
                   "kept": kept}, handle)
    with open(os.path.join(work, "log"), "wb") as log:
        process = subprocess.Popen([sys.executable, STAGING_SCRIPT, job],
                                   stdout=subprocess.DEVNULL, stderr=log)
    return process, work, target, key


def _finished(job):
    """Whether ``job`` is over (its bundle then kept in the cache)."""
    if job[0].poll() is None:
        return False
    _keep_early(job)
    return True


def _keep_early(job):
    process, work, target, key, last = job
    try:
        _pass_on_warnings(os.path.join(work, "log"))
        if process.returncode == 0 and os.path.isdir(target):
            stabilise_filters(target)
            if last is not None:
                _adopt_last_files(target, last)
            if _keep(target, key):
                _early["kept"].add(key)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _pass_on_warnings(path):
    """Log the background process's own warnings (``search: …``; not Pagefind's notes)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return
    for line in lines:
        if line.startswith("WARNING: search:"):
            logger.warning("%s", line.removeprefix("WARNING: "))


def _stop_early():
    """Stop the Pagefind processes of a build that failed before its end (at exit, or
    when the next build of the same process starts)."""
    for process, work, *_ in _early["running"]:
        if process.poll() is None:
            process.kill()
            process.wait()
        shutil.rmtree(work, ignore_errors=True)


atexit.register(_stop_early)


# Seconds a shard indexed in the background may take (a shard of 500 pages takes 2 to
# 10 s here): Pagefind never ends when its folder is removed under it.
EARLY_TIMEOUT = 600


def _wait_for(job, timeout=EARLY_TIMEOUT):
    """Wait for ``job``'s Pagefind; stop it when its work folder is gone or it takes
    longer than ``timeout`` (its shard is then indexed by the end of the build)."""
    process, work = job[0], job[1]
    done, why = threading.Event(), []

    def watch():  # beside the wait, which so ends as soon as Pagefind does
        deadline = time.monotonic() + timeout
        while not done.wait(0.2):
            if not os.path.isdir(work) or time.monotonic() > deadline:
                why.append("its folder was removed" if not os.path.isdir(work)
                           else f"more than {timeout} s")
                process.kill()
                return

    watcher = threading.Thread(target=watch, name="tinhoi-search-watch", daemon=True)
    watcher.start()
    process.wait()
    done.set()
    watcher.join()
    if why:
        logger.info("search: a shard indexed in the background was stopped (%s); it is "
                    "indexed again", why[0])


def finish_early_shards():
    """Wait for the shards still being indexed; return the cache keys of those kept."""
    for job in _early["running"]:
        _wait_for(job)
        _keep_early(job)
    kept = _early["kept"]
    _early.update(output=None, shards=[], running=[], kept=set(), known=None, settings=None,
                  unasked=[], shard_of={}, read={})
    return kept


def register():
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(apply_defaults)
    signals.all_generators_finalized.connect(foresee_shards)
    blinker.signal("render_pages_written").connect(index_written_shards)
    signals.content_written.connect(ask_for_complete_shards)
    signals.finalized.connect(build_search_index)
