"""Calendar documents kept between builds, by what they are made from.

A calendar's ``.ics`` bytes are a pure function of its fields and its events'
properties (plain data: :func:`.events.event_properties`), of :mod:`.events`, of the
icalendar version and of the time zone's rules (its ``VTIMEZONE``).  Most builds make
the same calendars as the last one (an edit of an article's text changes none): each
document is kept under the digest of all that and read back, and icalendar is not
even imported (0.1 s of an edit build of 2,000 articles, with the other core busy).
"""

import contextlib
import hashlib
import importlib.metadata
import importlib.resources
import logging
import os
import pickle
import sys
import tempfile
import zoneinfo
from pathlib import Path

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
CHECK_SIZE = 16  # the kept file starts with the digest of its bytes


def cache_folder(settings):
    """``CALENDARS_CACHE_PATH`` as an absolute folder (relative to the folder holding
    ``PATH``), or ``None`` when the cache is off."""
    folder = settings.get("CALENDARS_CACHE_PATH")
    if not folder:
        return None
    if not os.path.isabs(folder):
        folder = os.path.join(os.path.dirname(os.path.abspath(settings["PATH"])), folder)
    return folder


def code_digest(timezone):
    """What shapes a document besides its data: the code writing it, icalendar's and
    Python's versions and the rules of ``timezone`` as ``zoneinfo`` finds them."""
    digest = hashlib.blake2b(f"{FORMAT_VERSION} {sys.version_info[:2]}".encode(),
                             digest_size=16)
    digest.update(Path(__file__).with_name("events.py").read_bytes())
    try:
        digest.update(f"icalendar {importlib.metadata.version('icalendar')}".encode())
    except importlib.metadata.PackageNotFoundError:
        digest.update(b"icalendar -")
    digest.update(b"\0" + timezone.encode() + b"\0" + _zone_rules(timezone))
    return digest.hexdigest()


def _zone_rules(key):
    """The bytes of the time zone ``key`` where ``zoneinfo`` looks first: the system's
    folders (``TZPATH``), then the ``tzdata`` package (``b""`` when found in neither)."""
    for root in zoneinfo.TZPATH:
        path = os.path.join(root, *key.split("/"))
        if os.path.isfile(path):
            try:
                return Path(path).read_bytes()
            except OSError:
                break  # unreadable here, so not what zoneinfo reads either
    try:
        return importlib.resources.files("tzdata.zoneinfo").joinpath(*key.split("/")).read_bytes()
    except (ImportError, OSError, ValueError):
        return b""


KEPT = "lich.pickle"  # in the cache folder: {key: document} of the last build


def _check(data):
    return hashlib.blake2b(data, digest_size=CHECK_SIZE).digest()


class CalendarCache:
    """The last build's calendar documents, kept in one file in ``folder`` (a site has a
    few calendars); ``folder`` ``None``: none kept (every document is made)."""

    def __init__(self, folder, timezone):
        self.path = os.path.join(folder, KEPT) if folder else None
        self.code = code_digest(timezone) if folder else ""
        self.kept = _load(self.path) if folder else {}
        self.used = {}
        self.hits = self.misses = 0

    def document(self, make, meta, event_lists):
        """``make(event_lists, meta=meta)``, read from the cache when made before."""
        key = self._key(meta, event_lists) if self.path else None
        if key is None:
            return make(event_lists, meta=meta)
        data = self.kept.get(key)
        if data is None:
            self.misses += 1
            data = make(event_lists, meta=meta)
        else:
            self.hits += 1
        self.used[key] = data
        return data

    def _key(self, meta, event_lists):
        try:
            data = pickle.dumps((meta, event_lists), protocol=5)
        except (pickle.PicklingError, TypeError, AttributeError):
            return None  # not plain data: nothing reliable to key it by
        return hashlib.blake2b(self.code.encode() + b"\0" + data, digest_size=20).hexdigest()

    def save(self):
        """Keep this build's documents, and only them (renamed into place: never
        half-written), when they are not those kept already."""
        if self.path is None or self.used == self.kept:
            return
        data = pickle.dumps(self.used, protocol=5)
        partial = None
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            handle, partial = tempfile.mkstemp(prefix=".lich-", dir=os.path.dirname(self.path))
            with os.fdopen(handle, "wb") as stream:
                stream.write(_check(data) + data)
            os.replace(partial, self.path)
        except OSError as error:
            if partial is not None:
                with contextlib.suppress(OSError):
                    os.unlink(partial)
            logger.warning("calendars: không ghi được bộ nhớ đệm %s: %s", self.path, error)


def _load(path):
    """The documents kept at ``path``: ``{}`` when missing or damaged (its bytes no
    longer match the digest written before them), so that each is made again."""
    try:
        with open(path, "rb") as handle:
            stored = handle.read()
    except OSError:
        return {}
    check, data = stored[:CHECK_SIZE], stored[CHECK_SIZE:]
    if len(check) != CHECK_SIZE or check != _check(data):
        return {}
    try:
        kept = pickle.loads(data)
    except Exception:  # noqa: BLE001 — written by another version: made again
        return {}
    if not isinstance(kept, dict) or not all(
            isinstance(key, str) and isinstance(value, bytes) for key, value in kept.items()):
        return {}
    return kept
