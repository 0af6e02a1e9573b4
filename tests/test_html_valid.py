"""The Nu HTML checker (vnu) finds no error on any page of the demo site."""

import json
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_every_page_is_valid_html(demo_site):
    output, _ = demo_site
    if not VNU.exists() or not shutil.which("java"):
        pytest.fail("vnu.jar or java is missing: run 'make test', which installs them")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--skip-non-html", "--format", "json",
         str(output)], capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '').split('/output/')[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert errors == []
    assert len(list(output.rglob("*.html"))) > 50  # the checker saw the whole site
