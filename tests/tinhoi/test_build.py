"""tinhoi/build.py: the collector runs less while a build runs, and is left as it was."""

import gc
import shutil

import pytest
from pelican import signals

from tests.conftest import FIXTURES, pelican_settings, reset_pelican_signals
from tinhoi.build import GC_THRESHOLD, build

PLUGINS = ["tinhoi_content", "vietnamese", "schedule", "render"]


@pytest.fixture
def content(tmp_path):
    shutil.copytree(FIXTURES / "basic" / "content", tmp_path / "content")
    (tmp_path / "content" / "2018" / "hong.md").unlink()
    return tmp_path / "content"


def test_a_build_collects_less_and_leaves_the_collector_as_it_was(content, tmp_path):
    reset_pelican_signals()
    seen = {}

    def note(_pelican):  # the last signal: what the pages were written with
        seen.update(threshold=gc.get_threshold(), frozen=gc.get_freeze_count())

    signals.finalized.connect(note)
    before = gc.get_threshold()
    build(pelican_settings(content, tmp_path / "site", PLUGINS=PLUGINS), str(tmp_path / "site"))
    assert (tmp_path / "site" / "index.html").is_file()
    assert seen["threshold"] == GC_THRESHOLD
    assert seen["frozen"] > 1000  # the articles, contexts and indexes read by then
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_failed_build_also_leaves_the_collector_as_it_was(content, tmp_path):
    reset_pelican_signals()
    before = gc.get_threshold()

    def fail(_pelican):
        raise RuntimeError("một plugin hỏng")

    signals.finalized.connect(fail)
    with pytest.raises(RuntimeError):
        build(pelican_settings(content, tmp_path / "site", PLUGINS=PLUGINS),
              str(tmp_path / "site"))
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    assert not (tmp_path / "site").exists()
