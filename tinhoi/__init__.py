"""tinhoi: command-line tools around the Pelican build (check, build, publish)."""

import contextlib
import os
import sys
import tempfile

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def use_plugins(settings):
    """Make the project's plugin folders importable, as Pelican does for a build."""
    for path in settings.get("PLUGIN_PATHS", []):
        if path not in sys.path:
            sys.path.insert(0, path)


def cache_folder(settings, name):
    """The folder ``name`` of the project's caches: ``.cache/`` beside ``content/``
    (where the plugins keep theirs; ``make clean`` removes it)."""
    project = os.path.dirname(os.path.abspath(settings.get("PATH") or "content"))
    return os.path.join(project, ".cache", name)


def write_atomically(path, data):
    """Write ``data`` (bytes) to ``path`` through a temporary file beside it, renamed into
    place: a reader sees the old file or the new one, never a part.  Raises ``OSError``
    (the temporary file removed) when it cannot be written."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
