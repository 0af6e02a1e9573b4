"""The articles of the last build as Pelican made them, so that a build reads again only
the files that changed.

The content cache (``cache.py``) spares a build Markdown and the contract, but Pelican
still opens every cached entry and makes every ``Article`` again: its metadata
processing, its URL settings, one file opened per article — most of what a build that
follows an edit spends reading.  The snapshot keeps each article as it was when Pelican
had just made it (its attributes, pickled; the settings and the generator's context by
reference, not copied), with what the article was made of:

- the content cache's key of its file (its bytes and its path inside ``content/``);
- the files the contract and the Markdown pass looked for (``probes``): a photo or a
  linked article that appeared or went, or a link to one pointed at another file, makes
  the article read again;
- what was logged while it was read (the contract's problems, Pelican's warnings),
  logged again when the article is taken from the snapshot, in the same order.

A snapshot serves only builds with the same *fingerprint*: every setting but those that
differ from build to build of the same site (:data:`VOLATILE_SETTINGS`), the code of
every plugin, the content cache's own fingerprint (reader settings, Markdown, PyYAML and
Python versions) and Pelican's version.  It is not used at all when something could make
an article differently without changing any of these: Pelican's own content cache on,
``WITH_FUTURE_DATES = False`` (Pelican compares dates with the clock while reading),
``DEFAULT_DATE = "fs"`` (the file's time), a setting that cannot be digested (an object
whose text names its address), or a plugin listening to the signals sent while an
article is read (``article_generator_preread``, ``article_generator_context``), or to
``content_object_init`` without saying that it only reads the article: that signal is
sent again for each article taken from the snapshot, which a receiver changing the
article would change twice.  A receiver says so with an attribute,
``receiver.reads_content_only = True`` (:data:`READS_ONLY`).

The snapshot is written by a forked copy of the build at ``article_generator_pretaxonomy``
(every article read, none changed by another plugin yet), at a lower priority: the
build goes on meanwhile and waits for it at ``finalized``.  It is written to a temporary
file renamed into place, in the content cache's folder; only the articles read afresh
are pickled, the others keep the bytes they were loaded from.  Setting:

``TINHOI_SNAPSHOT`` — ``True``: ``False`` makes every article with Pelican's reader.
"""

import contextlib
import hashlib
import importlib.metadata
import io
import json
import locale
import logging
import multiprocessing
import os
import pickle
import platform
import sys
import tempfile
import threading
import time
import types
import weakref
from pathlib import Path

from pelican import signals

from .compact import packed_form, remember_packed, unpack
from .contract import found_at
from .functions import UnstableSettingError, stable_text

logger = logging.getLogger(__name__)

FORMAT_VERSION = 2
SUFFIX = ".snapshot"
# A temporary snapshot file older than this (ns) was left by a writer that was killed.
STALE_TEMPORARY = 3600 * 10**9
# Snapshots kept in a content cache folder (builds with other settings keep theirs).
KEEP = 3
# Settings that differ between two builds of the same site without changing what an
# article is made of: where the output goes, the build's clock (read by the plugins
# after the articles are made), how pages are rendered.
VOLATILE_SETTINGS = frozenset({
    "OUTPUT_PATH", "TINHOI_NOW", "RENDER_PREVIOUS_OUTPUT", "SEARCH_PREVIOUS_OUTPUT",
    "RENDER_PROCESSES", "RENDER_MIN_PARALLEL", "RENDER_BATCH", "RENDER_CACHE_KEEP",
    "TINHOI_WORKERS",
})
# The attribute by which a receiver of ``content_object_init`` says it does not change
# the content object (it is sent again for the articles taken from a snapshot).
READS_ONLY = "reads_content_only"
# Libraries whose versions shape an article as Pelican makes it (its slug: Unidecode).
LIBRARIES = ("pelican", "unidecode", "babel")
# Only what is logged at these levels is kept and logged again.
LOGGED = {logging.INFO: "info", logging.WARNING: "warning", logging.ERROR: "error",
          logging.CRITICAL: "critical"}


