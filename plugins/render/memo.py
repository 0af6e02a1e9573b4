"""The pages of the last build and what each one read, kept between builds."""

import contextlib
import hashlib
import importlib.metadata
import logging
import os
import pickle
import platform
import sys
import sysconfig
import time
from array import array
from pathlib import Path

from jinja2.runtime import missing

from .files import write_atomically
from .fingerprint import Fingerprinter, combine_attributes, identity
from .forked import ForkedCall
from .memory import release_page_memory
from .states import ContentStates, links_free
from .trace import read_attribute, whole_digest

logger = logging.getLogger(__name__)

FORMAT_VERSION = 10
# Pages or reads per pickle in the saved memo.
SAVED_CHUNK = 2000
# Settings that differ between two builds of the same site without changing any page:
# where the output goes, the build's clock (pages see the clock only through what the
# plugins computed from it, which their traces hold), how pages are rendered and how
# articles are read (the same articles either way).
VOLATILE_SETTINGS = frozenset({"OUTPUT_PATH", "TINHOI_NOW", "RENDER_PREVIOUS_OUTPUT",
                               "SEARCH_PREVIOUS_OUTPUT", "RENDER_PROCESSES",
                               "RENDER_MIN_PARALLEL", "RENDER_BATCH", "RENDER_CACHE_KEEP",
                               "TINHOI_WORKERS", "TINHOI_SNAPSHOT"})
# Reads checked between two releases of the article bodies rendered to check them.
RELEASE_EVERY = 2000
# Fewer stored reads than this are checked in one process (forking costs more).
PARALLEL_READS = 4000
# Fewer content objects than this have their states taken in one process.
PARALLEL_STATES = 400
# Pages recorded before every stored read is indexed (see ``RenderMemo._start_recording``).
INDEX_ALL_AFTER = 1000
LIBRARIES = ("pelican", "jinja2", "markupsafe", "babel")
MEMO_PREFIX = "memo-"
LEGACY_MEMO = "memo.pickle"  # the one memo of every build, before memos by fingerprint
CONTENT_LISTS = ("articles", "translations", "drafts", "drafts_translations",
                 "hidden_articles", "hidden_translations", "pages", "hidden_pages",
                 "draft_pages")


