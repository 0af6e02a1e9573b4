"""render: render only the pages whose inputs changed, on every core.

Pelican renders and writes every page on every build, on one core.  This plugin's
writer (``get_writer``) instead

1. checks each page Pelican asks it to write: a page is reused from the last build
   when every value its template read last time (context names, article attributes,
   articles handed to filters) has the same digest now (see :mod:`.trace`) and the
   build's fingerprint (templates, plugin code, library versions, settings) is the
   same: the old file is hard-linked into the new output at once, after its bytes are
   checked against the digest kept for it.  A whole call of ``write_file`` (a page, or a
   listing's pages) is reused before Pelican makes its pages' contexts when it is the
   same call as last time and its pages read the same values (see
   :meth:`RenderWriter._reuse_call`);
2. queues the other pages, and writes the queue every ``RENDER_BATCH`` pages, once the
   articles and once the pages are all asked for (the search index starts on their
   shards while the other generators run), and once every generator has run (before
   the static files are copied and before ``finalized``, when the search index reads
   the pages);
3. renders the queued pages in ``RENDER_PROCESSES`` processes (forked, so they
   share everything already computed), each page taken by the first process free,
   and forwards their log records in page order, so the output is the same as a
   serial build's and the log in the same order.

It also fixes each article's and page's URL once the content is final
(``override_url``), since Pelican formats it again on every use, tens of thousands
of times in a build; it remembers Pelican's slugs, for the next build too
(:mod:`.slugs`), and each file's path relative to ``PATH`` for the build
(:mod:`.paths`).

Pelican's ``content_written`` signal is sent when a page is queued; its file exists
once the queue is flushed, before ``finalized``.  The ``render_pages_written`` signal
(a blinker signal of that name) is sent after each batch of pages is written; another
plugin sends ``render_write_queued`` to have the queue written at once.

Settings (defaults in ``DEFAULTS``):
``RENDER_CACHE`` (``True``) — reuse unchanged pages (``False``: render all, keep nothing,
and trace nothing: what a page reads is neither noted nor digested);
``RENDER_CACHE_PATH`` (``".cache/render"``) — where the traces are kept, relative to
the folder holding ``PATH`` (or absolute);
``RENDER_CACHE_KEEP`` (``3``) — how many memos are kept, one per build fingerprint (the
live preview, ``make html`` and ``make publish`` each have their own settings, and so
their own memo: switching from one to another renders nothing again), and as many
folders of compiled templates, the ones used last (one for each set of settings and
Jinja options);
``RENDER_PROCESSES`` (``None``: one per core) — processes rendering pages;
``RENDER_MIN_PARALLEL`` (``40``) — fewer pages than this render in one process;
``RENDER_BATCH`` (``500``) — pages to render queued before they are rendered (a queued
page holds a copy of the context: this bounds the memory the queue takes);
``RENDER_PREVIOUS_OUTPUT`` (``None``: ``OUTPUT_PATH``) — where the last build's pages
are, for a build written to a fresh folder (``tinhoi build`` sets it);
``RENDER_TEMPLATE_CACHE`` (``True``) — keep the compiled templates in
``RENDER_CACHE_PATH/templates`` for every generator and the next builds (see
:mod:`.templates`; only with ``RENDER_CACHE``);
``RENDER_ESCAPE_MEMO`` (``True``) — templates remember the escaped form of short texts
(see :mod:`.escape`; the same bytes);
``RENDER_PERIOD_ARCHIVES`` (``True``) — Pelican's year, month and day archives grouped in
one pass, not one per period (see :mod:`.archives`; the same lists).
"""

import hashlib
import logging
import multiprocessing
import os
import shutil
import time
import weakref

import blinker
from jinja2.runtime import missing
from pelican import signals
from pelican.contents import Article, Page
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from .archives import install as install_period_archives
from .escape import forget_escaped, remember_escaped_texts
from .fingerprint import Fingerprinter, combine_attributes
from .forked import ForkedCall
from .memo import CONTENT_LISTS, RenderMemo, build_fingerprint, memo_path, prune_memos
from .memory import release_page_memory
from .paths import forget_relative_paths, remember_relative_paths
from .slugs import load_slugs, remember_slugs, save_slugs
from .templates import forget_other_templates, keep_compiled_templates
from .trace import Trace, entries, patch_environment, tracing

logger = logging.getLogger(__name__)
# Pelican's writer's logger: a page reused with its whole call is said as Pelican says it.
writer_logger = logging.getLogger("pelican.writers")

