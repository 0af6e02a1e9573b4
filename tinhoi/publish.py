"""``make publish``: build into a fresh folder, precompress it, and only then swap it in.

The public site is built with ``publishconf.py`` into a sibling folder of the
output; the text files of that folder get a ``.gz`` (gzip) and a ``.br`` (Brotli)
copy for the web server (``gzip_static`` / ``brotli_static`` in nginx, see
docs/nginx.md); only then does the new folder replace the old one, with two
renames.  A build that fails, or is interrupted at any point before the swap,
leaves the previous site byte for byte as it was.

The compressed copies are deterministic: gzip without a name or a time
(``mtime=0``) and Brotli at a fixed quality, so the same site gives the same bytes.
"""

import gzip
import logging
import os

from . import build as build_module

logger = logging.getLogger(__name__)

COMPRESSIBLE = (".html", ".css", ".js", ".mjs", ".xml", ".json", ".svg", ".txt", ".ics",
                ".atom", ".rss", ".webmanifest", ".map")
MIN_SIZE = 256  # below this a compressed copy saves nothing worth a request header


def brotli_module():
    """The ``brotli`` package, or ``None`` when it is not installed."""
    try:
        import brotli
    except ImportError:
        return None
    return brotli


def precompress(folder, brotli=True):
    """Write ``x.gz`` (and ``x.br``) beside every text file ``x`` below ``folder``.

    Returns the number of files compressed.  A copy is kept only when it is smaller
    than the original.  Existing ``.gz``/``.br`` files are left alone.
    """
    encoder = brotli_module() if brotli else None
    if brotli and encoder is None:
        logger.warning("Chưa cài gói 'brotli': chỉ nén gzip (cài bằng 'pip install brotli' để "
                       "có thêm tệp .br)")
    count = 0
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if not name.lower().endswith(COMPRESSIBLE):
                continue
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                data = handle.read()
            if len(data) < MIN_SIZE:
                continue
            _write_smaller(path + ".gz", gzip.compress(data, compresslevel=9, mtime=0), data)
            if encoder is not None:
                _write_smaller(path + ".br", encoder.compress(data, quality=11), data)
            count += 1
    return count


def _write_smaller(path, compressed, original):
    if len(compressed) < len(original):
        with open(path, "wb") as handle:
            handle.write(compressed)


def build(settings, output_path, refuse_on_errors=True, compress=True):
    """Build the public site into ``output_path``; return the number of errors logged.

    Same contract as :func:`tinhoi.build.build` (raises :class:`BuildRefusedError`
    when ``refuse_on_errors`` and an error was logged), with precompression of the
    staging folder before the swap.
    """
    return build_module.build(settings, output_path, refuse_on_errors=refuse_on_errors,
                              before_swap=precompress if compress else None)
