"""Benchmark tinhoi builds against stock Pelican on the same synthetic corpus.

    python bench/bench_build.py --articles 2000 [--articles 500 ...] [--runs 3] [--tmpfs]
                                [--systems tinhoi,pelican] [--scenarios cold,warm,edit]
                                [--no-cache]

For each N, the corpus is generated twice from one seed (bench/gen_corpus.py):
with tinhoi's YAML front-matter and events, and with stock Pelican's ``Key: value``
header (same titles, dates, categories, tags, summaries and bodies).  Every build
runs in a child process (``python -m tinhoi build`` with the project's settings and
every plugin; ``pelican`` with no plugin, the default theme, and Atom + RSS feeds for
the site, each category and each tag); runs of the systems alternate.

Scenarios:

- ``cold``: no output and no cache (tinhoi's content and image caches are removed);
- ``warm``: the same build again with nothing changed;
- ``edit``: a build after one sentence was added to one article.

Stock Pelican runs with its content cache on for ``warm`` and ``edit`` (its best
case).  Printed per N and scenario: the median wall time, articles per second,
peak memory (max RSS of the build process and its children) and the ratios
tinhoi / Pelican and scenario / cold.  Photos are measured by bench/bench_images.py;
``--photos`` adds photos to the tinhoi corpus only.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from gen_corpus import generate  # noqa: E402

SCENARIOS = ("cold", "warm", "edit")
SYSTEMS = ("tinhoi", "pelican")


def tinhoi_settings(work, output, cache=True):
    """Project settings pointed at the corpus, with absolute theme and plugin paths."""
    path = work / "benchconf.py"
    path.write_text(
        f"exec(open({str(ROOT / 'pelicanconf.py')!r}, encoding='utf-8').read())\n"
        f"PATH = {str(work / 'content')!r}\nOUTPUT_PATH = {str(output)!r}\n"
        f"THEME = {str(ROOT / 'theme')!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
        "SITEURL = 'https://tinhoi.example.org'\nRELATIVE_URLS = False\n"
        f"TINHOI_CONTENT_CACHE = {cache!r}\n",
        encoding="utf-8",
    )
    return path


def pelican_settings(work, output):
    """Stock Pelican: no plugin, default theme, feeds for the site, categories and tags."""
    path = work / "pelicanconf.py"
    path.write_text(
        "AUTHOR = 'PV'\nSITENAME = 'Tin hội'\nSITEURL = 'https://tinhoi.example.org'\n"
        f"PATH = {str(work / 'content')!r}\nOUTPUT_PATH = {str(output)!r}\n"
        "TIMEZONE = 'Asia/Ho_Chi_Minh'\nDEFAULT_LANG = 'vi'\nDEFAULT_PAGINATION = 10\n"
        "PLUGINS = []\nSTATIC_PATHS = []\n"
        "FEED_ALL_ATOM = 'feeds/all.atom.xml'\nFEED_ALL_RSS = 'feeds/all.rss.xml'\n"
        "CATEGORY_FEED_ATOM = 'feeds/{slug}.atom.xml'\nCATEGORY_FEED_RSS = 'feeds/{slug}.rss.xml'\n"
        "TAG_FEED_ATOM = 'feeds/tag-{slug}.atom.xml'\nTAG_FEED_RSS = 'feeds/tag-{slug}.rss.xml'\n"
        "CACHE_CONTENT = True\nLOAD_CONTENT_CACHE = True\n"
        f"CACHE_PATH = {str(work / 'pelican-cache')!r}\n",
        encoding="utf-8",
    )
    return path


class System:
    """One thing to build: a corpus folder, its settings and its command."""

    def __init__(self, name, work, command, caches):
        self.name, self.work, self.command, self.caches = name, work, command, caches
        self.output = work / "output"

    def reset(self):
        """Remove the output and every cache: the next build is cold."""
        for folder in (self.output, *self.caches):
            shutil.rmtree(folder, ignore_errors=True)

    def edit_one(self, serial):
        """Add a sentence to one article's body (a different sentence every time)."""
        article = sorted((self.work / "content").rglob("bai-*.md"))[0]
        with open(article, "a", encoding="utf-8") as handle:
            handle.write(f"\nCâu thêm lần {serial} cho bài sửa.\n")


