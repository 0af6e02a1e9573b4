"""bench/bench_preview.py: the live preview's rebuilds, timed."""

import re
import subprocess
import sys

from tests.conftest import ROOT


def test_preview_bench_times_a_rebuild_unchanged_and_after_an_edit():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_preview.py"), "--articles", "12",
         "--runs", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    # The script fails when the edited sentence is not in the rebuilt preview.
    assert done.returncode == 0, done.stderr[-2000:]
    first = float(re.search(r"first build +([\d.]+) s", done.stdout).group(1))
    medians = dict(re.findall(r"^(unchanged|edit) +([\d.]+) +[\d.]+$", done.stdout,
                              re.MULTILINE))
    assert set(medians) == {"unchanged", "edit"}
    assert first > 0 and all(float(value) > 0 for value in medians.values())
