"""Processing many photos: the cache look-up, then the misses across worker processes."""

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import repeat

from PIL import Image

from .process import cache_key, process_photo, read_manifest
from .settings import cache_root, fingerprint, get, processes, processing_options


@dataclass
class Stats:
    """What one run of :func:`process_photos` did."""

    photos: int = 0
    processed: int = 0
    cached: int = 0
    failed: int = 0
    workers: int = 1
    seconds: float = 0.0


def process_photos(paths, settings):
    """Variants for every absolute path in ``paths``; return ``(results, stats)``.

    ``results`` maps each path to its cache manifest, or to ``{"error": message}``.
    A photo whose bytes and settings were seen before is taken from the cache
    without decoding it; the others are processed in parallel.
    """
    started = time.perf_counter()
    options = processing_options(settings)
    stamp = fingerprint(options)
    root = cache_root(settings)
    max_pixels = get(settings, "IMAGES_MAX_PIXELS")
    results, misses = {}, []
    for path in sorted(set(paths)):
        try:
            with open(path, "rb") as handle:
                key = cache_key(handle.read(), stamp)
        except OSError:
            misses.append(path)  # process_photo reports why it cannot be read
            continue
        manifest = read_manifest(root, key)
        if manifest and (not max_pixels or manifest["source_pixels"] <= max_pixels):
            results[path] = manifest
        else:
            misses.append(path)
    stats = Stats(photos=len(results) + len(misses), cached=len(results))
    stats.workers = max(1, min(processes(settings), len(misses)))
    os.makedirs(root, exist_ok=True)
    for path, result in zip(misses, _run(misses, stamp, options, root, max_pixels,
                                         stats.workers), strict=True):
        results[path] = result
        if "error" in result:
            stats.failed += 1
        else:
            stats.processed += 1
    stats.seconds = time.perf_counter() - started
    return results, stats


def _run(paths, stamp, options, root, max_pixels, workers):
    arguments = (paths, repeat(stamp), repeat(options), repeat(root), repeat(max_pixels))
    if workers > 1:
        Image.init()  # load Pillow's format plugins once, before the workers fork
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
                return list(pool.map(process_photo, *arguments))
        except (BrokenProcessPool, OSError):
            pass  # no worker processes here: do the work in this process
    return list(map(process_photo, *arguments))


def _context():
    """Fork where it exists: the plugin is imported from PLUGIN_PATHS, not from sys.path."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None
