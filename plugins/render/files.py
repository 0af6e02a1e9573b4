"""Files the render plugin keeps between builds, written so that none is ever half-written."""

import contextlib
import os
import tempfile


def write_atomically(path, write):
    """Write the file at ``path`` with ``write(stream)`` into a temporary file beside it,
    then rename that into place: a reader (the next build, another build running at
    once) sees the old file or the new one, never a part.  Raises ``OSError`` (the
    temporary file removed) when it cannot be written."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
