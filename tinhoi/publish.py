"""``make publish``: build into a fresh folder, precompress it, and only then swap it in.

The public site is built with ``publishconf.py`` into a sibling folder of the
output; the text files of that folder get a ``.gz`` (gzip) and a ``.br`` (Brotli)
copy for the web server (``gzip_static`` / ``brotli_static`` in nginx, see
docs/nginx.md); only then does the new folder replace the old one, with two
renames.  A build that fails, or is interrupted at any point before the swap,
leaves the previous site byte for byte as it was.

The compressed copies are deterministic: gzip without a name or a time
(``mtime=0``) and Brotli at a fixed quality, so the same site gives the same bytes.
They are kept in ``.cache/compress/`` by the bytes they stand for, so a publish
compresses only the files that changed since the last one (Brotli at quality 11 makes
about 1.3 MB a second: 80 s for the text of a site of 2,000 articles), and the new
ones are compressed on every core.
"""

import concurrent.futures
import contextlib
import gzip
import hashlib
import logging
import os
import shutil
import zlib

from . import build as build_module
from . import cache_folder, write_atomically

logger = logging.getLogger(__name__)

COMPRESSIBLE = (".html", ".css", ".js", ".mjs", ".xml", ".json", ".svg", ".txt", ".ics",
                ".atom", ".rss", ".webmanifest", ".map")
MIN_SIZE = 256  # below this a compressed copy saves nothing worth a request header
GZIP_LEVEL = 9
BROTLI_QUALITY = 11
# The cache folder of the compressed copies of every text file published, by its bytes:
# Brotli at quality 11 makes about 1.3 MB a second, 80 s for the 100 MB of text of a
# site of 2,000 articles, which an edit changes a few files of.
CACHE_NAME = "compress"


def brotli_module():
    """The ``brotli`` package, or ``None`` when it is not installed."""
    try:
        import brotli
    except ImportError:
        return None
    return brotli


class CompressedCopies:
    """The compressed copies of earlier publishes, in ``folder``: ``<digest of the
    bytes>.gz`` and ``.br`` (empty when the copy was not smaller than the bytes), in a
    subfolder named after the compressors' settings and versions.  A copy is checked
    against the bytes it stands for (decompressed) before it is used."""

    def __init__(self, folder, encoder):
        versions = f"gz{GZIP_LEVEL}-zlib{zlib.ZLIB_RUNTIME_VERSION}"
        if encoder is not None:
            versions += f"-br{BROTLI_QUALITY}-{getattr(encoder, '__version__', '?')}"
        self.root = os.path.abspath(folder)
        self.folder = os.path.join(self.root, versions)
        self.used = set()

    def find(self, key, kind, data, decompress):
        """The path of the kept ``kind`` copy of ``data`` (``""`` when it was not
        smaller), or ``None`` when there is none, or none that decompresses to ``data``."""
        path = self._path(key, kind)
        try:
            with open(path, "rb") as handle:
                compressed = handle.read()
        except OSError:
            return None
        if compressed:
            try:
                if decompress(compressed) != data:
                    return None
            except Exception:  # noqa: BLE001 — a damaged copy is compressed again
                return None
        self.used.add(path)
        return path if compressed else ""

    def keep(self, key, kind, compressed):
        """Keep ``compressed`` (``b""``: not smaller) as the ``kind`` copy of ``key``;
        return its path, or ``None`` when it could not be written."""
        path = self._path(key, kind)
        try:
            write_atomically(path, compressed)
        except OSError as error:
            logger.debug("compressed copy not kept: %s", error)
            return None
        self.used.add(path)
        return path

    def forget_unused(self):
        """Remove the copies this publish did not use, and the folders of other
        compressor settings."""
        if os.path.isdir(self.root):
            for name in os.listdir(self.root):
                path = os.path.join(self.root, name)
                if path != self.folder and os.path.isdir(path):
                    shutil.rmtree(path, ignore_errors=True)
        for current, _dirs, files in os.walk(self.folder):
            for name in files:
                path = os.path.join(current, name)
                if path not in self.used:
                    try:
                        os.unlink(path)
                    except OSError:
                        pass

    def _path(self, key, kind):
        return os.path.join(self.folder, key[:2], f"{key}.{kind}")


