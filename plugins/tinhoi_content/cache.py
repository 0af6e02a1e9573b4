"""A persistent cache of what the reader makes of each unchanged article, and parallel reading.

An entry holds what :class:`~tinhoi_content.reader.TinhoiReader` makes of one file:
the body HTML, the contract's *plain* metadata (strings, lists, aware datetimes,
the ``event`` dict; the summary already converted to HTML), the problems the
contract found (line, message, level, blocking) and whether the article can be
built.  Pelican's ``Category`` / ``Tag`` / ``Author`` objects are never stored:
the reader rebuilds them with ``process_metadata`` on every read, and replays the
problems through the logger, so a cached read logs exactly what a fresh one does.

An entry is found by a key made of:

- the file's bytes and its path inside ``content/``;
- the settings that change what the reader makes (:data:`SETTINGS_THAT_MATTER`);
- a fingerprint of this plugin's code and of the Markdown, PyYAML and Python
  versions (:func:`code_fingerprint`).

Entries live in one folder per settings-and-code fingerprint below
``TINHOI_CACHE_PATH``, so a change of settings or plugin code starts from an empty
folder.  An article also depends on which *other* files exist (its photos, the
articles it links to): the contract and the Markdown pass note every file they
look for (``probes``: the real file found at each path, a link followed, or none),
which is stored with the entry and checked again before the entry is used.  Entries are
written to a temporary file and renamed into place, so none is ever half-written;
an unreadable entry counts as missing.

:func:`start_converting` hands every file not in the cache yet to a pool of
processes, in the order Pelican will read them, and returns at once: Pelican's serial
read of the files (which then only hits the cache) goes on beside the conversions,
waiting for a file only when it comes to one not converted yet, so the build's own
process no longer idles while the pool converts, nor the pool while it reads.  The
workers log nothing: problems are logged by the serial read, in Pelican's order,
exactly as without the cache.
"""

import contextlib
import hashlib
import json
import logging
import multiprocessing
import os
import pickle
import platform
import shutil
import tempfile
import zlib
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import markdown
import yaml

from .compact import pack, unpack
from .contract import found_at
from .functions import UnstableSettingError, stable_text

logger = logging.getLogger(__name__)

DEFAULTS = {
    # Relative to the folder that holds PATH (like IMAGES_CACHE_PATH).
    "TINHOI_CACHE_PATH": os.path.join(".cache", "content"),
    # False: read every file afresh and keep no cache (the build is the same, only slower).
    "TINHOI_CONTENT_CACHE": True,
    # Processes converting uncached files; None: one per CPU; 1: no pool.
    "TINHOI_WORKERS": None,
    # Markdown's pattern searches skipped for texts that cannot match (see prefilter.py).
    "TINHOI_MARKDOWN_PREFILTER": True,
    # Articles whose files did not change taken from the last build (see snapshot.py).
    "TINHOI_SNAPSHOT": True,
}

# Settings that change what the reader makes of a file.
SETTINGS_THAT_MATTER = ("PATH", "PAGE_PATHS", "TIMEZONE", "TINHOI_EXTRA_FIELDS", "MARKDOWN")
# Bumped whenever an entry's shape changes.
FORMAT_VERSION = 3
# Fewer uncached files than this are converted by the serial read: a pool costs more.
MIN_PARALLEL = 8
# Files handed to a worker at once (a few milliseconds of work).
FILES_A_TASK = 4


def get(settings, name):
    """``settings[name]``, or its default when the plugin's defaults were not applied."""
    return settings.get(name, DEFAULTS[name])


def apply_defaults(settings):
    """Give every missing ``TINHOI_*`` cache setting its default."""
    for name, default in DEFAULTS.items():
        settings.setdefault(name, default)


