"""Tests of the caches and of the benchmark scripts."""

import subprocess
import sys

from tests.conftest import ROOT


def run_bench_script(name, *arguments, timeout=300):
    """Run ``bench/<name>`` on a small corpus; return its standard output (the test
    fails with its error output when it fails).  ``timeout``: seconds (the callgrind
    builds take several times as long on this machine's slow hours)."""
    done = subprocess.run([sys.executable, str(ROOT / "bench" / name), *arguments],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout
