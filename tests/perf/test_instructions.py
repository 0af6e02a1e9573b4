"""bench/instructions.py: instructions of a cold build, counted by callgrind."""

import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.perf import run_bench_script


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_instruction_counts_of_one_tree_built_twice_agree_closely():
    output = run_bench_script("instructions.py", "--articles", "6", "--top", "2",
                              "--against", "HEAD")
    totals = [int(total.replace(",", "")) for total in
              re.findall(r"^(?:this tree|HEAD): ([\d,]+) instructions", output, re.MULTILINE)]
    assert len(totals) == 2 and all(total > 10**9 for total in totals)  # a whole build
    ratio = float(re.search(r"^this tree / HEAD: ([\d.]+)$", output, re.MULTILINE).group(1))
    # The same code (the tree is HEAD's, or a commit's edits away): the measure is steady
    # to well under the few per cent a change is measured by.
    assert 0.97 < ratio < 1.03
    assert "_PyEval_EvalFrameDefault" in output  # the functions with the most instructions


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_an_unknown_revision_is_refused_with_its_name():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "instructions.py"),
                           "--articles", "3", "--against", "khong-co-ban-nay"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert "--against khong-co-ban-nay: not a revision" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_a_second_build_is_counted_without_the_first():
    def total(scenario):
        output = run_bench_script("instructions.py", "--articles", "4", "--top", "0",
                                  "--scenario", scenario)
        assert f"scenario: {scenario}" in output
        return int(re.search(r"^this tree: ([\d,]+) instructions", output,
                             re.MULTILINE).group(1).replace(",", ""))

    cold, full = total("cold"), total("full")
    # The second build goes through everything (it is not skipped as unchanged: a tenth
    # of a cold build's instructions at most would be), from the caches.
    assert cold * 0.3 < full < cold
