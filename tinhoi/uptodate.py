"""Whether the site in the output folder is already what a build would make.

A build is a function of its inputs: the files under ``PATH``, the theme, the plugins
and this package, the settings, the installed libraries, the ``TINHOI_NOW``
environment variable, and the moment of the build, which only matters against the
dates it is compared with (an article scheduled for later, the day that splits
upcoming events from past ones).  After each build that logged no error, a
*manifest* of those inputs and of the files the build left in the output folder is
kept in ``.cache/build/`` (beside the other caches).  The next build of the same
output first makes the same snapshot of its inputs: when nothing differs, the
output still holds exactly the files the last build wrote (same paths, sizes,
times, inodes), and the moment is still inside the window the last build was valid
for, the build is skipped, its warnings said again.

What is compared:

- every file under ``PATH``, ``THEME``, each of ``PLUGIN_PATHS`` and this package, and
  under every other folder the settings point Pelican to (``THEME_TEMPLATES_OVERRIDES``,
  and the entries of ``STATIC_PATHS``, ``ARTICLE_PATHS``, ``PAGE_PATHS`` outside
  ``PATH``, of ``THEME_STATIC_PATHS`` outside ``THEME``): by
  its bytes (a BLAKE2b digest) when it is smaller than :data:`HASHED_UP_TO`, else by
  size, times and inode, a file changed too close to the snapshot never counting as
  the same (its time may not show a second change within the file system's clock
  tick, as git's "racy" files);
- the settings, each value as plain data (a value that is not plain data, a function
  say, means no build is ever skipped);
- the names of the installed distributions (their versions included) and Python's
  version;
- the window: from the moment of the last build to the next midnight in
  ``TIMEZONE`` or the first date of an article, page or draft after it, whichever
  comes first (only when the moment is the clock's: a moment fixed by
  ``SCHEDULE_NOW`` or ``TINHOI_NOW`` is part of the settings or environment).

Not compared: environment variables other than ``TINHOI_NOW`` (the settings file's are
in the settings' values; a plugin reading one itself needs ``--full`` when it changes),
and the caches (the output never depends on them).
"""

import contextlib
import datetime
import hashlib
import json
import logging
import os
import pickle
import sys
import sysconfig
import time
from zoneinfo import ZoneInfo

from pelican import signals

from . import cache_folder, write_atomically

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
PACKAGE_FOLDER = os.path.dirname(os.path.abspath(__file__))
# Files smaller than this (articles, templates, code) are compared by their bytes; bigger
# ones (photos: a site may hold gigabytes of them) by their size, times and inode.
HASHED_UP_TO = 64 << 10
# A file whose time is this close to the snapshot may change again unseen (FAT keeps
# two-second times): it never counts as unchanged.
RACY_NANOSECONDS = 2_000_000_000
# The environment variables a build reads (besides those the settings file reads,
# whose values are in the settings).
ENVIRONMENT = ("TINHOI_NOW",)


class NotPlainError(TypeError):
    """A setting that cannot be compared from one build to the next."""


def snapshot(settings, options=()):
    """The digest of the build's inputs (see the module's docstring), or ``None`` when
    the settings hold a value that is not plain data.  ``options``: what else of the
    build changes its output (the command's flags)."""
    digest = hashlib.blake2b(digest_size=32)
    try:
        digest.update(_plain_settings(settings).encode("utf-8", "surrogatepass"))
    except NotPlainError as error:
        logger.debug("up-to-date check off: %s", error)
        return None
    digest.update(repr(sorted(options)).encode())
    digest.update(repr([(name, os.environ.get(name)) for name in ENVIRONMENT]).encode())
    digest.update(sys.version.encode())
    digest.update(repr(_distributions()).encode())
    started = time.time_ns()
    for folder in _input_folders(settings):
        digest.update(b"\0folder\0" + folder.encode("utf-8", "surrogateescape"))
        for relative, signature in _folder_signatures(folder, started):
            if signature is None:
                return None  # a file changed too recently to be trusted
            digest.update(relative.encode("utf-8", "surrogateescape") + b"\0" + signature)
    return digest.hexdigest()


def output_signature(output_path, entries=None, stats=None):
    """``{relative path: (mode, size, modification time, inode)}`` of every file in the
    output folder (a folder counts as one too, with the mark ``"folder"``).

    ``entries``: the folder's :func:`entries_under`, when the caller walked it already;
    ``stats``: ``{relative path: os.stat_result}`` to take instead of a file's own (a
    file about to be replaced by an old one with the same bytes, see
    :func:`.build.keep_unchanged_files`)."""
    if entries is None:
        entries = entries_under(output_path)
    stats = stats or {}
    return {relative: "folder" if entry.is_dir(follow_symlinks=False)
            else _stat_mark(stats.get(relative) or entry.stat(follow_symlinks=False))
            for relative, entry in entries}


