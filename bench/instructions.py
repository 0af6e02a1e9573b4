"""Instructions a cold build executes, counted by valgrind's callgrind: a measure of a
small change that this machine's noise cannot hide.

    python bench/instructions.py --articles 300 [--processes 1] [--against REV] [--top 15]
                                 [--scenario cold|full|edit[,…]]

Wall and CPU times here vary by up to 50% from one hour to the next, so a change saving
3% of a build cannot be seen in them; the number of instructions a build executes varies
by less than 0.1% from run to run.  The script generates the benchmark corpus
(bench/gen_corpus.py), builds it cold (no output, no cache) under callgrind, and prints
the instructions of every process of the build with the functions (of C: Python's
interpreter, ``re``, BLAKE2…) that executed the most.  With ``--processes 1``
(the default) the build renders and converts in its own process and without the search
index, so all of it is one count; ``--processes 2`` is the build as ``make html`` runs
it (a forked process's count also holds its parent's before the fork: compare such
totals only with each other).  ``--against REV`` builds the same corpus with the
plugins, theme and ``tinhoi`` package of a git revision as well (byte-compiled like
this tree's), and prints both counts and their ratio.  ``--scenario full`` counts instead
a second build with nothing changed that goes through everything (``tinhoi build
--full``: every article from the content cache, every page checked), and ``--scenario
edit`` a second build after one sentence was added to one article; the first build is
not counted.  Several scenarios (``--scenario cold,full``) are counted in one run, each
on a corpus of its own, and printed one after the other.

A build of 300 articles takes about three minutes under callgrind; the counted builds
run two at a time (callgrind runs a process on one core).  Needs valgrind (Debian's
``valgrind`` package).
"""

import argparse
import concurrent.futures
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_build import compile_project, edit_one_article, tinhoi_settings  # noqa: E402
from gen_corpus import generate  # noqa: E402

TOTALS = re.compile(r"^(?:summary|totals):\s+(\d+)", re.MULTILINE)


def settings_file(work, tree, processes):
    """Settings of the project in ``tree`` pointed at the corpus in ``work``."""
    # The feeds are made in the build process: a forked copy's count would hold its
    # parent's instructions before the fork again (the same work either way).
    feeds = "FEEDS_BACKGROUND = False\n"
    one = "SEARCH_ENABLED = False\nRENDER_PROCESSES = 1\nTINHOI_WORKERS = 1\n"
    return tinhoi_settings(work, work / "output", tree=tree, name=f"instructions-{tree.name}.py",
                           extra=feeds + (one if processes == 1 else ""))


