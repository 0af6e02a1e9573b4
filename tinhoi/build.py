"""``make html`` / ``make publish``: build into a fresh folder, then swap it into place.

The site is written to a sibling folder of the output; only a build that
finished (and, when publishing, one without content errors) replaces the old
output, so a failed or interrupted build never leaves a half-written site.

Before the swap, every new file byte-identical to the file at the same path in
the old output is replaced by a hard link to the old one (a copy keeping its
time where links are impossible): unchanged pages keep their bytes *and* their
modification times, so rsync and CDNs transfer nothing for them.
"""

import collections
import contextlib
import copy
import errno
import gc
import hashlib
import importlib
import logging
import marshal
import multiprocessing
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time

from pelican import Pelican, signals

try:
    import fcntl
except ImportError:  # (Windows: builds into one folder at once are not kept apart)
    fcntl = None

from . import cache_folder, uptodate

logger = logging.getLogger(__name__)

# Python's collector runs every 700 allocations by default, and a full collection scans
# every object the build holds (some 150,000 at 2,000 articles): 2 s of a cold build.
GC_THRESHOLD = (10_000, 10, 10)
# The folder of the project's caches where replaced sites are removed in the background.
TRASH = "old-output"


class ErrorCounter(logging.Handler):
    """Counts records at ERROR and above while a build runs, and keeps the warnings
    (``(logger name, level, message)``) to be said again by a build that is skipped."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0
        self.warnings = []

    def emit(self, record):
        """Count one error record, or keep one warning."""
        if record.levelno >= logging.ERROR:
            self.count += 1
        else:
            self.warnings.append((record.name, record.levelno, record.getMessage()))


def build(settings, output_path, refuse_on_errors=False, before_swap=None, keep_unchanged=True,
          previous=None, skip_if_unchanged=False, options=(), before_build=None):
    """Build the site with ``settings`` into ``output_path``; return the number of errors.

    With ``refuse_on_errors`` a build that logged any error leaves ``output_path``
    untouched and raises :class:`BuildRefusedError`.  ``before_swap(staging)``, when
    given, finishes the new site (e.g. precompression) before it replaces the old one.
    With ``keep_unchanged`` (the default), files whose bytes did not change keep the
    old file's modification time (see :func:`keep_unchanged_files`).  ``previous`` is
    the last build of the site when it is not at ``output_path`` (the live preview,
    whose next build is written beside it): its unchanged pages are reused, not
    rendered again.  With ``skip_if_unchanged``, nothing is built when the site in
    ``output_path`` is already what this build would make (see :mod:`.uptodate`; the
    setting ``TINHOI_SKIP_UNCHANGED = False`` turns it off): the last build's warnings
    are logged again and :class:`SiteUnchanged` is raised.  ``options`` (pairs) name
    what else the caller changes the output with (``before_swap``'s settings): a site
    made with other options is never kept.  ``before_build()``, when given, runs once
    the site is to be built, before anything is written (the publish's content check,
    which may raise).  Builds into one folder run one at a time (see
    :func:`one_build_at_a_time`).
    """
    output_path = os.path.abspath(output_path)
    end_forks_with_the_build()
    with one_build_at_a_time(settings, output_path):
        return _build_into(settings, output_path, refuse_on_errors, before_swap,
                           keep_unchanged, previous, skip_if_unchanged, options,
                           before_build)


LOCKS = "build-locks"  # the cache folder of the output folders' locks
# The new site is written beside the last one, in a folder named with the build
# process's number and start time (``.tinhoi-build-<number>.<start>-…``, see
# process_tag): a folder left by a build whose process is gone is a leftover.
STAGING_PREFIX = ".tinhoi-build-"
# The folders a build writes beside the output (the search plugin's work folder of a
# build without a cache is named the same way, ``.tinhoi-search-<number>.<start>-…``).
WORK_FOLDER_PREFIXES = (STAGING_PREFIX, ".tinhoi-search-")


@contextlib.contextmanager
def one_build_at_a_time(settings, output_path):
    """Hold the lock of the folder ``output_path`` while a build makes its site.

    A build reads the last site in ``output_path`` (the pages it reuses, the files
    whose bytes did not change, the search index) while it writes the new one beside
    it, then swaps the two: a second build into the same folder (``make html`` twice,
    or beside ``make publish``) would find the first's site swapped in under it, or
    gone.  It waits, saying so, until the first has put its site in place, then builds
    against that site (or keeps it, when it is what it would make).  The lock is a
    POSIX record lock (``lockf``) on a file of the project's cache named after the
    folder: the build's process holds it, not the processes it forks (a worker or the
    snapshot's writer outliving a build would otherwise hold the next one back), and
    the system lets it go when the process ends.  Without ``fcntl``, or where the file
    cannot be made, nothing is held."""
    handle = _lock_file(settings, output_path)
    if handle is None:
        yield
        return
    try:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            logger.warning("Một bản dựng khác đang ghi vào '%s': chờ bản dựng đó xong…",
                           output_path)
            fcntl.lockf(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _lock_file(settings, output_path):
    """An open handle on the lock file of ``output_path``, or ``None``."""
    if fcntl is None:
        return None
    folder = cache_folder(settings, LOCKS)
    name = hashlib.sha256(output_path.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    try:
        os.makedirs(folder, exist_ok=True)
        return os.open(os.path.join(folder, name), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:  # a project that cannot be written: no lock
        logger.warning("Không khóa được thư mục '%s' (%s): một bản dựng khác vào cùng thư "
                       "mục lúc này sẽ không chờ bản dựng này", output_path,
                       error.strerror or error)
        return None


# Seconds between two looks of a process forked by a build at whether the build's
# process is still there.
PARENT_CHECK_SECONDS = 1.0
_watching = {"registered": False, "parent": None}


def end_forks_with_the_build():
    """Make every process this one forks from now on end once this one is gone.

    A build forks copies of itself (the content pool's workers, the processes
    rendering pages, the feeds' copy, the listing of the last site): killed (the
    terminal closed, ``kill -9``), it left them running for ever, each blocked writing
    to a pipe whose other end it held itself, or waiting for work that never came,
    with tens of megabytes each.  Each forked process now looks every
    :data:`PARENT_CHECK_SECONDS` at whether its parent changed, and ends if so.
    Registered once a process (``os.register_at_fork``); not where there is no fork."""
    if _watching["registered"] or not hasattr(os, "register_at_fork"):
        return
    _watching["registered"] = True
    os.register_at_fork(before=_note_forking_process, after_in_child=_watch_parent)


def _note_forking_process():
    # Noted before the fork, not asked for in the child: a build killed between the
    # fork and the child's first look would otherwise leave it watching its new parent.
    _watching["parent"] = os.getpid()


def _watch_parent():
    parent = _watching["parent"]

    def watch():
        while True:
            time.sleep(PARENT_CHECK_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="tinhoi-parent-watch", daemon=True).start()


def process_tag():
    """``<number>.<start>`` of this process, its start time in clock ticks since the
    machine started (Linux's ``/proc``), or ``<number>`` alone where that is not known:
    a work folder named with it is a leftover once its process is gone, even when
    another process got the number since."""
    pid = os.getpid()
    start = _start_time(pid)
    return str(pid) if start is None else f"{pid}.{start}"


def _start_time(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            # After the command's name (in parentheses, which may hold anything), the
            # start time is the 20th field.
            return int(handle.read().rsplit(b")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def leftover(name):
    """Whether ``name`` is the name of a work folder (:data:`WORK_FOLDER_PREFIXES`) a
    build left (its process gone, or its number now another process's), not that of a
    build running now."""
    prefix = next((p for p in WORK_FOLDER_PREFIXES if name.startswith(p)), None)
    if prefix is None:
        return False
    number, _, start = name[len(prefix):].split("-", 1)[0].partition(".")
    if not number.isdigit():
        return True  # named before builds were named by their process
    if not _running(int(number)):
        return True
    if not start.isdigit():
        return False  # named by the number alone: the process running has it
    now = _start_time(int(number))
    return now is not None and now != int(start)


def _running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _build_into(settings, output_path, refuse_on_errors, before_swap, keep_unchanged,
                previous, skip_if_unchanged, options, before_build):
    previous = os.path.abspath(previous) if previous else output_path
    inputs = None
    if (skip_if_unchanged and previous == output_path
            and settings.get("TINHOI_SKIP_UNCHANGED", True)):
        inputs = uptodate.snapshot(settings,
                                   options=(("keep_unchanged", keep_unchanged), *options))
        warnings = uptodate.still_valid(settings, output_path, inputs)
        if warnings is not None:
            _say_again(warnings)
            raise SiteUnchanged(output_path)
    if before_build is not None:
        before_build()
    parent = os.path.dirname(output_path)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{process_tag()}-", dir=parent)
    # The last site's files, listed by a process of its own while this one builds.
    listing = OldFilesListing(previous) if keep_unchanged else None
    counter = ErrorCounter()
    window = uptodate.ValidityWindow(settings)
    logging.getLogger().addHandler(counter)
    try:
        with collecting_less(), (window.watching() if inputs else contextlib.nullcontext()):
            # A copy: Pelican's readers change nested settings in place (the Markdown
            # extensions), and the caller's settings stay those it loaded.
            Pelican({**copy.deepcopy(settings), "OUTPUT_PATH": staging,
                     "DELETE_OUTPUT_DIRECTORY": False,
                     "RENDER_PREVIOUS_OUTPUT": previous,
                     "SEARCH_PREVIOUS_OUTPUT": previous}).run()
        if refuse_on_errors and counter.count:
            raise BuildRefusedError(counter.count)
        if before_swap is not None:
            before_swap(staging)
        # The manifest's output signature, filled while the unchanged files are kept.
        signature = {} if inputs is not None and keep_unchanged else None
        if keep_unchanged:
            keep_unchanged_files(staging, previous, signature, old_files=listing.result())
        # Whatever build made the site being replaced, its manifest no longer holds.
        uptodate.forget(settings, output_path)
        swap_into_place(staging, output_path, trash=cache_folder(settings, TRASH))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        logging.getLogger().removeHandler(counter)
        if listing is not None:
            listing.stop()
    if inputs is not None and not counter.count and window.span is not None:
        uptodate.remember(settings, output_path, inputs, window.span, counter.warnings,
                          output=signature)
    return counter.count


def _say_again(warnings):
    """Log the warnings of the build whose site is kept, as it logged them."""
    for name, level, message in warnings:
        logging.getLogger(name).log(level, "%s", message)


def preload(settings_file):
    """Import what a build of ``settings_file`` imports (Pelican, the plugins and the
    libraries they use), then forget every module of that but the libraries': a build
    started later in this process imports the plugins, the settings and whatever of the
    project they import afresh, as they are then, and finds every library loaded
    already.  For the live preview's next build, started ahead of the next change
    (imports are a tenth of a rebuild of 2,000 articles).  Whatever fails to load is left
    to the build to report."""
    from pelican import generators, readers, writers  # noqa: F401 — loaded for the build

    before = set(sys.modules)
    # What loading says (a warning about the settings) the build says again once it runs.
    logging.disable(logging.CRITICAL)
    try:
        _import_plugins(settings_file)
    finally:
        logging.disable(logging.NOTSET)
        for name in set(sys.modules) - before:
            if not _is_library(sys.modules[name]):
                del sys.modules[name]


def _import_plugins(settings_file):
    from .settings import load

    try:
        settings = load(settings_file)
    except Exception:  # noqa: BLE001 — the build reports a broken settings file
        return
    # The plugins (``load`` made their folders importable) and the libraries each names
    # in ``PRELOAD`` (imported only when the build needs them: icalendar…), then the
    # Markdown extensions and Pagefind's program's package, imported only when needed too.
    extensions = (settings.get("MARKDOWN") or {}).get("extension_configs") or {}
    later = []
    for name in [*(settings.get("PLUGINS") or []), *extensions, "pagefind_bin_extended",
                 "pagefind_bin"]:
        if isinstance(name, str):
            with contextlib.suppress(Exception):
                module = importlib.import_module(name)
                named = getattr(module, "PRELOAD", ())
                named = (named,) if isinstance(named, str) else named
                later += [library for library in named if isinstance(library, str)]
    for library in later:
        with contextlib.suppress(Exception):
            importlib.import_module(library)


# Where installed libraries live (the standard library's and the environment's folders).
LIBRARY_FOLDERS = tuple(sorted({os.path.join(os.path.abspath(path), "")
                                for key, path in sysconfig.get_paths().items()
                                if key in ("stdlib", "platstdlib", "purelib", "platlib")}))


def _is_library(module):
    """Whether ``module`` is part of Python or of an installed library (not a plugin, a
    settings file or anything else of the project: those may change between builds)."""
    file = getattr(module, "__file__", None)
    paths = [file] if file else list(getattr(module, "__path__", None) or [])
    return all(os.path.abspath(path).startswith(LIBRARY_FOLDERS) for path in paths)


@contextlib.contextmanager
def collecting_less():
    """Collect garbage less often while a build runs, and not in what it holds once every
    generator has read its content (see :func:`_freeze_what_the_build_holds`); as before
    afterwards, also when the build fails."""
    threshold = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    # Once the articles are read, before the plugins' passes over them (connected first:
    # before the plugins'), and again once every generator has read its content.
    signals.article_generator_finalized.connect(_freeze_what_the_build_holds)
    signals.all_generators_finalized.connect(_freeze_what_the_build_holds)
    try:
        yield
    finally:
        signals.article_generator_finalized.disconnect(_freeze_what_the_build_holds)
        signals.all_generators_finalized.disconnect(_freeze_what_the_build_holds)
        gc.unfreeze()
        gc.set_threshold(*threshold)


def _freeze_what_the_build_holds(_sender):
    """Move every object alive now (articles, contexts, the plugins' indexes: they live
    to the end of the build) out of the collector's sight: it no longer scans them, and
    the processes forked to render pages do not write to them (fewer pages copied).
    Done first once the articles are read: the plugins' passes over them (organisations,
    related articles, JSON-LD) ran with the whole site in sight of the collector, 0.1 s
    of collections at 5,000 articles with the other core idle, 0.01 s now."""
    gc.freeze()


class SiteUnchanged(Exception):  # noqa: N818 — not an error: the build had nothing to do
    """Nothing changed since the last build of the site: it was kept as it is."""

    def __init__(self, output_path):
        super().__init__(output_path)
        self.output_path = output_path


class BuildRefusedError(Exception):
    """A publish build logged errors, so the previous site was kept."""

    def __init__(self, errors):
        super().__init__(f"{errors} lỗi")
        self.errors = errors


def swap_into_place(staging, output_path, trash=None):
    """Replace ``output_path`` by ``staging`` with two renames, then drop the old site.

    With ``trash`` (a folder, made if missing), the old site is moved into it and
    removed there by a process of its own, which the build does not wait for:
    removing thousands of files took 1.1 s on this machine's disk (0.16 s on tmpfs) at
    the end of every build.  Where it cannot be moved there (another file system) or
    that process cannot start, it is removed at once, as without ``trash``."""
    os.chmod(staging, 0o755)
    old = None
    if os.path.exists(output_path):
        old = tempfile.mkdtemp(prefix=".tinhoi-old-", dir=os.path.dirname(output_path))
        os.rmdir(old)
        os.rename(output_path, old)
    os.rename(staging, output_path)
    if old:
        discard(old, trash)


# Removes everything in the trash folder given as its argument (the standard library
# only: it runs in a Python of its own, started without the project's imports).
EMPTY_TRASH = ("import os, shutil, sys\n"
               "for name in os.listdir(sys.argv[1]):\n"
               "    shutil.rmtree(os.path.join(sys.argv[1], name), ignore_errors=True)\n")


def discard(folder, trash=None):
    """Remove ``folder``: moved into ``trash`` and removed there in the background when
    ``trash`` is given and that works, else at once.  Whatever an earlier background
    removal left in ``trash`` (stopped by a shutdown) is removed with it."""
    if trash is not None:
        try:
            os.makedirs(trash, exist_ok=True)
            os.rename(folder, os.path.join(trash, os.path.basename(folder)))
        except OSError as error:  # another file system, no room to write…
            logger.debug("old site not moved to %s: %s", trash, error)
        else:
            try:
                subprocess.Popen([sys.executable, "-I", "-S", "-c", EMPTY_TRASH, trash],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
                return
            except OSError as error:
                logger.debug("no background removal (%s): removed now", error)
                folder = trash
    shutil.rmtree(folder, ignore_errors=True)


# What the listing process noted of a file, read as an ``os.stat_result`` is.
OldFile = collections.namedtuple("OldFile", "st_mode st_ino st_dev st_size st_mtime_ns")


class OldFilesListing:
    """The regular files of the last site (:func:`_regular_files`), listed by a forked
    copy of the build process while the build runs.

    Walking a site of 2,000 articles (7,000 files in 5,000 folders) took 0.1 to 0.2 s
    at the end of every build, in the build process; the folder does not change while
    a build writes its new site beside it, so a copy walks it meanwhile, on the core the
    build leaves idle while it reads the articles.  :meth:`result` is ``None`` when there
    is no such folder, no ``fork`` or the copy failed: the caller walks it then.
    """

    def __init__(self, folder):
        self.process = self._receiver = None
        if not os.path.isdir(folder) or "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        try:
            self.process = context.Process(target=_send_listing, args=(folder, sender),
                                           name="tinhoi-listing", daemon=True)
            self.process.start()
        except OSError as error:  # no process left to fork, no memory…
            logger.debug("last site not listed in the background (%s)", error)
            self.process = None
            receiver.close()
        else:
            self._receiver = receiver
        finally:
            sender.close()

    def result(self):
        """``{relative path: OldFile}`` of the folder's regular files, or ``None``."""
        if self.process is None:
            return None
        try:
            found = marshal.loads(self._receiver.recv_bytes())
        except (EOFError, OSError, ValueError) as error:  # the copy died or sent nothing
            logger.debug("last site's listing lost (%s): walked again", error)
            found = None
        self.stop()
        return None if found is None else {
            relative: OldFile(*mark) for relative, mark in found.items()}

    def stop(self):
        """End the listing process if it still runs (a build that failed)."""
        if self.process is not None:
            self.process.kill()
            self.process.join()
            self._receiver.close()
            self.process = self._receiver = None


def _send_listing(folder, sender):
    """In the forked copy: send :func:`_regular_files` of ``folder``, marshalled."""
    sender.send_bytes(marshal.dumps({
        relative: (stat.st_mode, stat.st_ino, stat.st_dev, stat.st_size, stat.st_mtime_ns)
        for relative, stat in _regular_files(folder).items()}))


def keep_unchanged_files(staging, output_path, signature=None, old_files=None):
    """Put the old file in place of every staged file with the same bytes.

    Each staged regular file byte-identical to the regular file at the same path in
    ``output_path`` is replaced by a hard link to that old file (or a copy keeping
    its modification time), so it keeps the old bytes and time.  Logs and returns
    ``(unchanged, changed, removed)``: changed counts new files too, removed the old
    files with no counterpart in the new site.  ``signature``, when given (a dict), is
    filled with the staged site's :func:`.uptodate.output_signature` as it is once the
    old files are in place: the site's files are then walked once, not twice.
    ``old_files``: :func:`_regular_files` of ``output_path``, when listed already
    (:class:`OldFilesListing`); a file listed there and gone since counts as changed.
    """
    unchanged = changed = 0
    if old_files is None:
        old_files = _regular_files(output_path) if os.path.isdir(output_path) else {}
    staged = list(uptodate.entries_under(staging))
    new_files = _regular_files(staging, staged)
    kept = {}
    for relative in sorted(new_files):
        new_stat, old_stat = new_files[relative], old_files.get(relative)
        if old_stat is None:
            changed += 1
            continue
        # A staged file may already be the old one (linked in by the render plugin: most
        # pages after an edit), which is the same without a look at its bytes; renaming
        # a link over another link to the same file would do nothing.
        if not _same_file(new_stat, old_stat):
            new, old = os.path.join(staging, relative), os.path.join(output_path, relative)
            try:
                if not _same_bytes(new, old, new_stat, old_stat):
                    changed += 1
                    continue
                link_in_place(old, new)
            except OSError:  # gone or unreadable since the old site was listed
                with contextlib.suppress(OSError):
                    os.unlink(new + KEEP_SUFFIX)  # a copy cut short: never published
                changed += 1
                continue
        kept[relative.replace(os.sep, "/")] = old_stat  # as entries_under spells it
        unchanged += 1
    removed = sum(1 for relative in old_files if relative not in new_files)
    if signature is not None:
        signature.update(uptodate.output_signature(staging, staged, kept))
    logger.info("Kết quả: %d tệp không đổi (giữ nguyên), %d tệp mới hoặc đã đổi, %d tệp bị bỏ",
                unchanged, changed, removed)
    return unchanged, changed, removed


def _regular_files(folder, entries=None):
    """``{path relative to folder: stat}`` of every regular file under ``folder`` (links
    not followed; other kinds of file are left out, so they never count as the same);
    ``entries``: the folder's :func:`.uptodate.entries_under`, when walked already."""
    if entries is None:
        entries = uptodate.entries_under(folder)
    return {relative.replace("/", os.sep): entry.stat(follow_symlinks=False)
            for relative, entry in entries
            if entry.is_file(follow_symlinks=False)}


def _same_file(new_stat, old_stat):
    """Whether both are the one file (a staged hard link to the old file); never where
    the system gives no inode numbers (0, as ``os.DirEntry.stat`` does on Windows)."""
    return bool(new_stat.st_ino) and (new_stat.st_dev, new_stat.st_ino) == (
        old_stat.st_dev, old_stat.st_ino)


def _same_bytes(new, old, new_stat, old_stat, chunk=1 << 16):
    if new_stat.st_size != old_stat.st_size:
        return False
    with open(new, "rb") as a, open(old, "rb") as b:
        while True:
            left, right = a.read(chunk), b.read(chunk)
            if left != right:
                return False
            if not left:
                return True


KEEP_SUFFIX = ".tinhoi-keep"  # the old file's link or copy, before it is renamed into place


def link_in_place(source, target):
    """Put ``source`` at ``target``: a hard link (a copy keeping its time where links are
    impossible), renamed over whatever ``target`` was, never written through it."""
    temporary = target + KEEP_SUFFIX
    try:
        os.link(source, temporary)
    except OSError:
        shutil.copy2(source, temporary)
    os.replace(temporary, target)
    # Renaming a link over another link to the same file does nothing, and leaves the
    # temporary name (a site swapped in by another build since the last one was listed).
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)