def build_fingerprint(settings, templates=True):
    """What every page depends on besides its traced reads: the theme's templates, the
    plugins' code, the libraries' versions and the settings.  ``None`` when a setting
    cannot be digested (nothing is then reused).  ``templates=False`` leaves the
    templates out (the compiled templates are checked against their own sources)."""
    digest = hashlib.sha256(f"{FORMAT_VERSION} {platform.python_version()}".encode())
    for library in LIBRARIES:
        try:
            digest.update(f"{library} {importlib.metadata.version(library)}\n".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{library} -\n".encode())
    folders = [Path(settings.get("THEME", "")) / "templates",
               *map(Path, settings.get("THEME_TEMPLATES_OVERRIDES", []) or [])] \
        if templates else []
    folders += map(Path, settings.get("PLUGIN_PATHS", []) or [])
    for folder in folders:
        _digest_folder(digest, folder)
    fingerprinter = Fingerprinter(code_roots=_code_roots(settings))
    for name in sorted(settings):
        if name in VOLATILE_SETTINGS:
            continue
        value = fingerprinter.digest(settings[name])
        if value is None:
            logger.debug("render: setting %s cannot be digested; every page is rendered", name)
            return None
        digest.update(name.encode() + b"=" + value)
    return digest.hexdigest()


def _code_roots(settings):
    """The folders whose code the fingerprint holds otherwise: the plugins' (their
    sources), the libraries' and Python's own (their versions), this project's package."""
    roots = {os.path.abspath(folder) for folder in settings.get("PLUGIN_PATHS", []) or []}
    roots.update(os.path.abspath(path) for key in ("stdlib", "platstdlib", "purelib", "platlib")
                 if (path := sysconfig.get_paths().get(key)))
    roots.update(os.path.abspath(path) for path in (sys.prefix, sys.base_prefix))
    roots.add(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the plugins
    return tuple(sorted(roots))


def memo_path(folder, fingerprint):
    """Where the memo of builds with ``fingerprint`` is kept in ``folder``: one file per
    fingerprint, so that builds with other settings (the preview's, ``make publish``'s)
    keep theirs instead of replacing it."""
    return os.path.join(folder, f"{MEMO_PREFIX}{(fingerprint or 'none')[:24]}.pickle")


def prune_memos(folder, current, keep):
    """Remove the memos in ``folder`` but ``current`` and the ``keep - 1`` others used
    last (and the single memo of older versions)."""
    others, removed = [], []
    for name in _listdir(folder):
        path = os.path.join(folder, name)
        if name == LEGACY_MEMO:
            removed.append(path)
        elif name.startswith(MEMO_PREFIX) and name.endswith(".pickle") and path != current:
            try:
                others.append((_last_used(path), path))
            except OSError:
                continue
    others.sort(reverse=True)  # the memos used last first
    removed += [path for _, path in others[max(0, keep - 1):]]
    for path in removed:
        with contextlib.suppress(OSError):  # removed by another build meanwhile
            os.unlink(path)


def _names_digest(keys, digests):
    """One digest for the values of a page's context names (``None`` if one has none)."""
    if None in digests:
        return None
    digest = hashlib.blake2b(digest_size=16)
    for key, value in zip(keys, digests, strict=True):
        digest.update(key.encode() + b"\0" + value)
    return digest.digest()


def _mark_used(path):
    """Set the memo's access time to now (its modification time stays that of its
    bytes): memos are pruned by last use, and a build that changes nothing does not
    write its memo again."""
    try:
        os.utime(path, ns=(time.time_ns(), os.stat(path).st_mtime_ns))
    except OSError:
        pass


def _last_used(path):
    """When the memo at ``path`` was last loaded or written (nanoseconds)."""
    found = os.stat(path)
    return max(found.st_atime_ns, found.st_mtime_ns)


def _listdir(folder):
    """The names in ``folder``, or none when it cannot be read."""
    try:
        return os.listdir(folder)
    except OSError:
        return []


def file_key(path):
    """``(device, inode, size, mtime in ns)`` of the file at ``path``, or ``None``."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


def file_digest(path):
    """The digest of the bytes of the file at ``path`` (``None`` if it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            return hashlib.blake2b(handle.read(), digest_size=16).digest()
    except OSError:
        return None


def _digest_folder(digest, folder):
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())


# The tuples of attribute names in the reads' keys, one object for each.
_names_tuples = {}


def _shared_key(key):
    """A read's key with its article's identity (and the names read) shared: the same
    identity arrives from every page (and every process) that read the article, as a
    new string."""
    if isinstance(key, tuple):
        return (sys.intern(key[0]), _names_tuples.setdefault(key[1], key[1]))
    return sys.intern(key)


# The memo and environment whose reads a forked process checks (set while it runs).
_forked = {"memo": None, "env": None}


def _states_in_child(names):
    """In a forked process: :meth:`RenderMemo._states_among` ``names``."""
    return _forked["memo"]._states_among(names)


def _stale_in_child(indices):
    """In a forked process: the stale ones among ``indices`` (see ``_stale_reads``)."""
    return sorted(_forked["memo"]._stale_among(_forked["env"], indices))


class RenderMemo:
    """The pages of the last build, for one build fingerprint.

    ``pages``: ``{output name: (template name, ((context name, …), digest of their
    values), array of read ids, digest of the bytes)}``; ``reads``: ``[(kind, key,
    scope, digest)]``, the reads of content objects (``"g"``: some of an article's
    attributes, ``key`` ``(identity, names)``; ``"w"``: all of it, ``key`` its
    identity), shared by every page that made them (an article's card is read by
    dozens of pages), so each is checked once per build.  ``states``: ``{identity:
    digest}`` of the state of each content object whose reads follow from its state
    alone (see :mod:`.states`), as it was when the pages were last checked: the reads
    of an object whose state is the same are not checked again.  ``calls``: ``{digest
    of a call of the writer's write_file: (names Pelican gave its pages, (context
    name, …) its pages read from the site's context, digest of their values)}`` (see
    ``RenderWriter._reuse_call``).
    """

    def __init__(self, path, fingerprint):
        self.path, self.fingerprint = path, fingerprint
        self.pages, self.reads = {}, []
        self.states = {}
        self.calls = {}
        # ``{context name: digest}`` of the names the page last found unchanged read.
        self.last_names = None
        self.settings = None  # the build's (set by the writer): its articles' settings
        self._states_now = None  # this build's, taken before the first page is checked
        # ``{output name: (device, inode, size, mtime)}`` of each page's file when its
        # bytes were last known to be the memo's: a check reads the file only when not.
        self.files = {}
        # Whether anything differs from the memo on disk (a build that changed nothing
        # neither renumbers nor saves it: at 5,000 articles, both took the peak memory).
        self._dirty = False
        self.fingerprinter = Fingerprinter()
        self.contents = {}
        self._seen_tables, self._tables = set(), []  # tables kept alive: ids stay unique
        self.context = {}
        self._stale = None
        self._read_ids = self._variants = None
        self._fresh, self._added, self._recorded = None, {}, 0
        self._keys = {}
        if fingerprint is not None:
            self._load()

    def _load(self):
        try:
            with open(self.path, "rb") as handle:
                header = pickle.load(handle)
                if header.get("fingerprint") != self.fingerprint:
                    logger.info("render: giao diện, plugin hoặc thiết lập đã đổi; "
                                "dựng lại mọi trang")
                    return
                pages, reads = {}, []
                for _ in range(header["page_chunks"]):
                    pages.update(pickle.load(handle))
                for _ in range(header["read_chunks"]):
                    reads.extend((kind, _shared_key(key), scope, digest)
                                 for kind, key, scope, digest in pickle.load(handle))
                files = pickle.load(handle)
                states = pickle.load(handle)
                calls = pickle.load(handle)
                if type(calls) is not dict or not all(
                        type(entry) is tuple and len(entry) == 3 for entry in calls.values()):
                    raise ValueError("the calls kept are not (names, keys, digest)")
        except FileNotFoundError:
            if any(name.startswith(MEMO_PREFIX) for name in _listdir(os.path.dirname(self.path))):
                logger.info("render: chưa có bộ nhớ trang cho giao diện, plugin và thiết lập "
                            "này (đã đổi, hoặc lần dựng đầu với chúng); dựng mọi trang")
            return
        except Exception as error:  # noqa: BLE001 — a damaged memo is only a cold start
            logger.warning("render: bộ nhớ trang %s hỏng (%s); dựng lại mọi trang", self.path,
                           error)
            return
        self.pages, self.reads, self.files, self.calls = pages, reads, files, calls
        self.states = {_shared_key(name): digest for name, digest in states.items()}
        _mark_used(self.path)

    def know_contents(self, context):
        """The content objects of this build (from a generator's ``context``), by
        identity, to check traced reads against."""
        self.context = context
        for key in ("generated_content", *CONTENT_LISTS):
            table = context.get(key) or ()
            if id(table) in self._seen_tables:
                continue
            self._seen_tables.add(id(table))
            self._tables.append(table)
            for content in (table.values() if isinstance(table, dict) else table):
                for item in (content, *getattr(content, "translations", [])):
                    name = identity(item)
                    if name:
                        self.contents.setdefault(name, item)

    def unchanged(self, name, template, localcontext, scope):
        """The digest of the last bytes of page ``name`` if every read it made gives
        the same digest now, else ``None`` (``scope``: the site's ``localsiteurl`` the
        page is rendered with)."""
        stored = self._stored_page(name, template)
        if stored is None:
            return None
        template_name, (keys, was), read_ids, output_digest = stored
        globals_ = template.environment.globals
        digest = self.fingerprinter.digest
        digests = [digest(localcontext[key] if key in localcontext
                          else globals_.get(key, missing)) for key in keys]
        now = _names_digest(keys, digests)
        if now is None or now != was:
            logger.debug("render: %s changed (a context name among %s)", name, keys)
            return None
        if not self._reads_unchanged(name, read_ids, template.environment, scope):
            return None
        self.last_names = dict(zip(keys, digests, strict=True))
        return output_digest

    def reusable(self, name, template, scope):
        """The digest of the last bytes of page ``name`` if it was made with ``template``
        and none of the content objects' attributes it read (in ``scope``) changed, else
        ``None``; its context names are not checked (the caller knows they are the same)."""
        stored = self._stored_page(name, template)
        if stored is None or not self._reads_unchanged(name, stored[2], template.environment,
                                                       scope):
            return None
        return stored[3]

    def _stored_page(self, name, template):
        """The last build's page ``name`` if it was made with ``template``, else ``None``
        (the states of this build's content objects are taken first, once)."""
        if self.fingerprint is None:
            return None
        if self._states_now is None:  # before any page of this build is rendered
            self._states_now = self._current_states() if self.settings is not None else {}
        stored = self.pages.get(name)
        return stored if stored and stored[0] == template.name else None

    def _reads_unchanged(self, name, read_ids, env, scope):
        # A page's reads were made in its scope: in another (the site's localsiteurl left
        # by another page before it), an article's body gives other relative links.
        if read_ids and self.reads[read_ids[0]][2] != scope:
            logger.debug("render: %s changed (read in scope %r, now %r)", name,
                         self.reads[read_ids[0]][2], scope)
            return False
        if self._stale is None:
            self._stale = self._stale_reads(env)
        if not self._stale.isdisjoint(read_ids):
            logger.debug("render: %s changed (%s)", name,
                         [self.reads[i][:2] for i in read_ids if i in self._stale][:3])
            return False
        return True

    def _current_states(self):
        """``{identity: digest}`` of the state of each content object of this build
        whose reads follow from its state alone (see :mod:`.states`), half of them
        taken in a forked process when there are many."""
        names = list(self.contents)
        if len(names) < PARALLEL_STATES or (os.cpu_count() or 1) < 2:
            return self._states_among(names)
        return self._in_halves(names, self._states_among, _states_in_child, "tinhoi-states",
                               env=None)

    def _states_among(self, names):
        """:meth:`_current_states` of the content objects ``names``."""
        states, now = ContentStates(self.settings), {}
        for name in names:
            content = self.contents[name]
            state = states.of(content)
            # Only objects free of links are kept, so one whose state is kept already
            # (the same body) need not be looked into again.
            if state is not None and (self.states.get(name) == state or links_free(content)):
                now[name] = state
        return now

    def _stale_reads(self, env):
        """The ids of the stored reads whose digest is not the same now: the reads of
        the content objects whose state changed (or that have none, see
        :mod:`.states`), checked in two processes when there are many (each read is some
        attributes of an article to read and digest again: after an edit, most of a
        second of a build of 2,000 articles when every article's reads were checked)."""
        same = {name for name, state in self._states_now.items()
                if self.states.get(name) == state}
        # By scope, then by article: the attributes an article's reads share are read
        # once (see ``_stale_among``).
        by_scope = sorted((i for i in range(len(self.reads)) if self._identity_of(i) not in same),
                          key=lambda i: (repr(self.reads[i][2]), self._identity_of(i)))
        if len(by_scope) < PARALLEL_READS or (os.cpu_count() or 1) < 2:
            return self._stale_among(env, by_scope)
        # Halves, each checking its run of articles with its own digests.
        return self._in_halves(by_scope, lambda indices: self._stale_among(env, indices),
                               _stale_in_child, "tinhoi-memo", env=env)

    def _in_halves(self, items, here, child, name, env):
        """``here(items)`` (a set or dict) for the first half of ``items``, and for the
        second half ``child(second half)`` in a forked process meanwhile (which sees this
        memo and ``env``); a process that dies leaves its half to this one."""
        half = len(items) // 2
        _forked.update(memo=self, env=env)
        theirs = None
        try:
            theirs = ForkedCall(child, items[half:], name=name)
            found = here(items[:half])
            done = theirs.result()
            found.update(here(items[half:]) if done is None else done)
        finally:
            if theirs is not None:
                theirs.stop()
            _forked.update(memo=None, env=None)
        return found

    def _identity_of(self, index):
        kind, key = self.reads[index][:2]
        return key[0] if kind == "g" else key

    def _stale_among(self, env, indices):
        """The ids among ``indices`` of the stored reads whose digest changed (``indices``
        in order of scope and article: the digests of one article's attributes are kept
        while its reads are checked, not for the whole site)."""
        stale = set()
        saved = self.context.get("localsiteurl")
        digest = self.fingerprinter.digest
        current, attributes = None, {}
        try:
            for checked, index in enumerate(indices, 1):
                if checked % RELEASE_EVERY == 0:
                    release_page_memory(trim=False)  # bodies rendered to be digested
                kind, key, scope, was = self.reads[index]
                # Content links are made relative to the site's localsiteurl: as it was
                # when the page was rendered.
                self.context["localsiteurl"] = scope
                identity_ = key[0] if kind == "g" else key
                if (identity_, scope) != current:
                    current, attributes = (identity_, scope), {}
                content = self.contents.get(identity_)
                if content is None:
                    now = None
                elif kind == "g":
                    parts = []
                    for name in key[1]:
                        part = attributes.get(name, missing)
                        if part is missing:
                            part = attributes[name] = digest(read_attribute(env, content, name))
                        parts.append(part)
                    now = combine_attributes(parts)
                else:
                    now = whole_digest(self.fingerprinter, env, content, scope)
                if now != was:
                    stale.add(index)
        finally:
            self.context["localsiteurl"] = saved
        return stale

    def same_file(self, name, path, output_digest):
        """Whether the file at ``path`` holds page ``name``'s last bytes (``output_digest``):
        it is the file last found to (same device, inode, size and modification time),
        or its bytes have that digest."""
        key = file_key(path)
        if key is None:
            return False
        if self.files.get(name) == key:
            return True
        if file_digest(path) != output_digest:
            return False
        self.files[name] = key
        self._dirty = True
        return True

    def record(self, name, template_name, reads, output_digest, scope, path):
        """Remember page ``name``, just written to ``path`` (``reads`` ``None``: it
        cannot be reused)."""
        self._dirty = True
        key = file_key(path)
        if key is None or reads is None:
            self.files.pop(name, None)
        else:
            self.files[name] = key
        if reads is None:
            self.pages.pop(name, None)
            return
        names = [(key, digest) for kind, key, digest in reads if kind == "n"]
        # The names a page reads are the same for most pages of a template: one tuple
        # for all of them, and one digest per page.
        keys = tuple(key for key, _ in names)
        keys = self._keys.setdefault(keys, keys)
        self._start_recording()
        # The page's last reads are looked at first: a page rendered again after an edit
        # mostly read what it read before.
        last = self.pages.get(name)
        own = {self.reads[index]: index for index in last[2]} if last else {}
        # An array, not a tuple of ints: a large site's pages hold hundreds of thousands.
        ids = self._read_ids_of(reads, scope, own)
        self.pages[name] = (template_name, (keys, _names_digest(keys, [d for _, d in names])),
                            ids, output_digest)

    def _start_recording(self):
        """Make the tables of this build's reads, and the index of every read once the
        build is a cold one (no stored reads) or renders many pages: it takes 8 MiB at
        5,000 articles, the peak of an edit build, which needs no more than the tables."""
        if self._fresh is None:
            self._fresh = bytearray(len(self.reads))
        self._recorded += 1
        if self._read_ids is None and (not self.reads or self._recorded >= INDEX_ALL_AFTER):
            self._read_ids, self._variants, self._added = {}, {}, {}
            for index, stored in enumerate(self.reads):
                self._index(stored, index)

    def _read_ids_of(self, reads, scope, own):
        """The indices in ``reads`` of a page's reads of content objects, each added if new.

        A read (``(kind, key, scope, digest)``) is looked for among ``own`` (``{read:
        index}`` of the page's last reads), the reads added by this build (``_added``),
        then, when it is made, the index of every read: ``_read_ids`` finds the latest
        read of each key in each scope, and the other reads of a key and scope (the last
        build's digest still referred to by pages not rendered again) are in
        ``_variants``, by the whole read.  ``_fresh`` marks the reads made in this build,
        whose digests :meth:`recall` gives to the processes rendering later pages.  One
        loop for the 50,000 reads of a cold build of 2,000 articles, which finds every
        read in the index alone.
        """
        ids = array("I")
        append = ids.append
        stored, fresh, added = self.reads, self._fresh, self._added
        latest, variants = self._read_ids, self._variants
        for kind, key, digest in reads:
            if kind == "n":
                continue
            key = _shared_key(key)
            read = (kind, key, scope, digest)
            index = own.get(read) if own else None
            if index is None and added:
                index = added.get(read)
            if index is None and latest is not None:
                index = latest.get((key, scope))
                if index is not None and stored[index] != read:
                    index = variants.get(read)
            if index is None:
                index = len(stored)
                stored.append(read)
                fresh.append(0)
                if latest is not None:
                    self._index(read, index)
                else:
                    added[read] = index
            fresh[index] = 1
            append(index)
        return ids

    def _index(self, read, index):
        key = read[1], read[2]
        latest = self._read_ids.get(key)
        if latest is not None:
            self._variants[self.reads[latest]] = latest
        self._read_ids[key] = index

    def recall(self, key, scope):
        """The digest of the attributes read ``key`` (``(identity, names)``) in ``scope``
        if a page of this build made it already, else ``None``."""
        if not self._read_ids:
            return None
        index = self._read_ids.get((key, scope))
        if index is None or not self._fresh[index]:
            return None
        kind, _, _, digest = self.reads[index]
        return digest if kind == "g" else None

    def keep_calls(self, calls):
        """Keep ``calls`` (``{key: entry}``, see the class) as this build's, those of
        the last build the writer did not make again forgotten."""
        if calls != self.calls:
            self.calls, self._dirty = calls, True

    def forget_except(self, names):
        """Drop the pages this build did not write, and the reads no page refers to."""
        if any(name not in names for name in self.pages):
            self.pages = {name: page for name, page in self.pages.items() if name in names}
            self._dirty = True
        if not self._dirty:
            return  # the pages and reads of the last build, all in use
        self.files = {name: key for name, key in self.files.items() if name in self.pages}
        self._read_ids = self._variants = None
        self._fresh, self._added = None, {}
        # One byte a read, not a set of ints: this runs when the build holds the most.
        used = bytearray(len(self.reads))
        for page in self.pages.values():
            for index in page[2]:
                used[index] = 1
        if used.count(0) == 0:
            return  # every read is used (built anew, the tables would only take memory)
        renumber = array("I", bytes(4 * len(self.reads)))
        kept = []
        for old, is_used in enumerate(used):
            if is_used:
                renumber[old] = len(kept)
                kept.append(self.reads[old])
        self.reads = kept
        self.pages = {name: (t, n, array("I", [renumber[i] for i in ids]), d)
                      for name, (t, n, ids, d) in self.pages.items()}

    def _dump(self, stream):
        """A header, then the pages and the reads in chunks: pickle remembers every
        object it writes until the end of a dump, which for one dump of a large site's
        memo took more memory than any batch of pages."""
        pages = list(self.pages.items())
        page_chunks = [dict(pages[start:start + SAVED_CHUNK])
                       for start in range(0, len(pages), SAVED_CHUNK)]
        read_starts = range(0, len(self.reads), SAVED_CHUNK)
        pickle.dump({"fingerprint": self.fingerprint, "page_chunks": len(page_chunks),
                     "read_chunks": len(read_starts)}, stream, protocol=pickle.HIGHEST_PROTOCOL)
        for chunk in page_chunks:
            pickle.dump(chunk, stream, protocol=pickle.HIGHEST_PROTOCOL)
        for start in read_starts:
            pickle.dump(self.reads[start:start + SAVED_CHUNK], stream,
                        protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(self.files, stream, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(self.states, stream, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(self.calls, stream, protocol=pickle.HIGHEST_PROTOCOL)

    def save(self):
        """Write the memo atomically (a reader never sees half of it), unless it is the
        one on disk."""
        if self.fingerprint is None:
            return
        if self._states_now is not None and self._states_now != self.states:
            # The stored reads are those of this build's states now (checked, or made).
            self.states, self._dirty = self._states_now, True
        if not self._dirty:
            return
        try:
            write_atomically(self.path, self._dump)
        except OSError as error:
            logger.warning("render: không ghi được bộ nhớ trang %s: %s", self.path, error)
