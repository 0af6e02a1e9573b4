"""Compiled templates kept between builds, and shared by the build's generators.

Every Pelican generator makes a Jinja environment of its own, and each one compiles
the templates it uses: the theme's 20-odd templates were compiled once per generator
and per build (half a second of a warm build).  Jinja's bytecode cache keeps the
compiled code in files, checked against the template's source (a changed template is
compiled again) and against Jinja's and Python's versions.

The code Jinja makes also depends on how the environment parses (delimiters,
``trim_blocks``, extensions, autoescape…), on how each filter takes its arguments and
on the filters themselves (a filter of a literal runs at compile time), which the
cache's own key does not hold: the files go in a folder named by a digest of those and
of the build's fingerprint (plugin code, settings, library versions).  The folders of
the last few digests used are kept (the live preview, ``make html`` and ``make
publish`` each have their own settings, so switching from one to another compiles
nothing), the older ones removed.
"""

import contextlib
import hashlib
import logging
import os
import shutil

import jinja2
from jinja2.bccache import FileSystemBytecodeCache
from jinja2.utils import _PassArg

from .fingerprint import code_digest

logger = logging.getLogger(__name__)

# Environment options that change the code Jinja compiles from a template.
COMPILE_OPTIONS = ("block_start_string", "block_end_string", "variable_start_string",
                   "variable_end_string", "comment_start_string", "comment_end_string",
                   "line_statement_prefix", "line_comment_prefix", "trim_blocks",
                   "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized",
                   "is_async")


class TemplateCache(FileSystemBytecodeCache):
    """Jinja's file cache, where a file that cannot be read or written only means
    compiling the template again."""

    def load_bytecode(self, bucket):
        """Load ``bucket`` from its file; a file that does not load is ignored."""
        try:
            super().load_bytecode(bucket)
        except Exception as error:  # noqa: BLE001 — truncated or foreign: compile anew
            logger.debug("render: compiled template %s not loaded: %s", bucket.key, error)
            bucket.reset()

    def dump_bytecode(self, bucket):
        """Keep ``bucket`` in its file (renamed into place by Jinja), if it can be."""
        try:
            super().dump_bytecode(bucket)
        except OSError as error:  # a full disk or a folder gone: the build goes on
            logger.debug("render: compiled template %s not kept: %s", bucket.key, error)


def options_digest(env, fingerprint=""):
    """A digest of what, besides a template's source, shapes the code compiled from it:
    the environment's options, how each filter and test takes its arguments and its
    code (a filter of a literal runs when the template is compiled), and
    ``fingerprint`` (the build's: plugin code, settings and library versions)."""
    digest = hashlib.sha256(f"jinja {jinja2.__version__}\n{fingerprint}\n".encode())
    for kind, table in (("filter", env.filters), ("test", env.tests)):
        for name in sorted(table):
            function = table[name]
            digest.update(f"{kind} {name} {_PassArg.from_obj(function)}\n".encode())
            digest.update(code_digest(function))
    for name in COMPILE_OPTIONS:
        digest.update(f"{name}={getattr(env, name, None)!r}\n".encode())
    for name in sorted(env.extensions):
        digest.update(f"extension {name}\n".encode())
    autoescape = env.autoescape
    digest.update(code_digest(autoescape) if callable(autoescape) else repr(autoescape).encode())
    finalize = env.finalize
    digest.update(b"finalize " + (code_digest(finalize) if callable(finalize) else b"-"))
    return digest.hexdigest()[:24]


def keep_compiled_templates(env, root, caches, fingerprint):
    """Give ``env`` the bytecode cache for its options and the build's ``fingerprint``,
    in a folder of ``root``; ``caches`` (``{options digest: cache or None}``) holds the
    build's caches."""
    if env.bytecode_cache is not None:
        return  # the site's own settings chose one
    name = options_digest(env, fingerprint)
    if name not in caches:
        caches[name] = _cache_in(os.path.join(root, name))
    env.bytecode_cache = caches[name]


def _cache_in(folder):
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:  # a read-only project: templates are compiled every build
        logger.debug("render: no folder for compiled templates %s: %s", folder, error)
        return None
    with contextlib.suppress(OSError):  # used now: the folders kept are those used last
        os.utime(folder)
    return TemplateCache(folder)


def forget_other_templates(root, caches, keep=1):
    """Remove the folders under ``root`` of options no environment of this build had
    (templates compiled for settings since changed), but the ``keep`` folders used
    last, this build's among them."""
    try:
        with os.scandir(root) as entries:
            others = [entry for entry in entries
                      if entry.name not in caches and entry.is_dir()]
    except OSError:
        return
    used = []
    for entry in others:
        with contextlib.suppress(OSError):  # removed meanwhile by another build
            used.append((entry.stat().st_mtime_ns, entry.name))
    used.sort(reverse=True)
    for _, name in used[max(keep - len(caches), 0):]:
        shutil.rmtree(os.path.join(root, name), ignore_errors=True)
