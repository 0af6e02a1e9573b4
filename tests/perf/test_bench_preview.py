"""bench/bench_preview.py: the live preview's rebuilds, timed."""

import re

from tests.perf import run_bench_script


def test_preview_bench_times_a_rebuild_unchanged_and_after_an_edit():
    # The script fails when the edited sentence is not in the rebuilt preview.
    output = run_bench_script("bench_preview.py", "--articles", "12", "--runs", "1")
    first = float(re.search(r"first build +([\d.]+) s", output).group(1))
    medians = dict(re.findall(r"^(unchanged|edit) +([\d.]+) +[\d.]+$", output, re.MULTILINE))
    assert set(medians) == {"unchanged", "edit"}
    assert first > 0 and all(float(value) > 0 for value in medians.values())