def _stat_mark(stat):
    return stat.st_mode, stat.st_size, stat.st_mtime_ns, stat.st_ino


def entries_under(folder, skipped=(), follow_symlinks=False):
    """``(relative path, os.DirEntry)`` of everything under ``folder``, folders
    included (and looked into, but those named in ``skipped``).  A folder that cannot
    be read is left out, unless it is ``folder`` itself."""
    pending = [("", folder)]
    while pending:
        prefix, path = pending.pop()
        try:
            entries = list(os.scandir(path))
        except OSError:
            if path == folder:
                raise
            continue
        for entry in entries:
            if entry.name in skipped:
                continue
            relative = prefix + entry.name
            yield relative, entry
            if entry.is_dir(follow_symlinks=follow_symlinks):
                pending.append((relative + "/", entry.path))


def manifest_path(settings, output_path):
    """Where the manifest of the build of ``output_path`` is kept."""
    name = hashlib.blake2b(os.path.abspath(output_path).encode("utf-8", "surrogateescape"),
                           digest_size=12).hexdigest()
    return os.path.join(cache_folder(settings, "build"), name + ".pickle")


def still_valid(settings, output_path, inputs, now=None):
    """The warnings of the last build when the site in ``output_path`` is what a build
    with these ``inputs`` (see :func:`snapshot`) would make now, else ``None``."""
    if inputs is None or not os.path.isdir(output_path):
        return None
    manifest = _load(manifest_path(settings, output_path))
    if manifest is None or manifest["inputs"] != inputs:
        return None
    now = now if now is not None else time.time()
    start, end = manifest["window"]
    if start is not None and not start <= now < end:
        return None
    try:
        if output_signature(output_path) != manifest["output"]:
            return None
    except OSError:
        return None
    return manifest["warnings"]


def forget(settings, output_path):
    """Drop the manifest of ``output_path`` (its site is about to be replaced)."""
    try:
        os.unlink(manifest_path(settings, output_path))
    except OSError:
        pass


def remember(settings, output_path, inputs, window, warnings, output=None):
    """Keep the manifest of the site just put in ``output_path`` (written to a
    temporary file and renamed into place: never half-written).  ``output``: the
    site's :func:`output_signature` when the caller has it already (else it is read)."""
    if inputs is None:
        return
    if output is None:
        output = output_signature(output_path)
    manifest = {"format": FORMAT_VERSION, "inputs": inputs, "window": window,
                "warnings": warnings, "output": output}
    try:
        write_atomically(manifest_path(settings, output_path),
                         pickle.dumps(manifest, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError as error:  # a read-only project: every build is a full one
        logger.debug("up-to-date check: manifest not kept: %s", error)


def moment_is_fixed(settings):
    """Whether the build's moment is fixed (by a setting or the environment) rather
    than read from the clock: it is then one of the inputs."""
    return any(settings.get(name) not in (None, "") for name in ("SCHEDULE_NOW", *ENVIRONMENT)) \
        or any(os.environ.get(name) for name in ENVIRONMENT)


class ValidityWindow:
    """The moments for which the build about to run makes the same site (see
    :func:`validity_window`): :meth:`watching` notes the date of every content object
    the build makes, and the window is known (``span``) once every generator is done."""

    def __init__(self, settings):
        self.settings, self.fixed = settings, moment_is_fixed(settings)
        self.started = time.time()
        self.dates, self.span = [], None

    @contextlib.contextmanager
    def watching(self):
        """Follow the build run inside this block."""
        signals.content_object_init.connect(self.content_made)
        signals.all_generators_finalized.connect(self.generators_finalized)
        try:
            yield self
        finally:
            signals.content_object_init.disconnect(self.content_made)
            signals.all_generators_finalized.disconnect(self.generators_finalized)

    def content_made(self, content):
        """Keep the date of every article, page or draft made, also those the schedule
        plugin drops from the build (the scheduled articles, outside the preview)."""
        date = getattr(content, "date", None)
        if isinstance(date, datetime.datetime):
            self.dates.append(date)

    # It only looks at the content: the articles a build takes from the last build's
    # snapshot may be sent again (see plugins/tinhoi_content/snapshot.py).
    content_made.reads_content_only = True

    def generators_finalized(self, generators):
        """Every content object is made: find the window (from the build's own settings,
        which hold the moment the schedule plugin read)."""
        settings = generators[0].settings if generators else self.settings
        self.span = validity_window(settings, self.dates, self.fixed, self.started)


def validity_window(settings, dates, fixed, started):
    """``(start, end)`` in seconds since the epoch: while the clock is in it, the build
    started at ``started`` (seconds since the epoch), whose content objects have these
    ``dates``, makes the same site; ``(None, None)`` when the moment is ``fixed`` (set
    by the settings or the environment, and so part of the inputs).

    The build's moment is ``TINHOI_NOW`` as the schedule plugin set it (else
    ``started``); the window ends at the next midnight in ``TIMEZONE`` (upcoming events
    and calendars go by the day) or at the first of ``dates`` after the moment (a
    scheduled article, which the next build publishes), whichever is first.
    """
    if fixed:
        return None, None
    tz = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    now = settings.get("TINHOI_NOW")
    if not isinstance(now, datetime.datetime) or now.tzinfo is None:
        now = datetime.datetime.fromtimestamp(started, tz)
    end = datetime.datetime.combine(now.astimezone(tz).date() + datetime.timedelta(days=1),
                                    datetime.time(), tz)
    for date in dates:
        date = date if date.tzinfo else date.replace(tzinfo=tz)
        if now < date < end:
            end = date
    return min(started, now.timestamp()), end.timestamp()


# -- the inputs ---------------------------------------------------------------------

def _plain_settings(settings):
    return json.dumps(settings, sort_keys=True, ensure_ascii=False, default=_plain_value)


def _plain_value(value):
    """A value JSON does not know, as plain data; :class:`NotPlainError` when it has
    nothing stable to show (its ``repr`` names its address)."""
    if isinstance(value, (set, frozenset)):
        return ["set", sorted(_plain_settings(item) for item in value)]
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta, datetime.tzinfo)):
        return [type(value).__name__, repr(value)]
    raise NotPlainError(f"setting value {type(value).__name__} {repr(value)[:60]}")


