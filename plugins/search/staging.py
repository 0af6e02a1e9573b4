"""The copies of the pages handed to Pagefind, with their ``đ``-words spelt with ``d``.

Only the standard library: besides being the search plugin's, this file runs as a
script (``python staging.py job.json``) in the background process that stages a shard
and then becomes Pagefind, while the rest of the site is written (see ``search.py``).
"""

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile

logger = logging.getLogger(__name__)

BODY_MARKER = "data-pagefind-body"
_WORDS_WITH_D_BAR = re.compile(r"\w*[đĐ]\w*")
_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.DOTALL | re.IGNORECASE)


def fold_d(text):
    """``Đà Nẵng đường`` → ``Dà Nẵng dường``: only ``đ`` is folded, tones stay for Pagefind."""
    return text.replace("đ", "d").replace("Đ", "D")


def folded_words(html):
    """The page's words that contain ``đ``, spelt with ``d``, in order.

    Every occurrence is kept, so a page that often says ``đường`` ranks for
    ``duong`` as it would for ``đường``.
    """
    text = _TAGS.sub(" ", html)
    # A word never spans white space, so the pattern is run only on the few
    # white-space-separated chunks holding a ``đ``: run on the whole page, its leading
    # ``\w*`` is tried at every letter (a third of the search plugin's time).
    return fold_d(" ".join(word for chunk in text.split() if "đ" in chunk or "Đ" in chunk
                           for word in _WORDS_WITH_D_BAR.findall(chunk)))


def with_folded_copy(html, weight):
    """The page with a paragraph of folded words added at the end of its indexed body
    (see :func:`folded_copy`)."""
    return folded_copy(html, weight)[0]


def folded_copy(html, weight):
    """``(the page with a paragraph of folded words added at the end of its indexed
    body, whether the words found their place)``.

    The body is the element carrying ``data-pagefind-body`` (the theme puts it on
    the page's outer ``<article>``), so the paragraph goes before the last
    ``</article>`` inside ``<main>``.  The words are those Pagefind indexes: the
    body's, without its elements carrying ``data-pagefind-ignore`` (the other
    articles' titles, the share links) — not the menu, the skip link or the footer,
    whose ``Hoạt động``, ``Chủ đề``, ``Chuyển đến`` every page has.
    """
    end = html.rfind("</main>")
    close = html.rfind("</article>", 0, end if end != -1 else len(html))
    words = folded_words(indexed_part(html, close))
    if not words:
        return html, True
    paragraph = f'<p data-pagefind-weight="{weight}">{words}</p>'
    if close == -1:
        logger.warning("search: no </article> to hold the folded words in a page; "
                       "'d' will not match 'đ' there")
        return html, False
    return html[:close] + paragraph + html[close:], True


def indexed_part(html, close):
    """The part of ``html`` Pagefind indexes: from the element carrying
    ``data-pagefind-body`` to ``close`` (the index of its end), without the elements
    carrying ``data-pagefind-ignore``; the whole page when it has no such body."""
    marker = html.find(BODY_MARKER)
    if marker == -1 or close == -1 or close < marker:
        return html
    body = html[html.rfind("<", 0, marker):close]
    parts, position = [], 0
    while (ignored := _IGNORED.search(body, position)) is not None:
        parts.append(body[position:ignored.start()])
        position = _end_of_element(body, ignored)
    parts.append(body[position:])
    return "".join(parts)


_IGNORED = re.compile(r"<([a-zA-Z][\w-]*)\b[^>]*\bdata-pagefind-ignore\b[^>]*>")
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


def _end_of_element(html, start_tag):
    """Where the element opened by ``start_tag`` (a match of :data:`_IGNORED`) ends:
    after its matching end tag, counting the elements of the same name inside it."""
    name = start_tag.group(1).lower()
    if name in _VOID or start_tag.group(0).endswith("/>"):
        return start_tag.end()
    depth = 1
    # (``re`` keeps the few patterns compiled: one per tag name.)
    same_name = re.compile(rf"<{name}\b|</{name}\s*>", re.IGNORECASE)
    for tag in same_name.finditer(html, start_tag.end()):
        depth += -1 if tag.group(0).startswith("</") else 1
        if depth == 0:
            return tag.end()
    return len(html)


