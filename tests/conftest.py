"""Shared fixtures: build a real site with Pelican into a temporary folder."""

import collections
import os
import shutil
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))


def pelican_settings(content, output, **override):
    """The project's settings pointed at ``content`` and ``output``."""
    from pelican.settings import read_settings

    base = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "THEME": str(ROOT / "theme"),
        "PLUGIN_PATHS": [str(ROOT / "plugins")],
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
    }
    base.update(override)
    return read_settings(str(ROOT / "pelicanconf.py"), override=base)


def write_project_settings(folder, extra=""):
    """A ``pelicanconf.py`` in ``folder``: the project's settings with our theme and
    plugins, then the ``extra`` lines."""
    (Path(folder) / "pelicanconf.py").write_text(
        f"exec(open({str(ROOT / 'pelicanconf.py')!r}, encoding='utf-8').read())\n"
        f"THEME = {str(ROOT / 'theme')!r}\nPLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
        + extra, encoding="utf-8")


def reset_pelican_signals():
    """Disconnect every plugin from Pelican's signals.

    Pelican connects a plugin's handlers when a build loads it and never lets
    go: in one test process, a plugin of an earlier build would act on every
    later one.  Each test build starts clean, running only its ``PLUGINS``.
    """
    import weakref

    from blinker import Signal
    from pelican.plugins import signals

    for signal in vars(signals).values():
        if isinstance(signal, Signal):
            for receiver in list(signal.receivers.values()):
                receiver = receiver() if isinstance(receiver, weakref.ref) else receiver
                if receiver is not None:
                    signal.disconnect(receiver)


def run_build(content, output, **override):
    """Build ``content`` into ``output`` with Pelican itself and return ``output``."""
    from pelican import Pelican

    reset_pelican_signals()
    Pelican(pelican_settings(content, output, **override)).run()
    return Path(output)


@pytest.fixture
def build_site(tmp_path):
    """Copy a fixture site (a name under tests/fixtures, or a Path) and build it.

    Files written before with ``write_article`` are kept beside the fixture's."""

    def _build(source, **override):
        source = FIXTURES / source / "content" if isinstance(source, str) else Path(source)
        content = tmp_path / "content"
        shutil.copytree(source, content, dirs_exist_ok=True)
        return run_build(content, tmp_path / "output", **override)

    return _build


@pytest.fixture
def write_article(tmp_path):
    """Write a content file (``relative`` below tmp content/) and return its path."""

    def _write(relative, text):
        path = tmp_path / "content" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def parse_html(path):
    """Parse an output HTML file with lxml."""
    return lxml_html.fromstring(Path(path).read_bytes())


@pytest.fixture
def chdir(tmp_path):
    """Run a test from inside ``tmp_path``."""
    old = os.getcwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(old)


def skip_near_local_midnight(minutes=5):
    """Skip a test whose builds must find the site unchanged when the next midnight in
    Asia/Ho_Chi_Minh is less than ``minutes`` away: a site is kept only until the end
    of its day there (``tinhoi/uptodate.py``), and the builds would straddle it."""
    import datetime
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    now = datetime.datetime.now(zone)
    midnight = datetime.datetime.combine(now.date() + datetime.timedelta(days=1),
                                         datetime.time(), zone)
    if midnight - now < datetime.timedelta(minutes=minutes):
        pytest.skip("too close to midnight in Asia/Ho_Chi_Minh: the builds would straddle it")
    return midnight


# -- the demo site, built once per test session ----------------------------------

@pytest.fixture(scope="session")
def demo_content(tmp_path_factory):
    """A copy of the real ``content/``, one per test process: the caches of a build go
    beside its content, and two builds sharing a cache (``pytest -n 2``) prune each
    other's work in progress."""
    content = tmp_path_factory.mktemp("demo-content") / "content"
    shutil.copytree(ROOT / "content", content)
    return content


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory, demo_content):
    """The real ``content/`` built with the project's settings: ``(output, warnings)``."""
    import logging

    class Records(logging.Handler):
        def __init__(self):
            super().__init__(logging.WARNING)
            self.records = []

        def emit(self, record):
            self.records.append(record)

    output = tmp_path_factory.mktemp("demo") / "output"
    handler = Records()
    logging.getLogger().addHandler(handler)
    try:
        run_build(demo_content, output)
    finally:
        logging.getLogger().removeHandler(handler)
    return output, handler.records


def serve(output):
    """Serve ``output`` on 127.0.0.1 (a free port) in a thread; yield its base URL."""
    import functools
    import http.server
    import threading

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def demo_server(demo_site):
    """The demo site served on 127.0.0.1 (a free port); yields its base URL."""
    yield from serve(demo_site[0])


@pytest.fixture(scope="session")
def sharded_demo_server(tmp_path_factory, demo_content):
    """The demo site with its search index in shards of at most 5 pages (5 shards), served."""
    output = tmp_path_factory.mktemp("sharded") / "output"
    run_build(demo_content, output, SEARCH_SHARD_SIZE=5, SEARCH_CACHE_PATH=None)
    yield from serve(output)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (``make test`` installs it when missing)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run 'make test', which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


ARTEFACTS = ROOT / "artefacts"


# -- order ------------------------------------------------------------------------------

# Test files that take minutes (three builds under callgrind; a plain build beside each
# of a run of edited builds) go first: with one process per core (``make test``, which
# keeps this order: ``--no-loadscope-reorder``), the other files run beside them, not
# after them.
SLOW_FIRST = ("tests/perf/test_instructions.py", "tests/tinhoi/test_random_edits.py")


def pytest_collection_modifyitems(items):
    """Put the tests of :data:`SLOW_FIRST` first, then the files with the most tests
    (as pytest-xdist orders them itself), each file's tests in their order (the sort
    keeps it)."""
    sizes = collections.Counter(item.nodeid.split("::")[0] for item in items)
    items.sort(key=lambda item: (not item.nodeid.startswith(SLOW_FIRST),
                                 -sizes[item.nodeid.split("::")[0]]))


def _cut(text, n):
    return text[:n]


def settings_file_functions(n):
    """Functions as a settings file makes them, each cutting a text to ``n`` characters
    with the same code whatever ``n``: by a default argument, a global of its module, a
    closure, a ``functools.partial``."""
    import functools

    module = {"N": n}
    exec(f"def by_default(text, n={n}):\n    return text[:n]\n"  # noqa: S102 — the test's code
         "def by_global(text):\n    return text[:N]\n", module)

    def by_closure(text):
        return text[:n]

    return {"by_default": module["by_default"], "by_global": module["by_global"],
            "by_closure": by_closure, "by_partial": functools.partial(_cut, n=n)}