# Sent (with ``output_path``) each time a batch of queued pages is on disk: a plugin
# that reads the written pages may start before the last of them is written.
pages_written = blinker.signal("render_pages_written")
# Sent by another plugin to have the queued pages written now (the search index, when
# every page of a shard has been asked for).
write_requested = blinker.signal("render_write_queued")

DEFAULTS = {
    "RENDER_CACHE": True,
    "RENDER_CACHE_PATH": ".cache/render",
    "RENDER_CACHE_KEEP": 3,
    "RENDER_PROCESSES": None,
    "RENDER_MIN_PARALLEL": 40,
    "RENDER_BATCH": 500,
    "RENDER_PREVIOUS_OUTPUT": None,
    "RENDER_TEMPLATE_CACHE": True,
    "RENDER_ESCAPE_MEMO": True,
    "RENDER_PERIOD_ARCHIVES": True,
}


def apply_defaults(pelican):
    """Give every ``RENDER_*`` setting its default."""
    for name, default in DEFAULTS.items():
        pelican.settings.setdefault(name, default)
    keep = pelican.settings["RENDER_CACHE_KEEP"]
    if type(keep) is not int or keep < 1:
        logger.warning("render: RENDER_CACHE_KEEP phải là một số nguyên từ 1 trở lên (đang là "
                       "%r); dùng %d", keep, DEFAULTS["RENDER_CACHE_KEEP"])
        pelican.settings["RENDER_CACHE_KEEP"] = DEFAULTS["RENDER_CACHE_KEEP"]
    _site["writer"] = None  # a writer of another build (the preview's last) is done
    if pelican.settings["RENDER_CACHE"]:
        load_slugs(_slugs_path(pelican.settings))
    _compiled.clear()
    _compiled["caches"] = {}
    forget_escaped()
    forget_relative_paths()


# The build's template caches, one per set of Jinja options (see :mod:`.templates`).
_compiled = {"caches": {}}


def _templates_root(settings):
    """Where compiled templates are kept, or ``None`` when they are not."""
    if not (settings.get("RENDER_CACHE", True) and settings.get("RENDER_TEMPLATE_CACHE", True)):
        return None
    return os.path.join(_cache_root(settings), "templates")


def escape_with_memo(generator):
    """The generator's templates remember the escaped form of short texts (see
    :mod:`.escape`)."""
    env = getattr(generator, "env", None)
    if env is not None and generator.settings.get("RENDER_ESCAPE_MEMO", True):
        remember_escaped_texts(env)


def share_compiled_templates(generator):
    """Let the generator's environment load the templates compiled by the others, and
    by the last build."""
    root = _templates_root(generator.settings)
    if root is None:
        return
    if "fingerprint" not in _compiled:  # once a build
        _compiled["fingerprint"] = build_fingerprint(generator.settings, templates=False)
    if _compiled["fingerprint"] is not None:  # a setting that cannot be digested: none
        keep_compiled_templates(generator.env, root, _compiled["caches"],
                                _compiled["fingerprint"])


def _slugs_path(settings):
    return os.path.join(_cache_root(settings), "slugs.pickle")


def keep_slugs(pelican):
    """Keep the slugs of this build for the next one (see :mod:`.slugs`)."""
    if pelican.settings.get("RENDER_CACHE", True):
        save_slugs(_slugs_path(pelican.settings))


def forget_unused_templates(pelican):
    """Remove the templates compiled for Jinja options this build did not use, but
    those of the last ``RENDER_CACHE_KEEP`` builds' settings."""
    root = _templates_root(pelican.settings)
    if root is not None and _compiled["caches"]:
        forget_other_templates(root, _compiled["caches"], pelican.settings["RENDER_CACHE_KEEP"])


def get_writer(pelican):
    """Pelican writes every page through :class:`RenderWriter`."""
    return RenderWriter


# The context every generator and content object shares, and the build's writer.
_site = {"context": None, "writer": None}


class _Job:
    """One page to write: its template and context, and the site's ``localsiteurl``
    at the moment Pelican asked for it."""

    __slots__ = ("template", "localcontext", "siteurl", "path", "name", "call")

    def __init__(self, template, localcontext, call=None):
        self.template, self.localcontext, self.call = template, localcontext, call
        # Pelican sets ``localsiteurl`` in the context handed to ``write_file`` before
        # each page, and an article's ``content`` makes its links relative to the value
        # in the site's context: keep the value this page would have been rendered with.
        site = _site["context"]
        self.siteurl = site.get("localsiteurl") if site is not None else None
        self.path = self.name = None

    def restore_siteurl(self):
        """Put back the site's ``localsiteurl`` as it was for this page."""
        if _site["context"] is not None:
            _site["context"]["localsiteurl"] = self.siteurl


