"""Feeds made in a forked copy of the build process while the rest of the site is written.

Making a site's feed documents (every entry's content with absolute links, feedgen's
XML) is the feeds generator's whole output, and in a serial build nothing else runs
meanwhile: about 0.6 s at the end of a cold build of 2,000 articles, with the second
core idle.  Once the generator's catalog is known, it forks a copy of the build
process instead (the copy shares every article and every entry computed so far).
The copy makes the documents (and keeps them in the feeds' cache) while the build
process goes on with the other generators, the last pages and the search index; it
sends each back as soon as it is made (it never holds them all), then its log
records, and the build process writes them when ``finalized`` is sent (see
:func:`finish`).

Only the build process writes into the output: a build that fails meanwhile never
finds a feed written into the folder it removed.  When the copy fails or is lost,
the build process makes the feeds itself, so that the error is its own, as in a
serial build.  A copy left running by a build that failed before ``finalized`` is
stopped when the next build starts (:func:`stop_leftover`).

Where ``fork`` is not available, or with ``FEEDS_BACKGROUND = False``, the feeds
are made in the build process, at the same point of the build: the same bytes.
"""

import logging
import logging.handlers
import multiprocessing
import queue
import threading

logger = logging.getLogger(__name__)

# The feeds being made for the current build, if any.
_running = {"job": None}


def start_in_background(generator):
    """Start making ``generator``'s feed documents (``documents()``) in a forked
    process; return whether it started (``False``: the caller makes them itself)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    try:
        _running["job"] = _Job(generator)
    except OSError as error:  # no process left to fork, no memory…
        logger.debug("feeds: no process forked (%s); the feeds are made here", error)
        return False
    return True


def finish(_pelican=None):
    """Write the feeds made in the background (on ``finalized``), or make them here
    when the copy failed."""
    job, _running["job"] = _running["job"], None
    if job is not None:
        job.finish()


def stop_leftover(_pelican=None):
    """Stop the copy started by a build that failed before ``finalized`` (on the next
    build's ``initialized``): its documents are for a site that was never made."""
    job, _running["job"] = _running["job"], None
    if job is not None:
        job.stop()


class _Job:
    """One forked copy making the feeds, and the thread reading what it sends back."""

    def __init__(self, generator):
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        self.generator, self.documents, self.outcome = generator, [], None
        self.process = context.Process(target=_make_in_copy, args=(generator, send),
                                       name="tinhoi-feeds", daemon=True)
        self.process.start()
        send.close()
        self.receive = receive
        # Read as soon as it is sent: the copy never waits for the build process (which
        # may itself be waiting for a subprocess whose pipe the copy inherited at the fork).
        self.reader = threading.Thread(target=self._read, name="tinhoi-feeds-reader",
                                       daemon=True)
        self.reader.start()

    def _read(self):
        try:
            while True:
                message = self.receive.recv()
                if message[0] != "document":
                    self.outcome = message
                    return
                self.documents.append(message[1:])
        except (EOFError, OSError):  # the copy died before its last word
            self.outcome = None
        finally:
            self.receive.close()

    def finish(self):
        """Log the copy's records and write its documents; make them here when it failed."""
        self.reader.join()
        self.process.join()
        if not self.outcome or self.outcome[0] != "made":
            logger.debug("feeds: the forked process made no feed; they are made here")
            self.generator.write_feeds()
            return
        for record in self.outcome[1]:
            # The logger's filters ran in the copy, when the record was made.
            logging.getLogger(record.name).callHandlers(record)
        documents, self.documents = self.documents, []
        self.generator.write_documents(documents)

    def stop(self):
        """End the copy and its reader, whatever they were doing."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.reader.join()


def _make_in_copy(generator, send):
    """In the forked copy: send ``("document", path, bytes)`` for each document, then
    ``("made", log records)``; or ``("failed",)`` (the build process then makes them
    all, and raises the error)."""
    # The copy's records wait here, made picklable by the standard QueueHandler (message
    # formatted, no traceback object), to be handled by the build process; the copy
    # ends once it has sent them, so its handlers need not be put back.
    records = queue.SimpleQueue()
    logging.getLogger().handlers[:] = [logging.handlers.QueueHandler(records)]
    try:
        try:
            for path, data in generator.documents():
                send.send(("document", path, data))
            outcome = ("made", _drained(records))
        except BaseException:  # noqa: BLE001 — raised again by the build process
            outcome = ("failed",)
        send.send(outcome)
    finally:
        send.close()


def _drained(records):
    """Every item of the queue ``records``, in order."""
    items = []
    while not records.empty():
        items.append(records.get_nowait())
    return items
