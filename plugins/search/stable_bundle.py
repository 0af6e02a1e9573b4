"""Make Pagefind's filter indexes byte-identical from one build to the next.

Pagefind 1.5 writes the values of each filter (``loai``, ``nam``) in hash-map
order, which changes on every run (upstream issue #638); the filter files, the
language's ``.pf_meta`` that names them and ``pagefind-entry.json`` then differ
although nothing changed.  The rest of the bundle is already stable.

The fix rewrites those three: each filter's values are sorted, the files are
renamed after a hash of their new bytes (Pagefind's own naming scheme:
``<lang>_<hex>``), and the meta and entry files are updated to point at them.
The files are gzip-compressed CBOR behind a ``pagefind_dcd`` signature; the small
CBOR codec below covers the types they use (unsigned integers, strings, arrays,
maps).  If the format ever differs, the bundle is left as Pagefind wrote it.
"""

import gzip
import hashlib
import json
import logging
import os
import struct

logger = logging.getLogger(__name__)

SIGNATURE = b"pagefind_dcd"


class UnknownBundleFormatError(ValueError):
    """The bundle is not laid out as this module expects."""


def stabilise_filters(bundle):
    """Rewrite the filter indexes of every language in ``bundle`` in a stable order."""
    entry_path = os.path.join(bundle, "pagefind-entry.json")
    try:
        with open(entry_path, encoding="utf-8") as handle:
            entry_text = handle.read()
        for language in json.loads(entry_text)["languages"].values():
            old_hash = language["hash"]
            new_hash = _stabilise_language(bundle, old_hash)
            entry_text = entry_text.replace(f'"{old_hash}"', f'"{new_hash}"')
    except (OSError, KeyError, ValueError, IndexError, TypeError) as error:
        logger.warning("search: filter indexes left in Pagefind's order (%s)", error)
        return
    _write(entry_path, entry_text.encode("utf-8"))


def _stabilise_language(bundle, meta_hash):
    meta_path = os.path.join(bundle, f"pagefind.{meta_hash}.pf_meta")
    meta = _read(meta_path)
    if len(meta) < 4 or not isinstance(meta[3], list):
        raise UnknownBundleFormatError("no filter list in the meta file")
    prefix = meta_hash.split("_", 1)[0]
    filters = []
    for name, file_hash in meta[3]:
        old_path = os.path.join(bundle, "filter", f"{file_hash}.pf_filter")
        filter_name, values = _read(old_path)
        data = _pack([filter_name, sorted(values, key=lambda value: value[0])])
        new_hash = f"{prefix}_{hashlib.sha256(data).hexdigest()[:7]}"
        os.remove(old_path)
        _write(os.path.join(bundle, "filter", f"{new_hash}.pf_filter"), data)
        filters.append([name, new_hash])
    meta[3] = sorted(filters)
    data = _pack(meta)
    new_meta_hash = f"{prefix}_{hashlib.sha256(data).hexdigest()[:10]}"
    os.remove(meta_path)
    _write(os.path.join(bundle, f"pagefind.{new_meta_hash}.pf_meta"), data)
    return new_meta_hash


def _read(path):
    with open(path, "rb") as handle:
        raw = gzip.decompress(handle.read())
    if not raw.startswith(SIGNATURE):
        raise UnknownBundleFormatError(f"{os.path.basename(path)} has no Pagefind signature")
    value, end = _decode(raw, len(SIGNATURE))
    if end != len(raw):
        raise UnknownBundleFormatError(f"{os.path.basename(path)} has trailing bytes")
    return value


def _pack(value):
    """Signature + CBOR, gzip-compressed without a name or time (so stable bytes)."""
    return gzip.compress(SIGNATURE + _encode(value), compresslevel=9, mtime=0)


def _write(path, data):
    partial = path + ".part"
    with open(partial, "wb") as handle:
        handle.write(data)
    os.replace(partial, path)


# -- a minimal CBOR codec (RFC 8949), for the types Pagefind's indexes use --------

def _decode(data, index):
    head = data[index]
    major, info = head >> 5, head & 31
    index += 1
    if info < 24:
        length = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        length = int.from_bytes(data[index:index + size], "big")
        index += size
    else:
        raise UnknownBundleFormatError(f"CBOR item {head:#x} is not supported")
    if major == 0:
        return length, index
    if major == 2:
        return bytes(data[index:index + length]), index + length
    if major == 3:
        return data[index:index + length].decode("utf-8"), index + length
    if major == 4:
        items = []
        for _ in range(length):
            item, index = _decode(data, index)
            items.append(item)
        return items, index
    if major == 5:
        mapping = {}
        for _ in range(length):
            key, index = _decode(data, index)
            mapping[key], index = _decode(data, index)
        return mapping, index
    raise UnknownBundleFormatError(f"CBOR major type {major} is not supported")


def _encode(value):
    if isinstance(value, bool) or value is None:
        raise UnknownBundleFormatError(f"cannot encode {value!r}")
    if isinstance(value, int):
        return _head(0, value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(item) for item in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(_encode(k) + _encode(v) for k, v in value.items())
    raise UnknownBundleFormatError(f"cannot encode {type(value).__name__}")


def _head(major, length):
    if length < 24:
        return bytes([major << 5 | length])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if length < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, length)
    raise UnknownBundleFormatError(f"length {length} is too large")
