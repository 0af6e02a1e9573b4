"""Fixtures of the render plugin's tests."""

import shutil

import pytest

from tests.conftest import ROOT


@pytest.fixture
def site(tmp_path):
    """A copy of the demo content and of the theme (so a test may edit a template)."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    return tmp_path