def precompress(folder, brotli=True, cache=None, workers=None):
    """Write ``x.gz`` (and ``x.br``) beside every text file ``x`` below ``folder``.

    Returns the number of files compressed.  A copy is kept only when it is smaller
    than the original.  Existing ``.gz``/``.br`` files are left alone.  With ``cache``
    (a folder), the copies of bytes compressed by an earlier call are taken from it
    (linked) and the new ones kept there; the copies it holds for bytes not seen in
    this call are removed.  Files are compressed in ``workers`` threads (one per core:
    both compressors let go of Python's lock while they work).
    """
    encoder = brotli_module() if brotli else None
    if brotli and encoder is None:
        logger.warning("Chưa cài gói 'brotli': chỉ nén gzip (cài bằng 'pip install brotli' để "
                       "có thêm tệp .br)")
    copies = CompressedCopies(cache, encoder) if cache else None
    kinds = [("gz", lambda data: gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0),
              gzip.decompress)]
    if encoder is not None:
        kinds.append(("br", lambda data: encoder.compress(data, quality=BROTLI_QUALITY),
                      encoder.decompress))
    paths = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        paths += [os.path.join(root, name) for name in sorted(files)
                  if name.lower().endswith(COMPRESSIBLE)]
    with concurrent.futures.ThreadPoolExecutor(workers or os.cpu_count() or 1) as pool:
        done = list(pool.map(lambda path: _compress_file(path, kinds, copies), paths))
    if copies is not None:
        copies.forget_unused()
    compressed = sum(1 for result in done if result is not None)
    reused = sum(result for result in done if result)
    logger.info("Nén sẵn %d tệp (%d bản nén lấy lại từ lần xuất bản trước)", compressed, reused)
    return compressed


def _compress_file(path, kinds, copies):
    """Write the compressed copies of ``path``; return how many came from ``copies``, or
    ``None`` for a file too small to compress."""
    with open(path, "rb") as handle:
        data = handle.read()
    if len(data) < MIN_SIZE:
        return None
    key = hashlib.blake2b(data, digest_size=20).hexdigest() if copies is not None else None
    reused = 0
    for kind, compress, decompress in kinds:
        target = f"{path}.{kind}"
        found = copies.find(key, kind, data, decompress) if copies is not None else None
        if found is not None:
            reused += 1
            if found:
                _put(target, found)
            continue
        packed = compress(data)
        smaller = len(packed) < len(data)
        kept = copies.keep(key, kind, packed if smaller else b"") if copies is not None \
            else None
        if smaller:
            _put(target, kept, packed)
    return reused


def _put(target, kept, data=None):
    """Put at ``target`` the file ``kept`` (linked) or else ``data``; an existing
    ``target`` is replaced, never written through (it may be a link to the cache or to
    the last site)."""
    if kept:
        build_module.link_in_place(kept, target)
        return
    with contextlib.suppress(FileNotFoundError):
        os.unlink(target)
    with open(target, "wb") as handle:
        handle.write(data)


def build(settings, output_path, refuse_on_errors=True, compress=True, skip_if_unchanged=False,
          before_build=None):
    """Build the public site into ``output_path``; return the number of errors logged.

    Same contract as :func:`tinhoi.build.build` (raises :class:`BuildRefusedError`
    when ``refuse_on_errors`` and an error was logged; with ``skip_if_unchanged``,
    :class:`SiteUnchanged` when the published site is already what this publish would
    make), with precompression of the staging folder before the swap.
    """
    def precompress_staging(staging):
        precompress(staging, cache=cache_folder(settings, CACHE_NAME))

    return build_module.build(settings, output_path, refuse_on_errors=refuse_on_errors,
                              before_swap=precompress_staging if compress else None,
                              skip_if_unchanged=skip_if_unchanged,
                              options=(("publish", "precompressed" if compress else "plain"),),
                              before_build=before_build)
