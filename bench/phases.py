"""Where a tinhoi build spends its time: its phases, and how many cores each kept busy.

    python bench/phases.py --articles 2000 [--tmpfs] [--scenarios cold,warm,edit]
                           [--profile 25]

Generates the benchmark corpus (bench/gen_corpus.py) and builds it with tinhoi, each
scenario in a process of its own (``cold``: no output and no cache; ``warm``: the same
build again, made to go through every phase with ``--full``; ``edit``: after one
sentence was added to one article).  The build process
marks the moments Pelican's signals are sent and samples the machine's busy cores
(``/proc/stat``) every quarter of a second, and prints for each phase its seconds, its
share of the build and the cores busy (1.0: one core's worth; the machine's, so run it
on an otherwise idle machine).  ``--profile N`` also prints the N functions of the build
process with the most cumulative time (cProfile, which roughly doubles Python's times;
the forked processes are not profiled).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_build import compile_project, edit_one_article, tinhoi_settings  # noqa: E402
from gen_corpus import generate  # noqa: E402

# The signals that end each phase, in the order Pelican sends them, with what the phase
# they end is made of.
PHASES = (
    ("article_generator_init", "start-up: Python, imports, settings, plugins"),
    ("article_generator_finalized", "reading the articles (Markdown, or the content cache)"),
    ("all_generators_finalized", "the other generators' contexts and the plugins' passes"),
    ("get_writer", "what follows the contexts (URLs fixed, search shards foreseen…)"),
    ("article_writer_finalized", "article, tag, category, author and archive pages"),
    ("finalized", "the other generators' pages, feeds, calendars, static files"),
)
END = ("end", "after finalized: the search index, the output swapped into place")
SAMPLE_EVERY = 0.25


def busy_cores():
    """``(total, idle)`` jiffies of the machine so far."""
    with open("/proc/stat", encoding="ascii") as stat:
        values = [int(value) for value in stat.readline().split()[1:]]
    return sum(values), values[3] + values[4]


class Sampler(threading.Thread):
    """Samples how many of the machine's cores are busy, as ``(time, cores)``."""

    def __init__(self, started):
        super().__init__(daemon=True)
        self.started, self.samples = started, []

    def run(self):
        """Sample until the process ends."""
        cores = os.cpu_count() or 1
        total, idle = busy_cores()
        while True:
            time.sleep(SAMPLE_EVERY)
            total_now, idle_now = busy_cores()
            spent = max(1, total_now - total)
            self.samples.append((time.perf_counter() - self.started,
                                 cores * (1 - (idle_now - idle) / spent)))
            total, idle = total_now, idle_now

    def cores_between(self, start, end):
        """The mean busy cores of the samples taken between ``start`` and ``end``."""
        inside = [cores for moment, cores in self.samples if start < moment <= end]
        return sum(inside) / len(inside) if inside else None


def child(settings, output, profile):
    """Build once in this process; print the phases as JSON on the last line."""
    from pelican import signals

    started = time.perf_counter()
    sampler = Sampler(started)
    sampler.start()
    marks = {}

    def marker(name):
        def mark(*args, **kwargs):
            marks.setdefault(name, time.perf_counter() - started)
        return mark

    receivers = [marker(name) for name, _ in PHASES]  # kept: signals hold weak references
    for (name, _), receiver in zip(PHASES, receivers, strict=True):
        getattr(signals, name).connect(receiver)
    # --full: the warm build goes through every phase (it would be kept as it is).
    sys.argv = ["tinhoi", "build", "-s", settings, "-o", output, "--full"]
    from tinhoi.__main__ import main

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    try:
        main()
    except SystemExit as exit_:
        if exit_.code:
            raise
    finally:
        if profiler is not None:
            profiler.disable()
    end = time.perf_counter() - started
    time.sleep(SAMPLE_EVERY)  # the last sample
    phases, previous = [], 0.0
    for name, what in (*PHASES, END):
        moment = end if name == "end" else marks.get(name)
        if moment is None:
            continue
        phases.append({"phase": what, "seconds": moment - previous,
                       "cores": sampler.cores_between(previous, moment)})
        previous = moment
    if profiler is not None:
        import pstats

        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(profile)
    print(json.dumps({"total": end, "phases": phases}))


def run_scenario(settings, output, profile):
    """One build in a child process: its phases (see :func:`child`)."""
    command = [sys.executable, __file__, "--child", str(settings), str(output)]
    if profile:
        command += ["--profile", str(profile)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stderr[-3000:]}")
    if profile:
        print(done.stderr[done.stderr.find("   ncalls"):], end="")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(scenario, result):
    """Print one build's phases."""
    total = result["total"]
    print(f"\n{scenario}: {total:.2f} s in the build process")
    print(f"{'seconds':>8s} {'share':>6s} {'cores':>6s}  phase")
    for phase in result["phases"]:
        cores = "—" if phase["cores"] is None else f"{phase['cores']:.2f}"
        print(f"{phase['seconds']:8.2f} {phase['seconds'] / total:6.0%} {cores:>6s}  "
              f"{phase['phase']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--tmpfs", action="store_true", help="work in /dev/shm")
    parser.add_argument("--scenarios", default="cold,warm,edit")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print the N functions with the most cumulative time")
    parser.add_argument("--child", nargs=2, metavar=("SETTINGS", "OUTPUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.profile)
        return
    scenarios = [s for s in args.scenarios.split(",") if s]
    compile_project()
    with tempfile.TemporaryDirectory(prefix="tinhoi-phases-",
                                     dir="/dev/shm" if args.tmpfs else None) as folder:
        work = Path(folder)
        generate(work, args.articles, 0)
        settings = tinhoi_settings(work, work / "output")
        print(f"articles: {args.articles}  where: {'tmpfs' if args.tmpfs else 'disk'}  "
              f"cpus: {os.cpu_count()}", flush=True)
        for serial, scenario in enumerate(("cold", "warm", "edit")):
            if scenario != "cold" and scenario not in scenarios:
                continue  # the cold build is always made: the others follow it
            if scenario == "edit":
                edit_one_article(work, serial)
            profile = args.profile if scenario in scenarios else 0
            result = run_scenario(settings, work / "output", profile)
            if scenario in scenarios:
                report(scenario, result)

if __name__ == "__main__":
    main()