class _Queued:
    """Stands for a template in Pelican's writer: rendering queues the page instead."""

    def __init__(self, template, writer):
        self.template, self.writer = template, writer
        self.name = template.name

    def render(self, localcontext):
        """Queue the page; Pelican then "writes" an empty string to :meth:`_open_w`."""
        self.writer._pending = _Job(self.template, localcontext, self.writer._call)
        return ""


class _Sink:
    """What Pelican writes a queued page's (empty) text into."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, text):
        """Nothing to write yet: the page is rendered when the queue is flushed."""
        return len(text)


class _Call:
    """One call of the writer's ``write_file`` (one page, or a listing's pages): its
    digest (see :meth:`RenderWriter._call_key`), the context names Pelican sets for each
    of its pages (the others are the site's), and its pages (``[(output name, the name
    Pelican gave it)]``) with the site's context names they read and their digests."""

    __slots__ = ("key", "own", "pages", "site", "noted", "whole")

    def __init__(self, key, own):
        self.key, self.own = key, own
        self.pages, self.site = [], {}
        self.noted = 0
        self.whole = True  # its pages agree on the values of the site's names

    def note(self, names):
        """A page of the call read the context names ``names`` (``{name: digest}``)."""
        self.noted += 1
        for key, digest in names.items():
            if key not in self.own and self.site.setdefault(key, digest) != digest:
                self.whole = False

    def entry(self, memo):
        """What the memo keeps of the call (see :class:`.RenderMemo`), or ``None`` when
        it cannot be reused whole next time."""
        if not self.whole or not self.pages or self.noted != len(self.pages):
            return None
        if any(name not in memo.pages for name, _ in self.pages):
            return None
        keys = tuple(sorted(self.site))
        digest = combine_attributes([self.site[key] for key in keys])
        return tuple(raw for _, raw in self.pages), keys, digest


# The context names Pelican sets for each page of a call: the call's own keyword
# arguments and these (see ``Writer.write_file``).
PAGE_NAMES = ("localsiteurl", "output_file")
PAGINATED_NAMES = ("_paginator", "_page", "_previous_page", "_next_page")


