"""Builds of the ``feeds`` fixture site, shared by the feed and calendar tests."""

import shutil
from pathlib import Path
from unittest import mock

from pelican.log import LimitFilter

from tests.conftest import FIXTURES, ROOT, run_build

SITEURL = "https://tinhoi.example.org"
STUBS = Path(__file__).resolve().parent / "stub_plugins"
PLUGINS = ["tinhoi_content", "vietnamese", "feeds", "calendars", "fake_organisations"]

# The fixture's "today": articles dated later are scheduled, the calendar window
# (upcoming events plus the past year) is counted from it.
SETTINGS = {
    "PLUGINS": PLUGINS,
    "PLUGIN_PATHS": [str(ROOT / "plugins"), str(STUBS)],
    "SITEURL": SITEURL,
    "FEEDS_NOW": "2018-10-01",
    "CALENDARS_TODAY": "2018-10-01",
}


def copy_fixture(folder, name="feeds"):
    """A copy of a fixture's content/ in ``folder`` (to edit before a build)."""
    content = Path(folder) / "content"
    shutil.copytree(FIXTURES / name / "content", content)
    return content


def build(folder, content=None, **override):
    """Build ``content`` (default: a fresh copy of the fixture) into ``folder``/output."""
    folder = Path(folder)
    content = content or copy_fixture(folder)
    # Pelican logs a warning once per process; each build here must say it again.
    with mock.patch.object(LimitFilter, "_raised_messages", set()):
        return run_build(content, folder / "output", **{**SETTINGS, **override})


def edit(path, replacements):
    """Apply ``{old: new}`` text replacements to a content file."""
    text = path.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
