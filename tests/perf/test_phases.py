"""bench/phases.py: where a build spends its time, phase by phase."""

import re

from tests.perf import run_bench_script


def test_phases_of_a_cold_a_warm_and_an_edit_build_add_up_to_the_build():
    # (The warm build goes through every phase, though nothing changed: --full.)
    output = run_bench_script("phases.py", "--articles", "12", "--scenarios", "cold,warm,edit")
    reports = re.findall(r"^(cold|warm|edit): ([\d.]+) s in the build process\n"
                         r"[^\n]*\n((?:[ \d.]+ +\d+% +[\d.—]+  [^\n]+\n?)+)",
                         output, re.MULTILINE)
    assert [scenario for scenario, _, _ in reports] == ["cold", "warm", "edit"]
    for _, total, rows in reports:
        seconds = [float(row.split()[0]) for row in rows.strip().splitlines()]
        assert len(seconds) == 7  # every phase, from start-up to the output swapped in
        assert abs(sum(seconds) - float(total)) < 0.05
        assert "reading the articles" in rows and "the search index" in rows
