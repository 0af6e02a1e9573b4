"""Memory a build no longer needs, given back as pages are written."""

import ctypes
import functools

from pelican.contents import Content


def release_page_memory(trim=True):
    """Give back what the written pages no longer need (``trim``: to the system too).

    Pelican keeps every article's body as rendered for each site URL (``get_content``
    is memoized for the whole build): 10 to 20 KB an article, kept until the end.  Once
    a batch of pages is written, that is dropped (a later page needing a body renders it
    again), and glibc is asked to return the freed heap to the system.
    """
    cache = getattr(Content.get_content, "cache", None)
    if isinstance(cache, dict):
        cache.clear()
    if trim:
        _trim_heap()


@functools.cache
def _malloc_trim():
    # The symbols of the running process, libc's among them: ``ctypes.util.find_library``
    # would run ``ldconfig -p`` in a new process, in every build that writes pages.
    try:
        return ctypes.CDLL(None).malloc_trim
    # Not glibc (its allocator keeps its own counsel), or no such handle (Windows).
    except (OSError, AttributeError, TypeError):
        return None


def _trim_heap():
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
