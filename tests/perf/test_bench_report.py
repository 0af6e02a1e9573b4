"""bench/bench_build.py's report: medians, and the ratios of the builds of each run."""

import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from bench_build import report  # noqa: E402


def test_the_report_gives_each_runs_ratios_beside_the_medians(capsys):
    # (seconds, peak MiB, CPU seconds) of two runs, the systems alternating in each.
    results = {("tinhoi", "cold"): [(10.0, 140, 20), (12.0, 141, 22)],
               ("pelican", "cold"): [(11.0, 90, 11), (10.0, 90, 10)],
               ("tinhoi", "edit"): [(2.0, 120, 3), (3.0, 120, 4)],
               ("pelican", "edit"): [(8.0, 90, 8), (6.0, 90, 6)]}
    report(results, 2000, ["cold", "edit"], ["tinhoi", "pelican"])
    printed = capsys.readouterr().out
    medians = {line.split()[1]: line.split() for line in printed.splitlines()
               if line.startswith("tinhoi ")}
    assert medians["cold"][2] == "11.00" and medians["cold"][7] == "1.05"  # 11 ÷ 10.5
    by_run = printed.split("by run:\n", 1)[1].splitlines()
    assert "  tinhoi cold ÷ pelican cold: 0.91 1.20" in by_run
    assert "  tinhoi edit ÷ pelican edit: 0.25 0.50" in by_run
    assert "  tinhoi edit ÷ its cold: 0.20 0.25" in by_run
    assert "  pelican edit ÷ its cold: 0.73 0.60" in by_run
    assert not [line for line in by_run if line.startswith("  pelican cold")]
