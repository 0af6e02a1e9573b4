#!/usr/bin/env python3
"""Measure the photo pipeline: camera photos (4000×3000 JPEG) to every variant.

Prints milliseconds per source photo with 1 process and with 2 processes, the
speed-up from the second core, and the time of a rebuild from the cache (which
must re-encode nothing).  The photos are made here: camera-like JPEGs (quality
90, smooth shapes, sensor noise, GPS; every other one a portrait shot with EXIF
orientation 6), one per seed.  Run it on an otherwise idle machine; ``--repeat``
keeps the fastest of several runs when it is not.

    .venv/bin/python bench/bench_images.py [--photos 6] [--formats avif,webp,jpeg]
"""

import argparse
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from images.pipeline import process_photos  # noqa: E402
from images.settings import DEFAULTS  # noqa: E402


def camera_photo(path, seed, size=(4000, 3000), orientation=1):
    """A synthetic camera JPEG: gradient sky, shapes, noise, EXIF orientation and GPS."""
    rnd = random.Random(seed)
    width, height = size
    small = Image.new("RGB", (width // 8, height // 8))
    draw = ImageDraw.Draw(small)
    for y in range(small.height):
        t = y / small.height
        draw.line([(0, y), (small.width, y)],
                  fill=(int(110 + 110 * t), int(150 - 50 * t), int(220 - 130 * t)))
    for _ in range(60):
        x, y = rnd.randrange(small.width), rnd.randrange(small.height)
        r = rnd.randrange(4, small.width // 7)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        shape = draw.ellipse if rnd.random() < 0.5 else draw.rectangle
        shape([x - r, y - r // 2, x + r, y + r // 2], fill=colour)
    image = small.resize(size, Image.BICUBIC)
    noise = Image.effect_noise(size, 6).convert("RGB")
    image = ImageChops.add(image, noise, scale=1.0, offset=-128)
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Canon"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (21.0, 1.0, 42.5), "E", (105.0, 51.0, 3.2)
    image.save(path, "JPEG", quality=90, exif=exif)


def run(paths, root, processes, formats, cache, draft=True):
    settings = {**DEFAULTS, "PATH": str(root / "content"), "IMAGES_FORMATS": formats,
                "IMAGES_PROCESSES": processes, "IMAGES_CACHE_PATH": str(cache),
                "IMAGES_JPEG_DRAFT": draft}
    started, cpu = time.perf_counter(), _cpu()
    results, stats = process_photos(paths, settings)
    elapsed = time.perf_counter() - started
    stats.cpu = _cpu() - cpu
    failed = [p for p, r in results.items() if "error" in r]
    if failed:
        raise SystemExit(f"photos failed: {failed}")
    return elapsed, stats, results


def _cpu():
    """CPU seconds of this process and of its finished children (the workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=6)
    parser.add_argument("--formats", default=",".join(DEFAULTS["IMAGES_FORMATS"]))
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each measurement; the fastest counts (a busy machine)")
    parser.add_argument("--compare-draft", action="store_true",
                        help="also run 1 process without JPEG draft() decoding")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    formats = args.formats.split(",")
    base = "/dev/shm" if os.path.isdir("/dev/shm") else None  # measure compute, not the disk
    root = Path(tempfile.mkdtemp(prefix="bench-images-", dir=base))
    try:
        content = root / "content" / "images"
        content.mkdir(parents=True)
        started = time.perf_counter()
        paths = []
        for seed in range(args.photos):
            path = content / f"anh-{seed:02d}.jpg"
            camera_photo(path, seed, orientation=6 if seed % 2 else 1)  # landscape, portrait
            paths.append(str(path))
        megabytes = statistics.mean(os.path.getsize(p) for p in paths) / 1e6
        print(f"{args.photos} ảnh 4000×3000 JPEG ({megabytes:.1f} MB mỗi ảnh) tạo trong "
              f"{time.perf_counter() - started:.1f} s; widths {DEFAULTS['IMAGES_WIDTHS']}, "
              f"formats {formats} + OG + placeholder; {os.cpu_count()} cores")
        ones, twos = [], []
        for attempt in range(args.repeat):  # alternate, so both see the same background load
            ones.append(run(paths, root, 1, formats, root / f"cache-1-{attempt}"))
            twos.append(run(paths, root, 2, formats, root / f"cache-2-{attempt}"))
        one, stats_one, results = min(ones, key=lambda r: r[0])
        two, stats_two, _ = min(twos, key=lambda r: r[0])
        cached, stats_cached, _ = run(paths, root, 2, formats, root / "cache-2-0")
        per_one = one * 1000 / len(paths)
        per_two = two * 1000 / len(paths)
        sizes = {}
        for manifest in results.values():
            for variant in manifest["variants"]:
                sizes[variant["format"]] = sizes.get(variant["format"], 0) + variant["bytes"]
        print(f"1 process  : {per_one:6.0f} ms per photo ({stats_one.processed} processed; "
              f"CPU {stats_one.cpu * 1000 / len(paths):.0f} ms per photo)")
        print(f"2 processes: {per_two:6.0f} ms per photo ({stats_two.processed} processed, "
              f"{stats_two.workers} workers; CPU {stats_two.cpu * 1000 / len(paths):.0f} ms "
              "per photo)")
        print(f"speed-up from the second core: {one / two:.2f}×")
        print(f"cached rebuild: {cached * 1000:.0f} ms for {len(paths)} photos "
              f"({cached * 1000 / len(paths):.1f} ms per photo); re-encoded "
              f"{stats_cached.processed}, from cache {stats_cached.cached}")
        print("output per photo, all widths: " + ", ".join(
            f"{fmt} {total / len(paths) / 1024:.0f} KB" for fmt, total in sorted(sizes.items())))
        if args.compare_draft:
            full, _stats, full_results = run(paths, root, 1, formats, root / "cache-full",
                                              draft=False)
            full_sizes = {}
            for manifest in full_results.values():
                for variant in manifest["variants"]:
                    full_sizes[variant["format"]] = (full_sizes.get(variant["format"], 0)
                                                     + variant["bytes"])
            print(f"without draft(): {full * 1000 / len(paths):6.0f} ms per photo (1 process); "
                  "output " + ", ".join(f"{fmt} {total / len(paths) / 1024:.0f} KB"
                                        for fmt, total in sorted(full_sizes.items())))
        if stats_cached.processed:
            raise SystemExit("the cached rebuild re-encoded photos")
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
