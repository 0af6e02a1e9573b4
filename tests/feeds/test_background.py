"""feeds/background.py: the feed documents are made in a forked copy of the build
process while the rest of the site is written, and the build process writes them."""

import logging
import multiprocessing
import os
from pathlib import Path

import pytest
from feeds.generator import FeedsGenerator

from tests.conftest import pelican_settings, reset_pelican_signals
from tests.feeds.site import SETTINGS, build, copy_fixture
from tinhoi.build import build as tinhoi_build


def every_file(folder):
    """``{relative path: bytes}`` of every file under ``folder``."""
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(Path(folder).rglob("*")) if path.is_file()}


def feeds_of(output):
    """``{relative path: bytes}`` of the feed files of a built site."""
    return {name: data for name, data in every_file(output).items() if name.startswith("feeds/")}


@pytest.fixture
def made_in(monkeypatch, tmp_path):
    """Which processes made feed documents: each appends its pid to a file."""
    record = tmp_path / "made-in.txt"
    original = FeedsGenerator.documents

    def documents(self):
        with open(record, "a", encoding="ascii") as handle:
            handle.write(f"{os.getpid()}\n")
        yield from original(self)

    monkeypatch.setattr(FeedsGenerator, "documents", documents)
    return lambda: [int(line) for line in record.read_text(encoding="ascii").split()]


def feeds_children():
    return [child for child in multiprocessing.active_children() if child.name == "tinhoi-feeds"]


def test_feeds_made_in_the_background_are_the_bytes_made_in_turn(tmp_path, made_in):
    background = build(tmp_path / "a")
    in_turn = build(tmp_path / "b", FEEDS_BACKGROUND=False)
    assert len(feeds_of(background)) >= 20
    # Every file of the site, not only the feeds: the subscribe page, the calendars…
    assert every_file(background) == every_file(in_turn)
    forked, here = made_in()
    assert forked != os.getpid() and here == os.getpid()
    assert not feeds_children()  # the copy was waited for


def test_a_warning_of_the_copy_is_said_once_by_the_build(tmp_path, caplog, made_in):
    caplog.set_level(logging.INFO)
    output = build(tmp_path, FEEDS_ALL_RSS="feeds/tat-ca.atom.xml")
    said = [record for record in caplog.records if "is the feed of both" in record.getMessage()]
    assert len(said) == 1 and said[0].levelno == logging.WARNING
    assert made_in() != [os.getpid()]  # said by the copy, logged here
    # Written once, by the build process, and logged as every written file is.
    written = [record.getMessage() for record in caplog.records
               if record.getMessage().startswith("Writing") and "tat-ca.atom.xml" in
               record.getMessage()]
    assert len(written) == 1
    assert b"<feed" in (output / "feeds" / "tat-ca.atom.xml").read_bytes()


def test_a_copy_that_fails_or_dies_leaves_the_feeds_to_the_build_process(
        tmp_path, monkeypatch):
    expected = feeds_of(build(tmp_path / "expected", FEEDS_BACKGROUND=False))
    builder = os.getpid()
    original = FeedsGenerator.documents

    for serial, end in enumerate((lambda: 1 / 0, lambda: os._exit(3))):
        def documents(self, end=end):
            if os.getpid() != builder:
                end()
            yield from original(self)

        monkeypatch.setattr(FeedsGenerator, "documents", documents)
        assert feeds_of(build(tmp_path / str(serial))) == expected
        assert not feeds_children()


def test_an_error_making_the_feeds_is_raised_by_the_build(tmp_path, monkeypatch):
    class BrokenError(Exception):
        pass

    def documents(self):
        raise BrokenError("feedgen hỏng")
        yield  # pragma: no cover — a generator, as the real one

    monkeypatch.setattr(FeedsGenerator, "documents", documents)
    with pytest.raises(BrokenError):
        build(tmp_path)


def test_a_build_failing_after_the_copy_started_writes_nothing_and_leaves_no_process(
        tmp_path, monkeypatch):
    from calendars.generator import CalendarsGenerator

    content = copy_fixture(tmp_path)
    site = tmp_path / "site"
    settings = pelican_settings(content, site, **{**SETTINGS, "FEEDS_BACKGROUND": True})
    original = CalendarsGenerator.generate_output

    def broken(self, writer):
        raise RuntimeError("một plugin hỏng")

    monkeypatch.setattr(CalendarsGenerator, "generate_output", broken)
    reset_pelican_signals()
    with pytest.raises(RuntimeError):
        tinhoi_build(settings, str(site))
    assert not site.exists()
    assert not [path.name for path in tmp_path.iterdir() if path.name.startswith(".tinhoi-")]
    # The next build stops the copy of the failed one, and makes its own.
    monkeypatch.setattr(CalendarsGenerator, "generate_output", original)
    reset_pelican_signals()
    tinhoi_build(settings, str(site))
    assert not feeds_children()
    assert feeds_of(site) == feeds_of(build(tmp_path / "in-turn", FEEDS_BACKGROUND=False))
