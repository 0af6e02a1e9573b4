"""bench/instructions.py: instructions of a cold build, counted by callgrind."""

import concurrent.futures
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.perf import run_bench_script

needs_valgrind = pytest.mark.skipif(shutil.which("valgrind") is None,
                                    reason="valgrind is not installed")


@pytest.fixture(scope="module")
def counted():
    """Two runs of the script side by side: a cold build of this tree and of HEAD, and a
    second build of this tree (three builds under callgrind, each taking a minute or two
    on one core; HEAD's second build, which no test reads, is not made), by scenario:
    ``{scenario: {"totals": {tree: instructions}, "ratio": …, "text": output}}``."""
    runs = {"cold": ("--against", "HEAD", "--scenario", "cold"), "full": ("--scenario", "full")}
    with concurrent.futures.ThreadPoolExecutor(len(runs)) as pool:
        outputs = {scenario: pool.submit(run_bench_script, "instructions.py", "--articles",
                                         "4", "--top", "2", *arguments, timeout=1200)
                   for scenario, arguments in runs.items()}
    found = {}
    for scenario, output in outputs.items():
        text = output.result()
        totals = {tree: int(total.replace(",", "")) for tree, total in
                  re.findall(r"^(this tree|HEAD): ([\d,]+) instructions", text, re.MULTILINE)}
        ratio = re.search(r"^this tree / HEAD: ([\d.]+)$", text, re.MULTILINE)
        found[scenario] = {"totals": totals, "ratio": ratio and float(ratio.group(1)),
                           "text": text}
    return found


@needs_valgrind
def test_instruction_counts_of_one_tree_built_twice_agree_closely(counted):
    cold = counted["cold"]
    assert set(cold["totals"]) == {"this tree", "HEAD"}
    assert all(total > 10**9 for total in cold["totals"].values())  # a whole build
    # The same code (the tree is HEAD's, or a commit's edits away): the measure is steady
    # to well under the few per cent a change is measured by.
    assert 0.97 < cold["ratio"] < 1.03
    assert "_PyEval_EvalFrameDefault" in cold["text"]  # the functions with the most instructions


@needs_valgrind
def test_an_unknown_revision_is_refused_with_its_name():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "instructions.py"),
                           "--articles", "3", "--against", "khong-co-ban-nay"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert "--against khong-co-ban-nay: not a revision" in done.stderr
    assert "Traceback" not in done.stderr


@needs_valgrind
def test_a_second_build_is_counted_without_the_first(counted):
    cold, full = (counted[scenario]["totals"]["this tree"] for scenario in ("cold", "full"))
    # The second build goes through everything (it is not skipped as unchanged: a tenth
    # of a cold build's instructions at most would be), from the caches.
    assert cold * 0.3 < full < cold


def test_scenarios_are_checked_before_anything_is_built():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "instructions.py"),
                           "--articles", "3", "--scenario", "cold,tiepdo"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "unknown scenario tiepdo (known: cold, full, edit)" in done.stderr
    assert "Traceback" not in done.stderr