def _relative(path, folder):
    """``path`` relative to ``folder``, which holds it (``os.path.relpath`` makes both
    absolute first: a tenth of a second for the pages of a site of 2,000 articles)."""
    root = folder if not folder or folder.endswith(os.sep) else folder + os.sep
    return path[len(root):] if path.startswith(root) else os.path.relpath(path, folder)


def prepare_pages(pages, output_path, staging, weight, check=False, kept=None):
    """Copy each page of ``pages`` (``(path, digest of its bytes)``) into ``staging``
    with its folded words; return how many.

    The copies keep their paths, so Pagefind gives each result its page's URL.  With
    ``check``, a page whose bytes no longer have its digest, or that is gone, raises
    :class:`PageChangedError` (a page being written again while it is staged).
    ``kept``: a folder of the copies made before, each named by its page's digest (see
    :func:`kept_copy`): a page whose copy is there is linked (or copied, where files
    cannot be linked), not read and folded again (after an edit, all the pages of its
    shard but one).  A copy is kept only of bytes that have the digest it is named by,
    and only when its folded words found their place (a page that warns warns again).
    """
    for path, digest in pages:
        target = os.path.join(staging, _relative(path, output_path))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if kept is not None and _stage_kept(kept_copy(kept, digest), target):
            continue
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            if check:  # removed since the shard was foreseen
                raise PageChangedError(path) from None
            raise
        # (Summed up only when a check or a kept copy needs it.)
        same = (check or kept is not None) and \
            hashlib.blake2b(data, digest_size=16).digest() == digest
        if check and not same:
            raise PageChangedError(path)
        text, complete = folded_copy(data.decode("utf-8"), weight)
        if kept is None or not same or not complete or \
                not _keep_copy(text, kept_copy(kept, digest), target):
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(text)
    return len(pages)


def kept_copy(kept, digest):
    """Where in the folder ``kept`` the copy of the page whose bytes have ``digest`` is.

    Named by the digest alone: the folder is one of the search cache's, one for each
    key base (the settings that shape the copies, the plugin's code, Pagefind's and
    Python's versions).  Copies are renamed into place, never half-written, but not
    flushed to the disk one by one: after a power cut, clear the cache (``make clean``).
    """
    return os.path.join(kept, digest.hex() + ".html")


def link_or_copy(source, target):
    """Hard-link ``target`` to ``source``, or copy it where files cannot be linked (the
    copy keeps the time); return ``target``."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
    return target


def _stage_kept(copy, target):
    """Stage ``target`` from the kept ``copy`` (see :func:`link_or_copy`); whether it
    is staged (not when there is no such copy)."""
    try:
        link_or_copy(copy, target)
    except OSError:
        return False
    return True


def _keep_copy(text, copy, target):
    """Write ``text`` as the kept ``copy`` (renamed into place: never half-written) and
    stage ``target`` from it; whether both were done (else ``target`` is written alone)."""
    folder = os.path.dirname(copy)
    partial = None
    try:
        os.makedirs(folder, exist_ok=True)
        handle, partial = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(partial, copy)
        partial = None
    except OSError:
        if partial is not None:
            with contextlib.suppress(OSError):
                os.unlink(partial)
        return False
    return _stage_kept(copy, target)


class PageChangedError(Exception):
    """A page's bytes are not those the shard's key was made of."""


CHANGED = 3  # the exit status of the script when a page changed


def stage_and_index(job):
    """Stage ``job["pages"]`` (``[path, hex digest]`` in ``job["output"]``) into
    ``job["staging"]``, then become ``job["command"]`` (Pagefind), so that stopping this
    process stops Pagefind; exits with :data:`CHANGED` when a page is not the one the
    shard was foreseen with."""
    pages = [(path, bytes.fromhex(digest)) for path, digest in job["pages"]]
    try:
        prepare_pages(pages, job["output"], job["staging"], job["weight"], check=True,
                      kept=job.get("kept"))
    except PageChangedError:
        sys.exit(CHANGED)
    command = job["command"]
    os.execv(command[0], command)


if __name__ == "__main__":
    logging.basicConfig(format="%(levelname)s: %(message)s", stream=sys.stderr)
    with open(sys.argv[1], encoding="utf-8") as handle:
        stage_and_index(json.load(handle))