def settings_digest(settings):
    """A digest of every setting but :data:`VOLATILE_SETTINGS` (functions by their
    code); :class:`UnstableSettingError` when one cannot be digested."""
    kept = {name: value for name, value in settings.items() if name not in VOLATILE_SETTINGS}
    try:
        text = json.dumps(kept, sort_keys=True, ensure_ascii=False, default=stable_text)
    except TypeError as error:  # keys of mixed kinds, which cannot be sorted
        raise UnstableSettingError(str(error)) from error
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def plugins_digest(settings):
    """A digest of the Python files of every plugin folder (``PLUGIN_PATHS``, and the
    folder of each plugin module already imported from elsewhere)."""
    folders = [Path(folder).resolve() for folder in settings.get("PLUGIN_PATHS") or []]
    for plugin in settings.get("PLUGINS") or []:
        module = plugin if isinstance(plugin, types.ModuleType) else sys.modules.get(plugin)
        source = getattr(module, "__file__", None)
        if source and not any(Path(source).resolve().is_relative_to(f) for f in folders):
            folders.append(Path(source).resolve().parent)
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*.py")) if folder.is_dir() else []:
            if "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode("utf-8", "surrogateescape")
                              + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def snapshot_fingerprint(settings, cache_folder):
    """What a snapshot must have been made with to serve this build (see the module)."""
    digest = hashlib.sha256()
    for part in (str(FORMAT_VERSION), platform.python_version(), *_versions(LIBRARIES),
                 # Pelican's dates of a locale (``locale_date``); the messages kept are
                 # those of the level in force.
                 str(locale.setlocale(locale.LC_TIME)),
                 str(logging.getLogger().getEffectiveLevel()),
                 os.path.basename(cache_folder), settings_digest(settings),
                 plugins_digest(settings)):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


def _versions(names):
    for name in names:
        try:
            yield f"{name} {importlib.metadata.version(name)}"
        except importlib.metadata.PackageNotFoundError:
            yield f"{name} -"


def why_not_used(generator):
    """Why articles cannot be taken from a snapshot in this build, or ``None``."""
    settings = generator.settings
    if not settings.get("TINHOI_SNAPSHOT", True):
        return "TINHOI_SNAPSHOT is off"
    if settings.get("LOAD_CONTENT_CACHE") or settings.get("CACHE_CONTENT"):
        return "Pelican's own content cache is on"
    if not settings.get("WITH_FUTURE_DATES", True):
        return "WITH_FUTURE_DATES is off (Pelican reads the clock)"
    if settings.get("DEFAULT_DATE") == "fs":
        return "DEFAULT_DATE is 'fs' (the files' times)"
    for signal in (signals.article_generator_preread, signals.article_generator_context):
        if _receivers(signal):
            return f"a plugin listens to {signal.name}"
    for receiver in _receivers(signals.content_object_init):
        if not getattr(receiver, READS_ONLY, False):
            return f"{getattr(receiver, '__qualname__', receiver)} listens to " \
                "content_object_init and may change the articles"
    return None


def _receivers(signal):
    found = []
    for receiver in signal.receivers.values():
        receiver = receiver() if isinstance(receiver, weakref.ref) else receiver
        if receiver is not None:
            found.append(receiver)
    return found


