"""Benchmark a full tinhoi build of a synthetic corpus.

``python bench/bench_build.py --articles 2000 [--runs 3] [--tmpfs]`` generates the
corpus (bench/gen_corpus.py), builds it with the project's settings in a child
process ``--runs`` times, and prints the median wall time, articles per second
and the peak memory (max RSS) of the build process.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from gen_corpus import generate  # noqa: E402


def settings_file(work, output):
    """Project settings pointed at the corpus, with absolute theme and plugin paths."""
    path = work / "benchconf.py"
    path.write_text(
        f"exec(open({str(ROOT / 'pelicanconf.py')!r}, encoding='utf-8').read())\n"
        f"PATH = {str(work / 'content')!r}\nOUTPUT_PATH = {str(output)!r}\n"
        f"THEME = {str(ROOT / 'theme')!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
        "SITEURL = 'https://tinhoi.example.org'\nRELATIVE_URLS = False\n",
        encoding="utf-8",
    )
    return path


def one_build(settings, output):
    """Run one build in a child process; return (seconds, peak RSS in MiB)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "tinhoi", "build", "-s", str(settings), "-o", str(output)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"build failed:\n{errors[-3000:]}")
    return seconds, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--photos", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tmpfs", action="store_true", help="work in /dev/shm")
    args = parser.parse_args()
    base = "/dev/shm" if args.tmpfs else None
    with tempfile.TemporaryDirectory(prefix="tinhoi-bench-", dir=base) as folder:
        work = Path(folder)
        generate(work, args.articles, args.photos)
        output = work / "output"
        settings = settings_file(work, output)
        times, peaks = [], []
        for _ in range(args.runs):
            seconds, peak = one_build(settings, output)
            times.append(seconds)
            peaks.append(peak)
        median = statistics.median(times)
        pages = sum(1 for _ in output.rglob("*.html"))
        print(
            f"articles: {args.articles}  photos: {args.photos}  runs: {args.runs}"
            f"  where: {'tmpfs' if args.tmpfs else 'disk'}"
        )
        print(f"build times (s): {', '.join(f'{t:.2f}' for t in times)}")
        print(f"median build: {median:.2f} s")
        print(f"articles per second: {args.articles / median:.0f}")
        print(f"peak memory (max RSS): {max(peaks):.0f} MiB")
        print(f"HTML pages written: {pages}")
        own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"max RSS of this script: {own_peak:.0f} MiB")


if __name__ == "__main__":
    main()
