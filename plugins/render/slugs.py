"""Pelican's ``slugify``, remembered for the build and kept for the next one.

Every article gets new ``Tag``, ``Category`` and ``Author`` objects, and each one
slugifies its name again (for its URL, and for every hash and comparison): about
13,000 calls for 2,000 articles, of a few hundred names, at a quarter of a
millisecond each (tag stripping, NFKC, unidecode, the regex substitutions).  The
function is pure, so its results are kept by argument.

An article's title is slugified once a build, but each build again: 0.15 s of a build
of 2,000 unchanged articles.  The slugs a build asked for are kept in a file
(``RENDER_CACHE_PATH/slugs.pickle``) for the next build, with the versions of Pelican
and unidecode and the code of Pelican's function they were made by.
"""

import importlib.metadata
import logging
import pickle

from pelican import contents, urlwrappers, utils

from .files import write_atomically
from .fingerprint import code_digest

logger = logging.getLogger(__name__)

_pelican_slugify = utils.slugify
FORMAT = 1

_known = {}  # (text, substitutions, preserve case, unicode) → slug, for this process
_asked = set()  # the keys this build asked for, kept for the next one
_computed = [0]  # slugs computed by this build
_substitutions = {}  # one tuple for each list of substitutions (one copy in the file)


def slugify(value, regex_subs=(), preserve_case=False, use_unicode=False):
    """Pelican's ``slugify(value, …)``, computed once per distinct arguments."""
    try:
        subs = tuple((source, target) for source, target in regex_subs)
        key = (str(value), _substitutions.setdefault(subs, subs), bool(preserve_case),
               bool(use_unicode))
        slug = _known.get(key)
    except (TypeError, ValueError):  # arguments of a shape Pelican would not pass
        return _pelican_slugify(value, regex_subs=regex_subs, preserve_case=preserve_case,
                                use_unicode=use_unicode)
    if slug is None:
        slug = _known[key] = _pelican_slugify(key[0], regex_subs=key[1],
                                              preserve_case=key[2], use_unicode=key[3])
        _computed[0] += 1
    _asked.add(key)
    return slug


def remember_slugs():
    """Make Pelican's content and URL wrappers use :func:`slugify`."""
    contents.slugify = urlwrappers.slugify = slugify


def _version():
    versions = []
    for library in ("pelican", "unidecode"):
        try:
            versions.append(importlib.metadata.version(library))
        except importlib.metadata.PackageNotFoundError:
            versions.append("-")
    return (FORMAT, *versions, code_digest(_pelican_slugify))


def load_slugs(path):
    """Start a build: remember the slugs the last one kept at ``path`` (nothing when the
    file is missing, damaged or made by another Pelican or unidecode)."""
    _asked.clear()
    _computed[0] = 0
    try:
        with open(path, "rb") as handle:
            kept = pickle.load(handle)
        if kept.get("version") == _version():
            _known.update(kept["slugs"])
    except FileNotFoundError:
        pass
    except Exception as error:  # noqa: BLE001 — a damaged file only means slugifying again
        logger.debug("render: slugs at %s not read: %s", path, error)


def save_slugs(path):
    """End a build: keep at ``path`` the slugs it asked for, when any was new."""
    if not _computed[0]:
        return
    kept = {"version": _version(), "slugs": {key: _known[key] for key in _asked}}
    try:
        write_atomically(path, lambda stream: pickle.dump(kept, stream,
                                                          protocol=pickle.HIGHEST_PROTOCOL))
    except OSError as error:  # a full disk: the next build slugifies again
        logger.debug("render: slugs not kept at %s: %s", path, error)
    _computed[0] = 0