class ReadLog:
    """What is logged while one article is read (``records`` a list, else ``None``), to
    log it again when the article is taken from the snapshot.

    Records are kept as they are made (a record factory), before any filter sees them:
    Pelican's ``LimitFilter`` drops a message it saw before in this process and replaces
    the fifth of a group with the group's summary, which a replay must do again, not
    repeat.  Only records of the thread reading the articles are kept."""

    def __init__(self):
        self.records = None
        self._thread = threading.get_ident()
        self._made = logging.getLogRecordFactory()
        logging.setLogRecordFactory(self._make)

    def _make(self, *args, **kwargs):
        record = self._made(*args, **kwargs)
        if self.records is not None and record.levelno in LOGGED \
                and threading.get_ident() == self._thread:
            self.records.append((record, record.msg, record.args))
        return record

    def taken(self):
        """The records kept for the article just read, as ``(logger name, level,
        message, arguments, extra)``; none are kept after."""
        records, self.records = self.records or [], None
        return [(record.name, record.levelno, msg, args,
                 {name: record.__dict__[name] for name in ("limit_msg", "limit_args")
                  if name in record.__dict__})
                for record, msg, args in records]

    def close(self):
        """Stop keeping records (the factory of before is given back, when it is still
        the one in place)."""
        self.records = None
        if logging.getLogRecordFactory() == self._make:
            logging.setLogRecordFactory(self._made)


def replay(logs):
    """Log again what was logged while an article was read."""
    for name, level, message, args, extra in logs:
        log = getattr(logging.getLogger(name), LOGGED[level])
        if isinstance(args, dict):
            log(message, args, extra=extra)
        else:
            log(message, *(args or ()), extra=extra)


class _Pickler(pickle.Pickler):
    """Pickles an article's attributes with the shared objects by name."""

    def __init__(self, stream, shared):
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self._names = {id(value): name for name, value in shared.items()}

    def persistent_id(self, obj):  # noqa: D102 — pickle's hook
        return self._names.get(id(obj))


class _Unpickler(pickle.Unpickler):
    def __init__(self, stream, shared):
        super().__init__(stream)
        self._shared = shared

    def persistent_load(self, name):  # noqa: D102 — pickle's hook
        return self._shared[name]


def _dumps(value, shared):
    stream = io.BytesIO()
    _Pickler(stream, shared).dump(value)
    return stream.getvalue()


def _loads(data, shared):
    return _Unpickler(io.BytesIO(data), shared).load()