# The settings naming folders (or files) a build reads, relative to ``PATH`` or ``THEME``
# (an absolute entry, or one climbing out with ``..``, may lie outside them).
CONTENT_FOLDER_SETTINGS = ("STATIC_PATHS", "ARTICLE_PATHS", "PAGE_PATHS")
THEME_FOLDER_SETTINGS = ("THEME_STATIC_PATHS",)


def _input_folders(settings):
    """Every folder (or file) the build reads, absolute, each once, none inside another
    of them (whose files are compared already)."""
    content = settings.get("PATH") or "content"
    theme = settings.get("THEME") or ""
    folders = [content, theme, *(settings.get("PLUGIN_PATHS") or []), PACKAGE_FOLDER,
               *(settings.get("THEME_TEMPLATES_OVERRIDES") or [])]
    for names, base in ((CONTENT_FOLDER_SETTINGS, content), (THEME_FOLDER_SETTINGS, theme)):
        for name in names:
            folders += [os.path.join(base, entry) for entry in settings.get(name) or ()
                        if isinstance(entry, str)]
    found = []
    for folder in sorted({os.path.abspath(folder) for folder in folders if folder}):
        if not any(os.path.commonpath([folder, kept]) == kept for kept in found):
            found.append(folder)
    return found


def _folder_signatures(folder, started):
    """``(relative path, signature)`` of every file under ``folder``, sorted; the
    signature is ``None`` for a file changed too close to ``started``."""
    if os.path.isfile(folder):  # a theme or plugin given as a file
        return [("", _signature(folder, os.stat(folder), started))]
    if not os.path.isdir(folder):
        return []  # a missing folder: the build says so
    found = []
    # (``__pycache__``: compiled copies of the sources compared here.)
    for relative, entry in entries_under(folder, skipped=("__pycache__",)):
        if entry.is_symlink() and entry.is_dir():
            found.append((relative, None))  # a linked folder is not looked into: no skip
        elif entry.is_file():
            found.append((relative, _signature(entry.path, entry.stat(), started)))
        elif not entry.is_dir():
            found.append((relative, b"other"))
    found.sort()
    return found


def _signature(path, stat, started):
    if stat.st_size < HASHED_UP_TO:
        with open(path, "rb") as handle:
            return hashlib.blake2b(handle.read(), digest_size=16).digest()
    if started - max(stat.st_mtime_ns, stat.st_ctime_ns) < RACY_NANOSECONDS:
        return None
    return repr((stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino,
                 stat.st_dev)).encode()


def _distributions():
    """The names of the installed distributions' metadata folders (with versions)."""
    names = set()
    for key in ("purelib", "platlib"):
        folder = sysconfig.get_paths().get(key)
        try:
            names.update(name for name in os.listdir(folder)
                         if name.endswith((".dist-info", ".egg-info", ".pth")))
        except (OSError, TypeError):
            continue
    return sorted(names)


def _load(path):
    try:
        with open(path, "rb") as handle:
            manifest = pickle.load(handle)
    except Exception:  # noqa: BLE001 — missing or damaged: the build is a full one
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        return None
    return manifest