def cache_root(settings):
    """The absolute cache folder; a relative one is taken from the folder holding ``PATH``."""
    path = get(settings, "TINHOI_CACHE_PATH")
    if not os.path.isabs(path):
        project = os.path.dirname(os.path.abspath(settings.get("PATH", "content")))
        path = os.path.join(project, path)
    return os.path.realpath(path)


def workers(settings):
    """How many processes convert uncached files."""
    return get(settings, "TINHOI_WORKERS") or os.cpu_count() or 1


def code_fingerprint():
    """A hash of this plugin's source files and of the libraries that shape its output."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for version in (markdown.__version__, yaml.__version__, platform.python_version(),
                    str(FORMAT_VERSION)):
        digest.update(version.encode() + b"\0")
    return digest.hexdigest()


def settings_fingerprint(settings):
    """A hash of :data:`SETTINGS_THAT_MATTER` (PATH as a real path, MARKDOWN as the
    options the reader uses)."""
    values = {name: settings.get(name) for name in SETTINGS_THAT_MATTER}
    values["PATH"] = os.path.realpath(settings.get("PATH", "content"))
    values["MARKDOWN"] = markdown_options(settings)
    text = json.dumps(values, sort_keys=True, default=_setting_text, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _setting_text(value):
    """A value of the settings JSON cannot write, as :func:`.functions.stable_text`
    names it; one it cannot name (an object of the settings file known by its address)
    by text no other build has, so that the cache is never used with it (an address may
    come again with other code)."""
    try:
        return stable_text(value)
    except UnstableSettingError:
        return f"unstable {os.urandom(16).hex()}"


def markdown_options(settings):
    """The options of ``settings["MARKDOWN"]`` the reader builds its Markdown with: every
    extension of ``extensions`` and of ``extension_configs``, in that order, without
    ``markdown.extensions.meta`` (the front-matter is YAML).

    Pelican's own Markdown reader, made for the other extensions it serves (``.mkd``),
    adds the configured extensions and ``meta`` to the setting itself, so the setting
    is not the same before and after the first reader is made; these options are."""
    options = dict(settings.get("MARKDOWN") or {})
    meta = "markdown.extensions.meta"
    extensions = [e for e in options.get("extensions", []) if e != meta]
    extensions += [e for e in options.get("extension_configs", {}) if e not in extensions
                   and e != meta]
    options["extensions"] = extensions
    options["extension_configs"] = {
        k: v for k, v in options.get("extension_configs", {}).items() if k != meta}
    return options


class ContentCache:
    """Entries for one settings-and-code fingerprint, in ``<root>/<fingerprint>/``."""

    def __init__(self, settings, fingerprint=None):
        self.content_root = os.path.realpath(settings.get("PATH", "content"))
        fingerprint = fingerprint or hashlib.sha256(
            (settings_fingerprint(settings) + code_fingerprint()).encode()).hexdigest()
        self.folder = os.path.join(cache_root(settings), fingerprint[:32])
        # {source path: ((inode, size, mtime), key)}: a build asks for each file's key
        # two or three times (which files to convert, then Pelican's reading).
        self._keys = {}
        self._real_folders = {}  # {folder: its real path}, for this build

    def real_path(self, source_path):
        """``os.path.realpath(source_path)``, with the real path of each folder worked out
        once: ``realpath`` looks at every folder above the file (six ``lstat`` calls a
        file, 0.2 s for 5,000 articles).  A file that is a link is followed as before."""
        folder, name = os.path.split(source_path)
        real_folder = self._real_folders.get(folder)
        if real_folder is None:
            real_folder = self._real_folders[folder] = os.path.realpath(folder)
        path = os.path.join(real_folder, name)
        return os.path.realpath(path) if os.path.islink(path) else path

    def key(self, source_path, data):
        """The key of ``source_path`` holding the bytes ``data``."""
        relative = os.path.relpath(self.real_path(source_path), self.content_root)
        digest = hashlib.sha256(relative.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def key_of(self, source_path, fresh=False):
        """The key of ``source_path`` as it is on disk now (read again only when its
        inode, size or modification time changed since it was last asked for, or with
        ``fresh``: a time may not change when a file is written twice within a second)."""
        known = None if fresh else self._keys.get(source_path)
        if known is not None:
            # Asked again (the article snapshot checks every file the pool was not
            # given): its mark, without opening it.
            stat = os.stat(source_path)
            if known[0] == (stat.st_ino, stat.st_size, stat.st_mtime_ns):
                return known[1]
        with open(source_path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            mark = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
            key = self.key(source_path, handle.read())
        self._keys[source_path] = (mark, key)
        return key

    def path(self, key):
        """Where the entry for ``key`` is stored (noted as used by this build)."""
        path = os.path.join(self.folder, key[:2], key + ".pickle")
        _USED.setdefault(self.folder, set()).add(path)
        return path

    def is_empty(self):
        """Whether nothing is kept for this build's settings and code (``False`` when
        the folder cannot be read: each file is then looked up as usual)."""
        try:
            with os.scandir(self.folder) as entries:
                return next(entries, None) is None
        except FileNotFoundError:
            return True
        except OSError:
            return False

    def has(self, key):
        """Whether an entry is stored for ``key`` (without checking its probes)."""
        return os.path.exists(self.path(key))

    def load(self, key):
        """The entry for ``key``, or ``None`` when missing, unreadable or out of date."""
        try:
            with open(self.path(key), "rb") as handle:
                entry = pickle.load(handle)
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 — a damaged entry is a miss, never a failed build
            logger.debug("unreadable cache entry %s", self.path(key), exc_info=True)
            return None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT_VERSION:
            return None
        for probed, found in entry["probes"].items():
            if found_at(probed, self.real_path) != found:
                return None
        if entry.get("packed") is not None:
            try:
                entry["html"] = unpack(entry["packed"])
            except (zlib.error, TypeError, UnicodeDecodeError):  # damaged: a miss
                logger.debug("damaged body in cache entry %s", self.path(key))
                return None
        return entry

    def store(self, key, entry):
        """Write ``entry`` for ``key`` atomically: a temporary file renamed into place."""
        path = self.path(key)
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".pickle", dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump({**entry, **_packed_html(entry), "format": FORMAT_VERSION}, out,
                            pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def _packed_html(entry):
    """The body stored compressed (``packed``, as :mod:`.compact` keeps it in memory:
    a build that reads it need not compress it again), not as text."""
    html = entry.get("html")
    if type(html) is not str:
        return {}
    return {"html": None, "packed": pack(html)}


# Entries each cache folder gave or took in this build: what pruning keeps.
_USED = {}


def prune(settings):
    """Drop what the last read of every file no longer needs: the entries of files
    edited or removed since, and the folders of other settings or plugin code.

    Called once every file has been read.  Returns the number of files removed.
    """
    removed = 0
    root = cache_root(settings)
    in_use = {folder: used for folder, used in _USED.items() if os.path.dirname(folder) == root}
    if not in_use:
        return 0
    try:
        siblings = os.listdir(root)
    except OSError as error:  # a file in the way: nothing was kept, nothing to drop
        logger.warning("bộ nhớ đệm nội dung %s không dùng được (%s) — mọi bài được chuyển "
                       "đổi lại ở mỗi lần dựng; cần một thư mục ghi được ở đó hoặc đặt "
                       "TINHOI_CACHE_PATH", root, error.strerror or error)
        _USED.clear()
        return 0
    for sibling in siblings:
        path = os.path.join(root, sibling)
        if path not in in_use and os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    for folder, used in in_use.items():
        for current, _dirs, files in os.walk(folder):
            for name in files:
                path = os.path.join(current, name)
                if path not in used and name.endswith(".pickle"):
                    with contextlib.suppress(OSError):
                        os.unlink(path)
                        removed += 1
        del _USED[folder]
    return removed


# -- parallel conversion -------------------------------------------------------------

_worker_reader = None  # set in each worker process only (the pool dies with the build)


def _start_worker(reader_class, settings, fingerprint):
    global _worker_reader  # noqa: PLW0603 — one reader per worker process
    _worker_reader = reader_class(settings, ContentCache(settings, fingerprint))


def _convert_some(source_paths):
    """``{path: whether it was converted}`` for each of ``source_paths``."""
    return {path: _convert_one(path) for path in source_paths}


def _convert_one(source_path):
    try:
        _worker_reader.cached_entry(source_path, look_up=False)
    except Exception:  # noqa: BLE001 — the serial read meets it again and reports it
        return False
    return True


def start_converting(reader, source_paths, conversions=None):
    """Hand every file of ``source_paths`` missing from ``reader``'s cache to worker
    processes, in that order, and return at once the :class:`Conversions` (``None`` when
    the cache is off, when fewer than :data:`MIN_PARALLEL` files are missing or with
    one worker).  ``conversions``: the pool of an earlier call of the same build, which
    takes these files too (the pages after the articles)."""
    cache = reader.cache
    if cache is None:
        return conversions
    if cache.is_empty():
        # Nothing kept for these settings and this code (a first build, or a change of
        # either): every file is missing, found without reading and hashing each one
        # first (0.07 s of a first build of 2,000 articles, before any worker started).
        missing = list(source_paths)
    else:
        missing = [p for p in source_paths if not cache.has(cache.key_of(p))]
    if conversions is None:
        count = min(workers(reader.settings), len(missing))
        if len(missing) < MIN_PARALLEL or count < 2:
            return None
        conversions = Conversions(_pool(reader, count))
    conversions.submit(missing)
    return conversions


def _pool(reader, count):
    settings = {name: reader.settings[name] for name in
                (*SETTINGS_THAT_MATTER, *DEFAULTS) if name in reader.settings}
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    fingerprint = os.path.basename(reader.cache.folder)
    return ProcessPoolExecutor(count, mp_context=context, initializer=_start_worker,
                               initargs=(type(reader), settings, fingerprint))


class Conversions:
    """Files being converted (each stored in the cache) by a pool of processes."""

    def __init__(self, pool):
        self._pool, self._pending, self._converted = pool, {}, 0

    def submit(self, source_paths):
        """Convert ``source_paths``, in this order, a few files a task (one task a file
        costs the build's process more in handing them out than the overlap saves)."""
        paths = [path for path in source_paths if path not in self._pending]
        for start in range(0, len(paths), FILES_A_TASK):
            chunk = paths[start:start + FILES_A_TASK]
            try:
                future = self._pool.submit(_convert_some, chunk)
            except BrokenProcessPool as error:  # a worker died: the serial read converts
                logger.debug("pool broken, %d files left to the build: %s",
                             len(paths) - start, error)
                return
            self._pending.update(dict.fromkeys(chunk, future))

    def wait_for(self, source_path):
        """Wait until ``source_path`` is converted, if it was handed to the pool.  A
        file the pool failed on is left to the caller's own read, which reports it."""
        future = self._pending.pop(source_path, None)
        if future is None:
            return
        try:
            self._converted += future.result().get(source_path, False)
        except Exception as error:  # noqa: BLE001 — a dead worker: the serial read converts
            logger.debug("not converted in the pool: %s (%s)", source_path, error)

    def close(self):
        """Wait for what is left, stop the pool and return the number of files converted."""
        for path in list(self._pending):
            self.wait_for(path)
        self._pool.shutdown(wait=True)
        logger.debug("converted %d files in processes", self._converted)
        return self._converted

    def cancel(self):
        """Stop the pool without waiting for what is left (a build that failed)."""
        self._pending.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)


__all__ = [
    "DEFAULTS", "ContentCache", "Conversions", "apply_defaults", "cache_root",
    "code_fingerprint", "settings_fingerprint", "start_converting", "workers",
]