class ArticleSnapshot:
    """The articles of one build, served to Pelican's ``ArticlesGenerator`` in place of
    its ``get_cached_data`` and ``cache_data`` (the hooks of Pelican's own cache)."""

    def __init__(self, generator, reader, fingerprint):
        self.generator, self.reader = generator, reader
        self.fingerprint = fingerprint
        self.path = os.path.join(reader.cache.folder, f"articles-{fingerprint[:24]}{SUFFIX}")
        self.shared = {"settings": generator.settings, "context": generator.context}
        self._old = self._load()
        self._kept, self._fresh = {}, {}
        self.served = 0
        self._writer = None
        self.log = ReadLog()

    def _load(self):
        try:
            with open(self.path, "rb") as handle:
                header = pickle.load(handle)
                if header.get("fingerprint") != self.fingerprint:
                    return {}
                return pickle.load(handle)
        except FileNotFoundError:
            return {}
        except Exception as error:  # noqa: BLE001 — a damaged snapshot only means reading
            logger.debug("snapshot %s unreadable: %s", self.path, error)
            return {}

    def get_cached_data(self, filename, default=None):
        """The article of ``filename`` (relative to the generator's path) from the
        snapshot when its file and what it probed are as they were, else ``default``
        (Pelican then reads it, and what is logged meanwhile is kept)."""
        self.log.records = None
        item = self._old.pop(filename, None)
        if item is not None:
            article = self._revive(filename, item)
            if article is not None:
                self._kept[filename] = item
                self.served += 1
                return article
        self.reader.last_read = None
        self.log.records = []
        return default

    def _revive(self, filename, item):
        source_path = os.path.abspath(os.path.join(self.generator.path, filename))
        try:
            key, probes, logs, blob, packed = item
            if self.reader.cache.key_of(source_path) != key:
                return None
            real_path = self.reader.cache.real_path
            for probed, found in probes:
                if found_at(probed, real_path) != found:
                    return None
            kind, state = _loads(blob, self.shared)
            body = unpack(packed) if packed is not None else None
        except OSError:
            return None
        except Exception:  # noqa: BLE001 — a damaged item: the file is read again
            logger.debug("damaged snapshot item for %s", filename, exc_info=True)
            return None
        if packed is not None:
            state["_content"] = body
            remember_packed(body, packed)
        article = kind.__new__(kind)
        article.__dict__.update(state)
        self.reader.cache.path(key)  # the content cache keeps the file's entry
        replay(logs)
        signals.content_object_init.send(article)
        return article

    def cache_data(self, filename, article):
        """Keep ``article``, just read from ``filename`` by Pelican: its attributes as
        they are now (plugins change some before the snapshot is written)."""
        logs = self.log.taken()
        last = self.reader.last_read
        source_path = os.path.abspath(os.path.join(self.generator.path, filename))
        if last is None or last[0] != source_path:
            return  # read by another reader: no key to check it against
        _, key, probes = last
        self._fresh[filename] = (key, tuple(sorted(probes.items())), logs,
                                 type(article), dict(article.__dict__))

    def write(self):
        """Write the snapshot from a forked copy of the build (which goes on)."""
        self.stop_logging()
        self._old = {}
        if not self._fresh and not self._kept:
            return
        forking = multiprocessing.get_context("fork")
        self._writer = forking.Process(target=self._write, name="tinhoi-snapshot")
        try:
            self._writer.start()
        except OSError as error:
            logger.debug("snapshot not written: %s", error)
            self._writer = None
        self._kept, self._fresh = {}, {}

    def stop_logging(self):
        """Stop keeping what is logged."""
        self.log.close()

    def wait(self):
        """Wait until the snapshot is written."""
        if self._writer is not None:
            self._writer.join()
            self._writer = None

    def _write(self):
        """In the forked copy: write the snapshot, or nothing (a full disk, a folder
        that cannot be written: the next build reads its articles, nothing more)."""
        with contextlib.suppress(OSError):
            os.nice(5)  # the build's own processes first
        try:
            self._write_items()
        except BaseException:  # noqa: BLE001, S110 — no traceback from a copy of the build
            pass

    def _write_items(self):
        """Pickle the articles read afresh and write every item."""
        items = dict(self._kept)
        for filename, (key, probes, logs, kind, state) in self._fresh.items():
            body = state.pop("_content", None)
            packed = packed_form(body) if type(body) is str else None
            if body is not None and packed is None:
                continue  # a body of another kind: not kept
            try:
                items[filename] = (key, probes, _plain_logs(logs),
                                   _dumps((kind, state), self.shared), packed)
            except Exception:  # noqa: BLE001, S112 — an article that cannot be pickled is read
                continue
        folder = os.path.dirname(self.path)
        os.makedirs(folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=SUFFIX, dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump({"format": FORMAT_VERSION, "fingerprint": self.fingerprint}, out,
                            protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(items, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        _prune(folder, self.path)


def _plain_logs(logs):
    """``logs`` with the arguments that cannot be pickled replaced by their text."""
    plain = []
    for name, level, message, args, extra in logs:
        try:
            pickle.dumps((message, args, extra))
        except Exception:  # noqa: BLE001 — any object: its text is what was logged
            record = logging.LogRecord(name, level, "", 0, message, args, None)
            message, args, extra = "%s", (record.getMessage(),), {}
        plain.append((name, level, message, args, extra))
    return plain


def _prune(folder, current):
    """Keep the :data:`KEEP` snapshots of ``folder`` written last (``current`` one)."""
    found = []
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if not name.endswith(SUFFIX) or path == current:
            continue
        with contextlib.suppress(OSError):
            changed = os.stat(path).st_mtime_ns
            if not name.startswith("."):
                found.append((changed, path))
            elif changed < time.time_ns() - STALE_TEMPORARY:
                os.unlink(path)  # the temporary file of a writer killed long ago
    for _, path in sorted(found, reverse=True)[KEEP - 1:]:
        with contextlib.suppress(OSError):
            os.unlink(path)


__all__ = ["READS_ONLY", "ArticleSnapshot", "UnstableSettingError", "snapshot_fingerprint",
           "why_not_used"]