def make_systems(base, articles, photos, systems, cache):
    made = []
    if "tinhoi" in systems:
        work = base / "tinhoi"
        generate(work, articles, photos)
        settings = tinhoi_settings(work, work / "output", cache)
        made.append(System("tinhoi", work,
                           [sys.executable, "-m", "tinhoi", "build", "-s", str(settings),
                            "-o", str(work / "output")], [work / ".cache"]))
    if "pelican" in systems:
        work = base / "pelican"
        generate(work, articles, 0, flavour="pelican")
        settings = pelican_settings(work, work / "output")
        pelican = str(Path(sys.executable).with_name("pelican"))
        made.append(System("pelican", work, [pelican, "-s", str(settings), "-q"],
                           [work / "pelican-cache"]))
    return made


def one_build(system):
    """Run one build in a child process; return (seconds, peak RSS in MiB)."""
    start = time.perf_counter()
    process = subprocess.Popen(system.command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    errors = process.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{system.name} build failed:\n{errors[-3000:]}")
    # ru_maxrss of wait4 is the largest of the child and the grandchildren it waited for.
    return seconds, usage.ru_maxrss / 1024


def measure(systems, runs, scenarios):
    """``{(system, scenario): [(seconds, MiB), ...]}``, systems alternating in every run."""
    results = {}
    for run in range(runs):
        for system in systems:
            system.reset()
            for scenario in ("cold", "warm", "edit"):
                if scenario == "edit":
                    system.edit_one(run)
                if scenario == "warm" and "warm" not in scenarios and "edit" not in scenarios:
                    break
                seconds, peak = one_build(system)
                if scenario in scenarios:
                    results.setdefault((system.name, scenario), []).append((seconds, peak))
                print(f"  run {run + 1} {system.name:8s} {scenario:5s} {seconds:7.2f} s "
                      f"{peak:5.0f} MiB", flush=True)
    return results


def report(results, articles, scenarios, systems):
    """Print the medians of each system and scenario, with their ratios."""
    print(f"\n== {articles} articles ==")
    print(f"{'system':8s} {'scenario':8s} {'median s':>9s} {'art/s':>7s} {'peak MiB':>9s} "
          f"{'÷ cold':>7s} {'÷ pelican':>10s}")
    medians = {key: statistics.median(s for s, _ in values) for key, values in results.items()}
    for name in systems:
        for scenario in scenarios:
            values = results.get((name, scenario))
            if not values:
                continue
            median = medians[(name, scenario)]
            peak = max(p for _, p in values)
            cold = medians.get((name, "cold"))
            versus = medians.get(("pelican", scenario))
            ratio = (f"{median / versus:10.2f}" if versus and name != "pelican"
                     else f"{'—':>10s}")
            print(f"{name:8s} {scenario:8s} {median:9.2f} {articles / median:7.0f} {peak:9.0f} "
                  f"{(median / cold if cold else 0):7.2f} {ratio}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, action="append",
                        help="corpus size; repeat for several (default 2000)")
    parser.add_argument("--photos", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tmpfs", action="store_true", help="work in /dev/shm")
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--no-cache", action="store_true",
                        help="tinhoi with TINHOI_CONTENT_CACHE = False (no cache, no pool)")
    args = parser.parse_args()
    systems = [s for s in args.systems.split(",") if s]
    scenarios = [s for s in args.scenarios.split(",") if s]
    base_dir = "/dev/shm" if args.tmpfs else None
    for articles in args.articles or [2000]:
        with tempfile.TemporaryDirectory(prefix="tinhoi-bench-", dir=base_dir) as folder:
            made = make_systems(Path(folder), articles, args.photos, systems, not args.no_cache)
            print(f"articles: {articles}  runs: {args.runs}  where: "
                  f"{'tmpfs' if args.tmpfs else 'disk'}  cpus: {os.cpu_count()}", flush=True)
            results = measure(made, args.runs, scenarios)
            report(results, articles, scenarios, systems)


if __name__ == "__main__":
    main()
