"""Feed documents kept between builds, by what they are made from.

A feed is a pure function of its channel fields and its entries (plain data, see
:mod:`.entries`), of :mod:`.formats` and of the feedgen and lxml versions.  After an
edit, most of a site's feeds hold the same entries: each document is kept under the
digest of all that, and read back instead of being serialised again.
"""

import hashlib
import importlib.metadata
import logging
import os
import pickle
import tempfile
import time
from pathlib import Path

logger = logging.getLogger(__name__)

FORMAT_VERSION = 2
CHECK_SIZE = 16  # each kept document starts with the digest of its bytes
LIBRARIES = ("feedgen", "lxml")


def cache_folder(settings):
    """``FEEDS_CACHE_PATH`` as an absolute folder (relative to the folder holding
    ``PATH``), or ``None`` when the cache is off."""
    folder = settings.get("FEEDS_CACHE_PATH")
    if not folder:
        return None
    if not os.path.isabs(folder):
        folder = os.path.join(os.path.dirname(os.path.abspath(settings["PATH"])), folder)
    return folder


def code_digest():
    """What shapes a document besides its data: this plugin's format code and the
    libraries' versions."""
    digest = hashlib.blake2b(f"{FORMAT_VERSION}".encode(), digest_size=16)
    digest.update((Path(__file__).with_name("formats.py")).read_bytes())
    for library in LIBRARIES:
        try:
            digest.update(f"{library} {importlib.metadata.version(library)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{library} -".encode())
    return digest.hexdigest()


def _check(data):
    return hashlib.blake2b(data, digest_size=CHECK_SIZE).digest()


def _stored_document(path):
    """The document kept at ``path``, or ``None`` when missing or damaged (its bytes no
    longer match the digest written before them): a damaged entry is made again."""
    try:
        with open(path, "rb") as handle:
            stored = handle.read()
    except OSError:
        return None
    check, data = stored[:CHECK_SIZE], stored[CHECK_SIZE:]
    return data if len(check) == CHECK_SIZE and check == _check(data) else None


class FeedCache:
    """Rendered feeds in ``folder``, one file per digest; ``folder`` ``None``: none kept."""

    def __init__(self, folder):
        self.folder = folder
        self.code = code_digest() if folder else ""
        self.used = set()
        self.hits = self.misses = 0

    def document(self, render, meta, items):
        """``render(meta, items)``, read from the cache when it was made before."""
        if not self.folder:
            return render(meta, items)
        key = self._key(render, meta, items)
        if key is None:
            self.misses += 1
            return render(meta, items)
        self.used.add(key)
        path = os.path.join(self.folder, key)
        data = _stored_document(path)
        if data is not None:
            self.hits += 1
            return data
        data = render(meta, items)
        self.misses += 1
        self._store(path, data)
        return data

    def _key(self, render, meta, items):
        try:
            data = pickle.dumps((render.__module__, render.__qualname__, meta, items),
                                protocol=5)
        except (pickle.PicklingError, TypeError, AttributeError):
            return None  # not plain data: nothing reliable to key it by
        return hashlib.blake2b(self.code.encode() + b"\0" + data, digest_size=20).hexdigest()

    def _store(self, path, data):
        """Write atomically: a reader never sees half a document."""
        try:
            os.makedirs(self.folder, exist_ok=True)
            handle, partial = tempfile.mkstemp(prefix=".feed-", dir=self.folder)
            with os.fdopen(handle, "wb") as stream:
                stream.write(_check(data) + data)
            os.replace(partial, path)
        except OSError as error:
            logger.warning("feeds: không ghi được bộ nhớ đệm %s: %s", path, error)

    def prune(self):
        """Remove the documents this build did not use (the cache keeps one build)."""
        if not self.folder or not os.path.isdir(self.folder):
            return
        for name in os.listdir(self.folder):
            path = os.path.join(self.folder, name)
            # A ``.feed-…`` being written by another build running now (``make html``
            # beside the live preview) is left alone, an old one removed.
            if name not in self.used and not (name.startswith(".") and _recent(path)):
                try:
                    os.unlink(path)
                except OSError:
                    pass


# A temporary file younger than this may be another build's, being written now.
WORK_IN_PROGRESS_SECONDS = 3600


def _recent(path):
    """Whether ``path`` changed in the last :data:`WORK_IN_PROGRESS_SECONDS`."""
    try:
        return time.time() - os.lstat(path).st_mtime < WORK_IN_PROGRESS_SECONDS
    except OSError:
        return False