def counted_build(work, tree, processes, scenario="cold"):
    """Run a build of ``work`` with the project in ``tree`` under callgrind (``cold``,
    or after an uncounted cold build for ``full`` and ``edit``, see the module's
    docstring); return ``[(instructions, command, output file)]``, one per process."""
    for folder in ("output", ".cache"):
        shutil.rmtree(work / folder, ignore_errors=True)
    counts = work / f"callgrind-{tree.name}"
    shutil.rmtree(counts, ignore_errors=True)
    counts.mkdir()
    build = [sys.executable, "-m", "tinhoi", "build", "-s",
             str(settings_file(work, tree, processes))]
    if scenario != "cold":
        first = subprocess.run(build, cwd=tree, capture_output=True, text=True, check=False)
        if first.returncode != 0:
            raise SystemExit(f"the first build failed:\n{first.stderr[-3000:]}")
        if scenario == "edit":
            edit_one_article(work, 0)
        # A tree that keeps an unchanged site (tinhoi/uptodate.py) is told to go through
        # the whole build; an older one always does.
        if "--full" in (tree / "tinhoi" / "__main__.py").read_text(encoding="utf-8"):
            build.append("--full")
    command = ["valgrind", "--tool=callgrind", "--trace-children=yes",
               f"--callgrind-out-file={counts}/cg.%p", *build]
    done = subprocess.run(command, cwd=tree, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the build failed under callgrind:\n{done.stderr[-3000:]}")
    processes_counted = []
    for path in sorted(glob.glob(str(counts / "cg.*"))):
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        found = TOTALS.search(text)
        command_line = re.search(r"^cmd:\s*(.*)$", text, re.MULTILINE)
        if found:
            processes_counted.append((int(found.group(1)),
                                      command_line.group(1)[:70] if command_line else "?", path))
    return processes_counted


def top_functions(path, count):
    """The ``count`` functions with the most instructions in one callgrind output."""
    done = subprocess.run(["callgrind_annotate", path], capture_output=True, text=True,
                          check=False)
    rows = [line for line in done.stdout.splitlines() if re.match(r"^\s*[\d,]+ \(", line)]
    return [re.sub(r"\[.*\]$", "", row).replace("/tmp/python-build", "…").rstrip()
            for row in rows[1:count + 1]]


def checkout(revision, folder):
    """The plugins, theme, ``tinhoi`` package and settings of ``revision`` in ``folder``."""
    archive = subprocess.run(["git", "archive", revision, "plugins", "theme", "tinhoi",
                              "pelicanconf.py"], cwd=ROOT, capture_output=True, check=False)
    if archive.returncode != 0:
        raise SystemExit(f"--against {revision}: not a revision of this repository "
                         f"({archive.stderr.decode('utf-8', 'replace').strip()})")
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    compile_project(folder)
    return folder


def report(name, counted, top):
    total = sum(count for count, _, _ in counted)
    print(f"{name}: {total:,} instructions in {len(counted)} process(es)")
    for count, command, _ in counted:
        print(f"  {count:>16,}  {command}")
    if top and counted:
        print("  the functions with the most instructions in its first process:")
        for row in top_functions(counted[0][2], top):
            print(f"    {row[:150]}")
    return total


SCENARIOS = ("cold", "full", "edit")


def scenarios(text):
    """The scenarios named in ``text`` (``cold,full``), in order, each once."""
    named = list(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    unknown = [name for name in named if name not in SCENARIOS]
    if unknown or not named:
        raise argparse.ArgumentTypeError(
            f"unknown scenario {', '.join(unknown) or repr(text)} "
            f"(known: {', '.join(SCENARIOS)})")
    return named


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1)
    parser.add_argument("--against", metavar="REV", help="also count a git revision's build")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--scenario", type=scenarios, default=["cold"],
                        help="cold, full or edit, or several: cold,full")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    compile_project()
    with tempfile.TemporaryDirectory(prefix="tinhoi-instructions-", dir="/dev/shm"
                                     if os.path.isdir("/dev/shm") else None) as folder:
        base = Path(folder)
        then = checkout(args.against, Path(tempfile.mkdtemp(dir=folder))) \
            if args.against else None
        generate(base / "corpus", args.articles, 0)
        trees = [("this tree", ROOT)] + ([(args.against, then)] if then is not None else [])
        jobs = []  # (scenario, name, work folder, tree): a corpus of its own for each
        for scenario in args.scenario:
            for name, tree in trees:
                work = base / f"{scenario}-{len(jobs)}"
                shutil.copytree(base / "corpus" / "content", work / "content")
                jobs.append((scenario, name, work, tree))
        print(f"articles: {args.articles}  processes: {args.processes}  "
              f"scenario: {','.join(args.scenario)}", flush=True)
        # Two builds at once: one core each (callgrind runs a process on one core).
        with concurrent.futures.ThreadPoolExecutor(min(2, len(jobs))) as pool:
            futures = [pool.submit(counted_build, work, tree, args.processes, scenario)
                       for scenario, _, work, tree in jobs]
            results = [future.result() for future in futures]
        for scenario in args.scenario:
            if len(args.scenario) > 1:
                print(f"scenario: {scenario}")
            totals = [report(name, counted, args.top) for (of, name, _, _), counted
                      in zip(jobs, results, strict=True) if of == scenario]
            if len(totals) == 2 and totals[1]:
                print(f"this tree / {args.against}: {totals[0] / totals[1]:.4f}")


if __name__ == "__main__":
    main()
