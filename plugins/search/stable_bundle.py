"""Make Pagefind's bundle byte-identical from one build to the next, wherever it is built.

Pagefind 1.5 writes the values of each filter (``loai``, ``nam``) in hash-map
order, which changes on every run (upstream issue #638), and numbers the pages in
the order it finds their files: the order in which the file system lists a folder,
which is the reverse of the order the files were made on tmpfs and an order of
name hashes on ext4 (seeded per file system).  The same pages indexed in a staging
folder on another file system (the search cache's folder, or the system's
temporary folder when there is no cache), or on another machine, gave other page
numbers, so other index, filter and meta files.

The fix rewrites the files that hold page numbers or name the others: the pages are
numbered in the order of their fragments' names (each named after a hash of its
page's indexed content and URL: the same for the same page wherever it is indexed),
the word indexes and filters are renumbered to match (the word indexes keep each
word's pages as differences from the page before, in order), each word's spellings
with other tone marks and each filter's values are sorted, the files are renamed
after a hash of their new bytes (Pagefind's own naming scheme: ``<lang>_<hex>``),
and the meta and entry files are updated to point at them. The files are gzip-
compressed CBOR behind a ``pagefind_dcd`` signature; the small CBOR codec below
covers the types they use (integers, strings, arrays, maps). If the format ever
differs (or the bundle has sort indexes, which also hold page numbers), the bundle
is left as Pagefind wrote it, with a warning: every file is read and checked before
any is written.
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
    """Rewrite the page numbers, word indexes and filter indexes of every language in
    ``bundle`` in a stable order (see the module's docstring)."""
    entry_path = os.path.join(bundle, "pagefind-entry.json")
    try:
        with open(entry_path, encoding="utf-8") as handle:
            entry_text = handle.read()
        for language in json.loads(entry_text)["languages"].values():
            old_hash = language["hash"]
            new_hash = _stabilise_language(bundle, old_hash)
            entry_text = entry_text.replace(f'"{old_hash}"', f'"{new_hash}"')
    except (OSError, KeyError, ValueError, IndexError, TypeError) as error:
        logger.warning("search: index left in Pagefind's order (%s)", error)
        return
    _write(entry_path, entry_text.encode("utf-8"))


def _stabilise_language(bundle, meta_hash):
    """Renumber and rename one language's files; return its meta file's new hash."""
    meta_path = os.path.join(bundle, f"pagefind.{meta_hash}.pf_meta")
    meta = _read(meta_path)
    if len(meta) < 5 or not all(isinstance(meta[i], list) for i in (1, 2, 3, 4)):
        raise UnknownBundleFormatError("the meta file is not laid out as expected")
    if meta[4]:
        raise UnknownBundleFormatError("sort indexes are not renumbered")
    prefix = meta_hash.split("_", 1)[0]
    pages = meta[1]
    order = sorted(range(len(pages)), key=lambda number: pages[number][0])
    new_number = {old: new for new, old in enumerate(order)}
    # Everything is read and rewritten in memory first: a bundle in a format this
    # module does not know is left whole.
    written, removed = {}, []
    chunks = []
    for start, end, chunk_hash in meta[2]:
        old_path = os.path.join(bundle, "index", f"{chunk_hash}.pf_index")
        words = _read(old_path)
        data = _pack([[_renumbered_word(word, new_number) for word in words[0]],
                      *words[1:]])
        new_hash = f"{prefix}_{hashlib.sha256(data).hexdigest()[:7]}"
        written[os.path.join(bundle, "index", f"{new_hash}.pf_index")] = data
        removed.append(old_path)
        chunks.append([start, end, new_hash])
    filters = []
    for name, file_hash in meta[3]:
        old_path = os.path.join(bundle, "filter", f"{file_hash}.pf_filter")
        filter_name, values = _read(old_path)
        data = _pack([filter_name, sorted(
            ([value, sorted(new_number[number] for number in numbers)]
             for value, numbers in values), key=lambda value: value[0])])
        new_hash = f"{prefix}_{hashlib.sha256(data).hexdigest()[:7]}"
        written[os.path.join(bundle, "filter", f"{new_hash}.pf_filter")] = data
        removed.append(old_path)
        filters.append([name, new_hash])
    meta[1] = [pages[number] for number in order]
    meta[2] = chunks
    meta[3] = sorted(filters)
    data = _pack(meta)
    new_meta_hash = f"{prefix}_{hashlib.sha256(data).hexdigest()[:10]}"
    written[os.path.join(bundle, f"pagefind.{new_meta_hash}.pf_meta")] = data
    removed.append(meta_path)
    for path in removed:
        os.remove(path)
    for path, data in written.items():
        _write(path, data)
    return new_meta_hash


def _renumbered_word(word, new_number):
    """A word of a word index (``[word, pages, variants]``, each variant ``[spelling,
    pages]``: the same word with other tone marks) with its pages renumbered and its
    variants in the order of their spellings (Pagefind lists them as it meets them)."""
    text, pages, variants = word
    return [text, _renumbered_pages(pages, new_number),
            sorted([spelling, _renumbered_pages(found, new_number)]
                   for spelling, found in variants)]


def _renumbered_pages(pages, new_number):
    """``pages`` (each ``[number as a difference from the page before, …]``) with
    their numbers mapped by ``new_number``, in the new order, again as differences."""
    numbered, number = [], 0
    for page in pages:
        number += page[0]
        numbered.append([new_number[number], *page[1:]])
    numbered.sort(key=lambda page: page[0])
    previous = 0
    for page in numbered:
        page[0], previous = page[0] - previous, page[0]
    return numbered


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
    if major == 1:
        return -1 - length, index
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
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
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
