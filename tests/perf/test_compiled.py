"""The project's modules are loaded compiled, as the libraries are."""

import importlib.util
import subprocess
import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from bench_build import compile_project  # noqa: E402

MODULES = [ROOT / "plugins" / "render" / "render.py", ROOT / "tinhoi" / "build.py",
           ROOT / "plugins" / "tinhoi_content" / "prefilter.py"]


def compiled(path):
    return importlib.util.cache_from_source(str(path))


def test_the_benchmark_compiles_the_project_even_where_bytecode_is_not_written(tmp_path):
    for path in MODULES:
        cached = compiled(path)
        subprocess.run(["rm", "-f", cached], check=True)
    compile_project()
    for path in MODULES:
        assert (ROOT / compiled(path)).is_file(), path


def test_make_venv_compiles_the_project():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    venv_rule = makefile.split("\nvenv: ", 1)[1].split("\n\n", 1)[0]
    assert "compileall" in venv_rule and "plugins tinhoi" in venv_rule