class RenderWriter(Writer):
    """Pelican's writer, queueing pages, reusing unchanged ones, rendering the rest
    in parallel."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self._jobs = {}
        self._pending = None
        self._unrecorded = []  # (name, template, siteurl, path, digest, reads) of pages
        self._memo = None
        self._names = set()
        self._rendered = self._reused = self._processes = 0
        self._reused_whole = 0  # of the reused pages, those of calls reused whole
        self._seconds = 0.0
        # Digests of the values every page reads (the article list, the settings…), made
        # once for the build and inherited by the forked processes.
        self._fingerprinter = Fingerprinter()
        self._shared = []  # the site's context values, whose digests every batch reuses
        # The context names the pages rendered so far read: digested before a batch's
        # processes are forked, so that each process inherits their digests.
        self._names_read = set()
        self._previous = None  # the folder of the last build's pages
        self._elsewhere = False  # whether it is another folder than the output
        self._previous_root = None  # the same, ending with a separator
        self._checked = 0
        self._flushed = False
        self._batch = int(self.settings.get("RENDER_BATCH") or DEFAULTS["RENDER_BATCH"])
        self._call = None  # the call of write_file whose pages are being asked for
        # {key: _Call, or (entry, page names) of a call reused whole, or None}
        self._calls = {}
        self._owners = {}  # {output name: key of the call that wrote it last (or None)}
        self._folders = set()  # the folders the last build's pages were linked into
        _site["writer"] = self

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        """Put the call's pages in place when none of them changed (see
        :meth:`_reuse_call`), else queue ``name`` (and its paginated pages) to be written
        at the flush."""
        call = self._start_call(name, template, context, relative_urls, paginated,
                                template_name, override_output, url, kwargs)
        if call is not None and self._reuse_call(call, template, context, relative_urls,
                                                 override_output):
            return None
        self._call = call
        try:
            return super().write_file(name, _Queued(template, self), context, relative_urls,
                                      paginated, template_name, override_output, url,
                                      **kwargs)
        finally:
            self._call = None

    # -- whole calls -----------------------------------------------------------------

    def _start_call(self, name, template, context, relative_urls, paginated, template_name,
                    override_output, url, kwargs):
        """The :class:`_Call` of this ``write_file`` call, or ``None`` when it cannot be
        reused whole (no memo, a value that cannot be digested, receivers of
        ``content_written`` that read the page's context).  ``context`` may be the site's
        or a copy with values of its own (a period archive's): the values its pages read
        are checked in it."""
        if not name or self.settings.get("WRITE_SELECTED"):
            return None
        memo = self._memo_for()
        if memo.fingerprint is None or not self._receivers_read_path_only():
            return None
        if paginated is None:  # as Pelican does
            paginated = {key: val for key, val in kwargs.items() if key in {"articles", "dates"}}
        own = set(kwargs) | set(PAGE_NAMES)
        if relative_urls:
            own.add("SITEURL")
        if paginated and template_name in self.settings["PAGINATED_TEMPLATES"]:
            own.update(key + suffix for key in paginated for suffix in PAGINATED_NAMES)
        key = self._call_key(memo, (name, template.name, bool(relative_urls), template_name,
                                    bool(override_output), url,
                                    None if relative_urls else context.get("localsiteurl")),
                             paginated, kwargs)
        return None if key is None else _Call(key, frozenset(own))

    @staticmethod
    def _call_key(memo, fixed, paginated, kwargs):
        """One digest of what a call's pages' contexts are made of besides the site's
        context: its arguments, the lists it paginates and its keyword arguments (the
        same list or article, read by many calls, is digested once)."""
        digest = memo.fingerprinter.digest
        return combine_attributes([digest(fixed), *(
            combine_attributes([part for item in mapping.items() for part in map(digest, item)])
            for mapping in (paginated, kwargs))])

    def _receivers_read_path_only(self):
        """Whether every receiver of ``content_written`` says it reads only the path
        (``receiver.reads_path_only = True``): the pages of a call reused whole are
        announced without the context Pelican would have made for them."""
        receivers = [receiver() if isinstance(receiver, weakref.ref) else receiver
                     for receiver in signals.content_written.receivers.values()]
        return all(getattr(receiver, "reads_path_only", False) for receiver in receivers)

    def _reuse_call(self, call, template, context, relative_urls, override_output):
        """Put every page of ``call`` in place at once, as the last build wrote them, when
        the call is the same (its digest), the values of the site's context names its
        pages read are the same, and none of the content objects' attributes they read
        changed: each page's context would be the same, so its context names need not be
        checked one by one, nor its context made (at 2,000 articles, 4,780 pages).  What
        Pelican does for a page written is done for each: the site's ``localsiteurl``
        set, the file claimed, ``Writing`` logged and ``content_written`` sent."""
        started = time.perf_counter()
        memo = self._memo
        entry = memo.calls.get(call.key)
        if entry is None:
            return False
        raw_names, keys, was = entry
        patch_environment(template.environment)  # its globals as the pages read them
        globals_, digest = template.environment.globals, memo.fingerprinter.digest
        try:
            if combine_attributes([digest(context[key] if key in context
                                          else globals_.get(key, missing))
                                   for key in keys]) != was:
                return False
            pages = []
            site = _site["context"]
            for raw in raw_names:
                path = sanitised_join(self.output_path, raw)
                name = self._output_name(path)
                # The site's localsiteurl the page would be rendered with (see _Job).
                scope = path_to_url(get_relative_path(raw)) if relative_urls and \
                    context is site else (site.get("localsiteurl") if site is not None else None)
                page_digest = memo.reusable(name, template, scope)
                old = self._previous_file(name)
                if page_digest is None or not memo.same_file(name, old, page_digest):
                    return False
                pages.append((raw, path, name, old))
        finally:
            self._seconds += time.perf_counter() - started
        whole = True
        for raw, path, name, old in pages:
            if relative_urls:
                context["localsiteurl"] = path_to_url(get_relative_path(raw))
            if self._claim(path, override_output):
                self._jobs.pop(path, None)  # a page queued for the file is overridden
                self._owners[name] = call.key
                self._link_old(old, path)
                self._names.add(name)
                self._reused += 1
                self._reused_whole += 1
            else:  # kept another call's page: this call is not reused whole next time
                whole = False
            writer_logger.info('Writing "%s"', path)
            signals.content_written.send(path, context=None)
        self._calls[call.key] = (entry, [name for _, _, name, _ in pages]) if whole else None
        logger.debug("render: %d page(s) of %s kept whole", len(pages), raw_names[0])
        # The digests of the calls' lists are let go as those of checked pages are.
        if (self._checked + len(pages)) // self._batch != self._checked // self._batch:
            memo.fingerprinter.forget()
        self._checked += len(pages)
        return True

    def _keep_calls(self):
        """Give the memo the calls whose pages can be reused whole next time."""
        calls = {}
        for key, entry in self._calls.items():
            if entry is None:
                continue
            if isinstance(entry, _Call):
                names = [name for name, _ in entry.pages]
                entry = entry.entry(self._memo)
            else:  # reused whole: its entry and its pages' names, found then
                entry, names = entry
            # Each page is still the call's own (none written over by a later call), so
            # the page kept in the memo under its name is the one this call made.
            if entry is not None and all(self._owners.get(name) == key and
                                         name in self._memo.pages for name in names):
                calls[key] = entry
        self._memo.keep_calls(calls)
        self._calls, self._owners = {}, {}

    def _open_w(self, filename, encoding, override=False):
        job, self._pending = self._pending, None
        if job is None:  # a feed or anything else written directly
            return super()._open_w(filename, encoding, override)
        if not self._claim(filename, override):
            if job.call is not None:  # a page skipped: the call is not reused whole
                job.call.whole = False
        else:
            job.path = filename
            job.name = self._output_name(filename)
            self._jobs.pop(filename, None)
            self._owners[job.name] = job.call.key if job.call is not None else None
            if job.call is not None:
                job.call.pages.append((job.name, job.localcontext.get("output_file")))
                self._calls[job.call.key] = job.call
            # An unchanged page is put in place at once: only the pages to render wait
            # in the queue, each holding a copy of the context.
            if self._reuse(job):
                self._names.add(job.name)
                if job.call is not None:
                    job.call.note(self._memo.last_names)
            else:
                self._jobs[filename] = job
                if len(self._jobs) >= self._batch or self._flushed:
                    self._write_queued()
        return _Sink()

    def _output_name(self, path):
        """The name of the page at ``path`` in the output (``/``-separated), as the memo
        knows it."""
        return _relative(path, self.output_path).replace(os.sep, "/")

    def _claim(self, filename, override):
        """Pelican's rule for two writes of one file (see ``Writer._open_w``)."""
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" a second time (was previously overwritten)')
            logger.info('Skipping "%s", not overwriting', filename)
            return False
        if filename in self._written_files:
            if not override:
                raise FileOverwriteFailedError(
                    f'Failed to overwrite "{filename}" as Pelican has already written to it '
                    "previously (set `override=True` if intended)")
            logger.info('Overwriting "%s"', filename)
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return True

    # -- the flush -----------------------------------------------------------------

    def write_queued(self):
        """Render the pages queued so far (those that could not be reused)."""
        self._write_queued()

    def flush(self):
        """Write every queued page, then keep what each page read for the next build.

        The memo and the digests are then let go: what runs after (the search index,
        feeds of other plugins) reuses their memory instead of adding to the peak.  A
        page asked for after the flush is written at once.
        """
        rendered = self._rendered
        self._write_queued(announce=False)
        self._flushed = True
        if self._unrecorded:
            self._record_written()
        if self._memo is not None:
            self._memo.forget_except(self._names)
            self._keep_calls()
            self._memo.save()
            if self._memo.fingerprint is not None:  # no memo kept: the others stay
                prune_memos(os.path.dirname(self._memo.path), self._memo.path,
                            self.settings["RENDER_CACHE_KEEP"])
            logger.info("Trang: %d trang dựng lại, %d trang không đổi giữ nguyên, %d trong "
                        "đó theo cả lượt ghi (%.1f giây, %d tiến trình)", self._rendered,
                        self._reused, self._reused_whole, self._seconds, self._processes)
            self._memo, self._shared = None, []
            self._fingerprinter = Fingerprinter()
            forget_escaped()
            release_page_memory()
        # Said once the memo is let go: what starts then does not add to its peak.
        if self._rendered > rendered:
            pages_written.send(self, output_path=self.output_path)

    def _write_queued(self, announce=True):
        """Render the queued pages (those that could not be reused).

        Called for every ``RENDER_BATCH`` pages queued (a queued page holds a copy of
        the whole context, so the queue must stay short) and at the flush.
        """
        if not self._jobs:
            return
        started = time.perf_counter()
        to_render, self._jobs = list(self._jobs.values()), {}
        memo = self._memo_for()
        processes = max(1, int(self.settings.get("RENDER_PROCESSES") or os.cpu_count() or 1))
        if len(to_render) < int(self.settings.get("RENDER_MIN_PARALLEL", 40)):
            processes = 1
        # Reads digested by earlier batches are recalled, not digested again: a list
        # page shows articles whose titles and dates other pages read already.  The last
        # batch's pages are recorded while this one's other processes finish.
        # With no memo kept (``RENDER_CACHE`` off) nothing is traced nor digested.
        fingerprinter = self._fingerprinter if memo.fingerprint is not None else None
        rendered = _render_all(to_render, processes, fingerprinter, memo.recall,
                               meanwhile=self._record_written, read=self._names_read)
        for _digest, reads in rendered:
            self._names_read.update(key for kind, key, _ in reads or () if kind == "n")
        self._unrecorded = [(job.name, job.template.name, job.siteurl, job.path, *result,
                             job.call)
                            for job, result in zip(to_render, rendered, strict=True)]
        if self._flushed:
            self._record_written()
        self._names.update(job.name for job in to_render)
        # What was remembered for this batch's pages would be kept to the end of the
        # build: a digest per value and article field read, values kept alive for them.
        # (The checks' digests are forgotten as pages are checked, in ``_reuse``.)
        self._fingerprinter.forget()
        release_page_memory()
        self._rendered += len(to_render)
        # Other plugins may start on the pages written so far (the search index does).
        if announce:
            pages_written.send(self, output_path=self.output_path)
        self._seconds += time.perf_counter() - started
        self._processes = max(self._processes, processes)

    def _record_written(self):
        """Keep in the memo what the pages of the last batch read."""
        unrecorded, self._unrecorded = self._unrecorded, []
        for name, template_name, siteurl, path, digest, reads, call in unrecorded:
            self._memo.record(name, template_name, reads, digest, siteurl, path)
            if call is not None and reads is not None:
                call.note({key: value for kind, key, value in reads if kind == "n"})

    def _memo_for(self):
        if self._memo is None:
            settings = self.settings
            fingerprint = build_fingerprint(settings) if settings.get("RENDER_CACHE", True) \
                else None
            self._memo = RenderMemo(memo_path(_cache_root(settings), fingerprint),
                                    fingerprint)
            self._memo.settings = settings
            self._previous = os.path.abspath(settings.get("RENDER_PREVIOUS_OUTPUT")
                                             or self.output_path)
            self._elsewhere = self._previous != os.path.abspath(self.output_path)
            self._previous_root = os.path.join(self._previous, "")
        context = _site["context"]
        # Once: every generator's context is complete before the first page is asked
        # for, and what the memo looks up in it (the content objects whose reads are
        # checked) is taken before the first page is checked.
        if context is not None and self._memo.context is not context:
            self._memo.know_contents(context)
            if not self._shared:
                self._shared = list(context.values())
                for fingerprinter in (self._fingerprinter, self._memo.fingerprinter):
                    fingerprinter.share(self._shared)
        return self._memo

    def _reuse(self, job):
        """Put the last build's page in place when nothing it read has changed."""
        started = time.perf_counter()
        try:
            return self._reuse_unchanged(job, self._memo_for())
        finally:
            self._checked += 1
            if self._checked % self._batch == 0:
                # The digests of what the checked pages read (their paginators…).
                self._memo.fingerprinter.forget()
            self._seconds += time.perf_counter() - started

    def _reuse_unchanged(self, job, memo):
        patch_environment(job.template.environment)
        job.restore_siteurl()  # as for rendering
        digest = memo.unchanged(job.name, job.template, job.localcontext, job.siteurl)
        if digest is None:
            return False
        old = self._previous_file(job.name)
        if not memo.same_file(job.name, old, digest):
            return False
        self._link_old(old, job.path)
        self._reused += 1
        return True

    def _previous_file(self, name):
        """The last build's file of the page ``name`` (``/``-separated)."""
        return self._previous_root + (name if os.sep == "/" else name.replace("/", os.sep))

    def _link_old(self, old, path):
        """Put the last build's file ``old`` at ``path`` (a hard link, else a copy)."""
        if not self._elsewhere:  # the last build's pages are this build's output
            return
        # One call for most pages of a build into a new folder (4,780 after an edit at
        # 2,000 articles), a file in the way removed only when the link says so.  Most
        # pages have a folder of their own (``2015/<slug>/index.html``): it is made
        # before the first link into it, not after that link failed (the failure and
        # the link tried again took half the time of linking the pages).
        folder = os.path.dirname(path)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        try:
            os.link(old, path)
            return
        except FileExistsError:
            _remove(path)
        except FileNotFoundError:  # its folder removed since (or no old file: raised below)
            os.makedirs(folder, exist_ok=True)
        except OSError:  # no hard links here (another file system…): a copy
            shutil.copy2(old, path)
            return
        try:
            os.link(old, path)
        except OSError:
            shutil.copy2(old, path)


def _relative(path, folder):
    """``path`` relative to ``folder``, which holds it (without ``os.path.relpath``,
    which makes both absolute first)."""
    root = folder if not folder or folder.endswith(os.sep) else folder + os.sep
    return path[len(root):] if path.startswith(root) else os.path.relpath(path, folder)


def _cache_root(settings):
    path = settings.get("RENDER_CACHE_PATH") or DEFAULTS["RENDER_CACHE_PATH"]
    if not os.path.isabs(path):
        project = os.path.dirname(os.path.abspath(settings.get("PATH", "content")))
        path = os.path.join(project, path)
    return path


def _remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


# -- rendering -------------------------------------------------------------------------

# The jobs being written and the build's digests, inherited by the forked processes.
_forked = {"jobs": [], "fingerprinter": None, "recall": None, "next": None}


def _render_all(jobs, processes, fingerprinter, recall=None, meanwhile=None, read=()):
    """``[(digest of the bytes, reads)]`` for ``jobs``, in their order (``recall``: see
    :meth:`.Fingerprinter.attributes`).  ``meanwhile()`` is called once this process
    has rendered its share, while the others finish theirs.  ``read``: the context
    names pages have read so far, whose values are digested before the processes fork."""
    if processes <= 1 or len(jobs) < 2:
        results = [_render_one(job, fingerprinter, recall) for job in jobs]
        if meanwhile is not None:
            meanwhile()
        return results
    # Digested here once, not in each process: the values earlier pages read (the
    # others may be read by no page: the whole list of organisations took 0.1 s of the
    # first batch of a cold build of 2,000 articles, with the second core idle).
    context = jobs[0].localcontext
    for name in read if fingerprinter is not None else ():
        if name in context:
            fingerprinter.digest(context[name])
    forking = multiprocessing.get_context("fork")
    # The next page to render, taken by whichever process is free: pages take from 0.1
    # to 10 ms, and shares fixed in advance left one process waiting for the other
    # (0.55 s in a cold build of 2,000 articles, up to 0.29 s for one batch).
    _forked.update(jobs=jobs, fingerprinter=fingerprinter, recall=recall,
                   next=forking.Value("q", 0))
    results = [None] * len(jobs)
    others = []
    try:
        for _ in range(processes - 1):  # each takes pages as this process does
            others.append(ForkedCall(_render_share, name="tinhoi-render"))
        for index, *result in _render_share(forked=False):
            results[index] = tuple(result)
        if meanwhile is not None:
            meanwhile()
        while others:
            # A process that died sends nothing: the pages it took are rendered below.
            for index, *result in others[0].result(missing=()):
                results[index] = tuple(result)
            others.pop(0)
    finally:
        for other in others:  # a page failed here: the others are stopped
            other.stop()
        _forked.update(jobs=[], fingerprinter=None, recall=None, next=None)
    for index, result in enumerate(results):
        if result is None or result[0] == "error":
            # Rendered here: a page of a process that died, or one that failed in a
            # process (so that the real exception is raised).
            results[index] = _render_one(jobs[index], fingerprinter)
            continue
        for record in result[2]:
            # The logger's filters ran when the record was made (Pelican's limit on
            # repeated messages among them): only the handlers are left to call.
            logging.getLogger(record.name).callHandlers(record)
        results[index] = result[:2]
    return results


def _render_share(forked=True):
    """Render shared jobs, each taken by the first process free, until none is left:
    ``[(index, digest, reads, log records)]``.

    Log records are kept, to be handled in page order once every process is done.  In
    a forked process, a page that failed gives ``(index, "error", …)``: the parent
    renders it again, so that the build fails with the page's own exception.
    """
    jobs, fingerprinter, recall = _forked["jobs"], _forked["fingerprinter"], _forked["recall"]
    results = []
    with _CapturedLogs() as logs:
        while (index := _take_next()) < len(jobs):
            try:
                digest, reads = _render_one(jobs[index], fingerprinter, recall)
            except Exception:
                if not forked:
                    raise
                results.append((index, "error", None, []))
                logs.take()
                continue
            results.append((index, digest, reads, logs.take()))
    return results


def _take_next():
    """The index of the next job no process has taken yet."""
    counter = _forked["next"]
    with counter.get_lock():
        index = counter.value
        counter.value = index + 1
    return index


def _render_one(job, fingerprinter, recall=None):
    """Render one page, write it, and return its digest and its traced reads
    (``fingerprinter`` ``None``: the reads are neither traced nor digested, ``None``)."""
    env = job.template.environment
    patch_environment(env)
    job.restore_siteurl()
    trace = Trace(job.localcontext, env.globals) if fingerprinter is not None else None
    previous = tracing(trace)
    try:
        output = job.template.render(job.localcontext)
    finally:
        tracing(previous)
    data = output.encode("utf-8")
    os.makedirs(os.path.dirname(job.path), exist_ok=True)
    _remove(job.path)  # never write through a hard link to the last build's file
    with open(job.path, "wb") as handle:
        handle.write(data)
    # The reads are digested before the bodies rendered for the page are let go: its
    # article's ``content`` is digested as it was shown, not rendered again for that.
    reads = entries(trace, fingerprinter, env, job.siteurl, recall) if trace is not None else None
    release_page_memory(trim=False)  # an article's body is shown by its own page only
    return hashlib.blake2b(data, digest_size=16).digest(), reads


class _CapturedLogs(logging.Handler):
    """Keeps the log records of each page, to be handled later in page order."""

    def __init__(self):
        super().__init__(logging.NOTSET)
        self.records, self.saved = [], None

    def __enter__(self):
        root = logging.getLogger()
        self.saved = root.handlers[:]
        root.handlers[:] = [self]
        return self

    def __exit__(self, *exc):
        logging.getLogger().handlers[:] = self.saved
        return False

    def emit(self, record):
        """Keep ``record``, made picklable (its message formatted, no traceback object)."""
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)

    def take(self):
        """The records since the last call."""
        taken, self.records = self.records, []
        return taken


# -- wiring --------------------------------------------------------------------------------

def fix_urls(generators):
    """Give every article and page its URL and output path once, now that its metadata
    is final (Pelican's ``override_url`` and ``override_save_as``)."""
    for generator in generators:
        for key in CONTENT_LISTS:
            for content in getattr(generator, key, None) or []:
                for item in (content, *getattr(content, "translations", [])):
                    if not isinstance(item, (Article, Page)):
                        continue
                    if not hasattr(item, "override_url"):
                        item.override_url = item.url
                    if not hasattr(item, "override_save_as"):
                        item.override_save_as = item.save_as


def fix_article_urls(generator):
    """:func:`fix_urls` for the articles generator, when its context is complete."""
    fix_urls([generator])


def write_queued_pages(generator, writer):
    """Render the pages queued so far once a generator has asked for all its articles
    (or pages): the search index may start on them while the other generators run
    (after an edit, the one article's shard was indexed last, on its own)."""
    if isinstance(writer, RenderWriter):
        writer.write_queued()


def write_queued_on_request(sender, **_):
    """Another plugin asks for the queued pages now (``render_write_queued``)."""
    writer = _site["writer"]
    if writer is not None:
        writer.write_queued()


def flush_before_last_generator(generators):
    """Flush the queue before the last generator (the static files) writes, so every
    page exists when ``finalized`` is sent."""
    if not generators:
        return
    _site["context"] = generators[0].context
    last = generators[-1]
    original = last.generate_output

    def generate_output(writer):
        if isinstance(writer, RenderWriter):
            writer.flush()
        return original(writer)

    last.generate_output = generate_output


def register():
    """Connect the writer, the URL fixing and the flush to Pelican's signals."""
    remember_slugs()
    remember_relative_paths()
    install_period_archives()
    signals.initialized.connect(apply_defaults)
    signals.get_writer.connect(get_writer)
    signals.generator_init.connect(share_compiled_templates)
    signals.generator_init.connect(escape_with_memo)
    signals.finalized.connect(forget_unused_templates)
    signals.finalized.connect(keep_slugs)
    # Once the articles' metadata is final (after every other plugin's pass over them:
    # render is the last plugin), so that the plugins working at the end of every
    # generator (JSON-LD, the search shards) read fixed URLs; again at the end, for the
    # pages and the contents of other generators.
    signals.article_generator_finalized.connect(fix_article_urls)
    signals.all_generators_finalized.connect(fix_urls)
    signals.all_generators_finalized.connect(flush_before_last_generator)
    signals.article_writer_finalized.connect(write_queued_pages)
    signals.page_writer_finalized.connect(write_queued_pages)
    write_requested.connect(write_queued_on_request)
