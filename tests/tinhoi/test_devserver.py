"""``make devserver``: the preview rebuilds on a change and the open page reloads by itself."""

import base64
import concurrent.futures
import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, write_project_settings
from tinhoi.devserver import (
    SCRIPT_PATH,
    SOCKET_PATH,
    STATUS_PATH,
    PreviewState,
    SpareBuild,
    inject,
    make_server,
    read_websocket_frame,
    run_build,
    websocket_frame,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
ARTICLE = "2018/thuong-truc-thanh-uy-lam-viec-voi-hoi-khuyen-hoc-thanh-pho/"


def save(path, text):
    """Save ``text`` in ``path`` as editors do, whole at once (a ``.tmp`` file, which the
    watcher ignores, renamed over it): a build never reads it half-written."""
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


class Devserver:
    """``python -m tinhoi devserver`` in a project folder, its output collected."""

    def __init__(self, project, port=0):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        self._port = port
        self.lines = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tinhoi", "devserver", "-p", str(port)], cwd=project,
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text, timeout=60):
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            assert self.process.poll() is None, "\n".join(self.lines)
            assert time.monotonic() < deadline, "\n".join(self.lines)
            time.sleep(0.05)

    @property
    def port(self):
        """The port asked for, or the one the devserver says it chose (port 0: no port
        is probed free then taken by another process before the devserver binds it)."""
        if self._port:
            return self._port
        shown = next(line for line in self.lines if "Xem trước tại" in line)
        return int(re.search(r"http://127\.0\.0\.1:(\d+)/", shown).group(1))

    def get(self, path):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=10) as reply:
            return reply.read().decode("utf-8"), reply.headers

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.reader.join(timeout=5)


@pytest.fixture
def project(tmp_path):
    shutil.copytree(FIXTURES / "basic" / "content", tmp_path / "content")
    (tmp_path / "content" / "2018" / "hong.md").unlink()
    write_project_settings(tmp_path, "PLUGINS = ['tinhoi_content', 'vietnamese', 'schedule']\n")
    return tmp_path


@pytest.fixture
def server(project):
    running = Devserver(project)
    try:
        running.wait_for("Xem trước tại")
        yield running
    finally:
        running.stop()


def test_inject_adds_the_reload_script_before_the_end_of_body():
    page = inject(b"<html><body><p>x</p></body></html>", 3)
    assert page == (b'<html><body><p>x</p><script src="' + SCRIPT_PATH.encode()
                    + b'" data-version="3"></script></body></html>')
    assert inject(b"<p>no body</p>", 1).endswith(b"</script>")


@contextlib.contextmanager
def _serving_one_page(folder, websocket=True):
    """A preview server of one page in this process, and the state of its builds, which
    the test records."""
    (folder / "index.html").write_text("<html><body><h1>Trang</h1></body></html>",
                                       encoding="utf-8")
    state = PreviewState()
    state.built(True, [], [])
    running = make_server(str(folder), state, port=0, websocket=websocket)
    threading.Thread(target=running.serve_forever, daemon=True).start()
    try:
        yield running, state
    finally:
        state.close()
        running.shutdown()
        running.server_close()


@pytest.fixture
def bare_server(tmp_path):
    with _serving_one_page(tmp_path) as served:
        yield served


def _open_socket(port, origin=None, version="13"):
    """A WebSocket handshake with the preview: ``(socket, the answer's head, the
    Sec-WebSocket-Accept expected)``; ``origin``: the page's, as a browser sends it."""
    client = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    sent_origin = f"Origin: {origin}\r\n" if origin else ""
    client.sendall(f"GET {SOCKET_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{sent_origin}"
                   f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}"
                   f"\r\nSec-WebSocket-Version: {version}\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += client.recv(1)
    expected = base64.b64encode(hashlib.sha1(  # noqa: S324 — the protocol's digest
        (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
    return client, head.decode(), expected


def _read_any_frame(client):
    """One unmasked frame from the server: ``(opcode, payload)``."""
    first, second = client.recv(1)[0], client.recv(1)[0]
    assert first & 0x80 and not second & 0x80  # final, not masked
    size = second & 0x7F
    if size == 126:
        size = int.from_bytes(client.recv(2), "big")
    data = b""
    while len(data) < size:
        data += client.recv(size - len(data))
    return first & 0x0F, data


def _read_frame(client):
    """One text frame from the server: its status, without the preview's session."""
    opcode, data = _read_any_frame(client)
    assert opcode == 0x1
    status = json.loads(data)
    assert isinstance(status.pop("session"), str)
    return status


def _send_frame(client, opcode, payload=b""):
    """A frame as a browser sends it: masked (RFC 6455, 5.3)."""
    mask = os.urandom(4)
    client.sendall(bytes((0x80 | opcode, 0x80 | len(payload))) + mask
                   + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def test_a_page_is_told_of_each_build_at_once_through_a_websocket(bare_server):
    running, state = bare_server
    client, head, accept = _open_socket(running.server_address[1])
    try:
        assert head.startswith("HTTP/1.1 101 ")
        assert f"Sec-WebSocket-Accept: {accept}\r\n" in head
        assert _read_frame(client) == {"version": 1, "errors": []}  # the build in place
        state.built(True, [], [])
        assert _read_frame(client) == {"version": 2, "errors": []}
        # A build refused for a new error keeps the version and brings the error.
        state.built(False, ["bai.md:5: loại sự kiện lạ"], ["bai.md:5: loại sự kiện lạ"])
        assert _read_frame(client) == {"version": 2, "errors": ["bai.md:5: loại sự kiện lạ"]}
        long_errors = [f"bai-{n}.md:1: lỗi" for n in range(20)]  # a frame of 126+ bytes
        state.built(False, long_errors, long_errors)
        assert _read_frame(client)["errors"] == long_errors
    finally:
        client.close()


def test_the_websocket_address_answers_only_a_handshake_from_the_preview(bare_server):
    running, _ = bare_server
    port = running.server_address[1]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"http://127.0.0.1:{port}{SOCKET_PATH}", timeout=10)
    assert refused.value.code == 400
    # Another site open in the browser cannot listen to the builds (their errors name
    # the content's files), as it cannot read the status address.
    client, head, _ = _open_socket(port, version="8")  # an old protocol's
    client.close()
    assert head.split(" ", 2)[1] == "426" and "Sec-WebSocket-Version: 13" in head
    client, head, _ = _open_socket(port, origin="https://trang-khac.example")
    client.close()
    assert head.split(" ", 2)[1] == "403"
    client, head, _ = _open_socket(port, origin=f"http://127.0.0.1:{port}")
    try:
        assert head.startswith("HTTP/1.1 101 ")
        assert _read_frame(client) == {"version": 1, "errors": []}
    finally:
        client.close()


@contextlib.contextmanager
def _listening(running):
    """A WebSocket open with ``running``, its first status read."""
    client, _, _ = _open_socket(running.server_address[1])
    try:
        _read_frame(client)
        yield client
    finally:
        client.close()


def test_a_ping_is_answered_and_a_closed_page_lets_its_connection_go(bare_server):
    with _listening(bare_server[0]) as client:
        _send_frame(client, 0x9, b"hello")
        assert _read_any_frame(client) == (0xA, b"hello")  # a pong with the same bytes
        _send_frame(client, 0x8, (1000).to_bytes(2, "big"))
        assert _read_any_frame(client) == (0x8, (1000).to_bytes(2, "big"))
        # Then the server ends the connection at once (not at its next look, 20 s on).
        client.settimeout(5)
        assert client.recv(1) == b""


def test_the_preview_stopping_closes_the_websocket_as_going_away(bare_server):
    running, state = bare_server
    with _listening(running) as client:
        state.close()
        assert _read_any_frame(client) == (0x8, (1001).to_bytes(2, "big"))


def test_a_page_of_an_earlier_preview_reloads_though_its_version_number_comes_again():
    """A preview restarted counts its builds from 1 again: the version a page is of
    names the preview too, so the page open since the last session reloads."""
    earlier, now = PreviewState(), PreviewState()
    for state in (earlier, now):
        state.built(True, [], [])
    assert earlier.version == now.version == 1
    assert earlier.page_version() != now.page_version()
    assert now.page_version() == f"{now.snapshot()['session']}.{now.snapshot()['version']}"


def test_a_page_s_frames_are_read_unmasked_and_a_bad_one_ends_the_socket():
    mask = b"\x01\x02\x03\x04"
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(b"hello"))
    assert read_websocket_frame(io.BytesIO(bytes((0x89, 0x85)) + mask + masked)) == (
        0x9, b"hello")
    long_payload = b"x" * 300  # a 16-bit length
    assert read_websocket_frame(io.BytesIO(bytes((0x81, 126)) + (300).to_bytes(2, "big")
                                           + long_payload)) == (0x1, long_payload)
    for bad in (b"", b"\x89",  # the stream ended before a frame, or inside its head
                bytes((0x89, 0x85)) + mask + b"he",  # inside its payload
                bytes((0x82, 127)) + (1 << 40).to_bytes(8, "big")):  # a terabyte
        assert read_websocket_frame(io.BytesIO(bad)) is None


def test_websocket_frames_follow_rfc_6455_lengths():
    assert websocket_frame(b"x" * 125)[:2] == bytes((0x81, 125))
    assert websocket_frame(b"x" * 126)[:4] == bytes((0x81, 126, 0, 126))
    assert websocket_frame(b"x" * 70000)[:10] == bytes((0x81, 127)) + (70000).to_bytes(8, "big")


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed at "
                    "/usr/bin/chromium (apt-get install chromium)")
def test_a_page_without_websocket_asks_every_half_second_and_reloads(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    # As behind a proxy that refuses WebSockets.
    with _serving_one_page(tmp_path, websocket=False) as (running, state), \
            concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_reload_by_asking, sync_api, running.server_address[1], state
                    ).result(timeout=120)


def _reload_by_asking(sync_api, port, state):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            asked = []
            page.on("request", lambda request: asked.append(request.url))
            page.goto(f"http://127.0.0.1:{port}/")
            page.evaluate("window.__chua_tai_lai = true")
            page.wait_for_function(  # it asks, once the WebSocket was refused
                f"performance.getEntriesByType('resource').some("
                f"e => e.name.includes('{STATUS_PATH}'))", timeout=20_000)
            state.built(True, [], [])
            page.wait_for_function("window.__chua_tai_lai === undefined", timeout=20_000)
            assert any(STATUS_PATH in url for url in asked)
        finally:
            browser.close()


def test_preview_serves_drafts_marked_and_keeps_the_script_out_of_the_files(project, server):
    page, headers = server.get("ban-nhap/bai-con-nhap/")
    assert 'class="draft-flag"' in page and "Bản nháp" in page
    assert SCRIPT_PATH in page
    assert headers["Cache-Control"] == "no-store"
    assert any("Bản nháp: 2018/nhap.md" in line for line in server.lines)
    built = project / ".cache" / "xem-truoc"
    assert (built / "ban-nhap" / "bai-con-nhap" / "index.html").is_file()
    assert not [p for p in built.rglob("*.html") if SCRIPT_PATH in p.read_text(encoding="utf-8")]
    assert not (project / "output").exists()  # the preview never touches output/


def test_the_address_is_given_once_the_preview_watches_the_files(project, monkeypatch):
    """A file saved as soon as the address is shown is rebuilt: the address is given
    only once the watcher watches (a save between the first build and the watcher's
    start was missed: the test below failed now and then on a slow machine)."""
    import watchfiles

    from tinhoi.devserver import serve

    events = []

    def watching(*_paths, **_options):
        events.append("watching")
        yield set()  # what watchfiles yields once it has watched a while without a change

    monkeypatch.setattr(watchfiles, "watch", watching)
    monkeypatch.chdir(project)
    handler = signal.getsignal(signal.SIGTERM)  # serve() stops on SIGTERM: put it back
    try:
        assert serve(port=0, out=events.append) == 0
    finally:
        signal.signal(signal.SIGTERM, handler)
    shown = [i for i, line in enumerate(events) if str(line).startswith("Xem trước tại")]
    assert len(shown) == 1 and events.index("watching") < shown[0]
    # Port 0: the address gives the port the system chose.
    assert re.match(r"Xem trước tại http://127\.0\.0\.1:[1-9]\d*/ ", events[shown[0]])
    assert events[-1] == "Đã dừng xem trước."


def test_an_error_already_there_does_not_stop_the_preview(project):
    shutil.copy(FIXTURES / "basic" / "content" / "2018" / "hong.md",
                project / "content" / "2018" / "hong.md")
    running = Devserver(project)
    try:
        running.wait_for("Xem trước tại")
        status = json.loads(running.get("__tinhoi/status")[0])
        assert (status["version"], status["errors"]) == (1, [])
        source = project / "content" / "2018" / "lam-viec.md"
        save(source, source.read_text(encoding="utf-8").replace(
            "buổi làm việc diễn ra", "buổi làm việc ĐÃ SỬA diễn ra"))
        deadline = time.monotonic() + 45
        while json.loads(running.get("__tinhoi/status")[0])["version"] < 2:
            assert time.monotonic() < deadline, "\n".join(running.lines)
            time.sleep(0.2)
        assert "ĐÃ SỬA" in running.get(ARTICLE)[0]
        assert any(re.search(r"còn \d+ lỗi cũ", line) for line in running.lines), running.lines
    finally:
        running.stop()


def test_a_rebuild_reuses_the_unchanged_pages_of_the_preview_in_place(tmp_path):
    """Each preview build is written beside the preview: the pages it did not change
    are the preview's own files (same inode and time), not rendered and written again."""
    shutil.copytree(FIXTURES / "basic" / "content", tmp_path / "content")
    (tmp_path / "content" / "2018" / "hong.md").unlink()
    write_project_settings(tmp_path)  # every plugin of the project, the render cache too
    settings, preview = str(tmp_path / "pelicanconf.py"), tmp_path / "xem-truoc"
    lines = []
    assert run_build(settings, str(preview), out=lines.append)[0]
    total = _pages_rendered(lines)
    other = (preview / "2018" / "ky-ket-chuong-trinh-phoi-hop-giai-doan-2018-2020-o-dong-da"
             / "index.html")
    before = other.stat()
    source = tmp_path / "content" / "2018" / "lam-viec.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "buổi làm việc diễn ra", "buổi làm việc ĐÃ SỬA diễn ra"), encoding="utf-8")

    lines.clear()
    assert run_build(settings, str(preview), out=lines.append)[0]
    assert "ĐÃ SỬA" in (preview / ARTICLE / "index.html").read_text(encoding="utf-8")
    # The terminal says so too: the edited article's page is rendered, not the others.
    assert 1 <= _pages_rendered(lines) < total / 4, lines
    after = other.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not (tmp_path / "xem-truoc.moi").exists()


MARK_PLUGIN = """from pelican import signals
MARK = {mark!r}
open({loaded!r}, "a").close()  # imported

def write_mark(pelican):
    with open(pelican.output_path + "/dau.txt", "w", encoding="utf-8") as handle:
        handle.write(MARK)

def register():
    signals.finalized.connect(write_mark)
"""


def test_a_build_started_ahead_builds_the_project_as_it_is_then(project):
    """The devserver starts the next build before the next change (Python and the
    libraries load meanwhile): a plugin, and a module of the project the settings
    import, changed after it started are the ones it builds with."""
    marks, loaded = project / "plugins-them" / "dau", project / "da-nap.txt"
    marks.mkdir(parents=True)
    (marks / "__init__.py").write_text(MARK_PLUGIN.format(mark="cũ", loaded=str(loaded)),
                                       encoding="utf-8")
    (project / "ten_hoi.py").write_text("NAME = 'Hội cũ'\n", encoding="utf-8")
    settings = project / "pelicanconf.py"
    settings.write_text(settings.read_text(encoding="utf-8")
                        # A plugin folder may hold the environment's libraries too: those
                        # are kept loaded, not imported again beside the ones in use.
                        + f"PLUGIN_PATHS += [{str(marks.parent)!r}, {sys.prefix!r}]\n"
                        + "PLUGINS += ['dau']\n"
                        + f"import sys\nsys.path.insert(0, {str(project)!r})\n"
                        + "from ten_hoi import NAME as SITENAME\n", encoding="utf-8")
    preview, lines = project / "xem-truoc", []
    spare = SpareBuild(str(settings), str(preview))
    try:
        _wait_until_loaded(spare.process)
        assert loaded.exists()  # the spare imported the plugin while loading
        loaded.unlink()
        (marks / "__init__.py").write_text(MARK_PLUGIN.format(mark="mới", loaded=str(loaded)),
                                           encoding="utf-8")
        (project / "ten_hoi.py").write_text("NAME = 'Hội Khuyến học Đống Đa'\n",
                                            encoding="utf-8")
        assert run_build(str(settings), str(preview), out=lines.append, spare=spare)[0], lines
        assert spare.process.poll() == 0  # the spare built it (no fresh process)
    finally:
        spare.discard()
    assert (preview / "dau.txt").read_text(encoding="utf-8") == "mới"
    assert "Hội Khuyến học Đống Đa" in (preview / "index.html").read_text(encoding="utf-8")


def _wait_until_loaded(process, timeout=60):
    """Wait until ``process`` (``tinhoi build --wait``) is done loading: asleep, and its
    CPU time standing still for half a second (it waits on its standard input)."""
    def cpu_and_state():
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return fields[0], int(fields[11]) + int(fields[12])  # state, utime + stime

    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        assert process.poll() is None
        state, cpu = cpu_and_state()
        if state == "S" and last == cpu:
            return
        last = cpu
        time.sleep(0.5)
    raise AssertionError("the spare build never came to wait")


def test_a_spare_build_let_go_builds_nothing_and_a_dead_one_is_replaced(project):
    settings, preview = str(project / "pelicanconf.py"), project / "xem-truoc"
    with open(settings, "a", encoding="utf-8") as handle:  # Pelican warns of this one
        handle.write("TRANSLATION_FEED_ATOM = 'feeds/%s.atom.xml'\n")
    spare = SpareBuild(settings, str(preview))
    try:
        _wait_until_loaded(spare.process)
    finally:
        spare.discard()
    assert spare.process.returncode == 0
    assert not (project / "xem-truoc.moi").exists() and not preview.exists()
    # Loading said nothing (what the settings say, the build says once it runs).
    assert spare.process.stdout.read() == "" and spare.process.stderr.read() == ""

    dead = SpareBuild(settings, str(preview))
    dead.process.kill()
    dead.process.wait()
    lines = []
    assert run_build(settings, str(preview), out=lines.append, spare=dead)[0], lines
    assert (preview / ARTICLE / "index.html").exists()


def _pages_rendered(lines):
    """The pages a preview build rendered, as it told the terminal."""
    counts = [re.search(r"Trang: (\d+) trang dựng lại", line) for line in lines]
    found = [int(count.group(1)) for count in counts if count]
    assert len(found) == 1, lines
    return found[0]


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed at "
                    "/usr/bin/chromium (apt-get install chromium)")
def test_open_page_reloads_after_a_change_and_keeps_the_last_good_build(project, server):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    # Playwright's sync API refuses to run in a thread with an asyncio loop running (another
    # test may have left one): a fresh thread has none.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_reload_in_chromium, sync_api, project, server).result(timeout=180)


def _reload_in_chromium(sync_api, project, server):
    source = project / "content" / "2018" / "lam-viec.md"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            sockets, asked = [], []
            page.on("websocket", lambda socket: sockets.append(socket.url))
            page.on("request", lambda request: asked.append(request.url))
            page.goto(f"http://127.0.0.1:{server.port}/{ARTICLE}")
            assert page.inner_text("h1") == ("Thường trực Thành ủy làm việc với Hội Khuyến học "
                                             "Thành phố")
            page.evaluate("window.__chua_tai_lai = true")

            save(source, source.read_text(encoding="utf-8").replace(
                "buổi làm việc diễn ra", "buổi làm việc CẬP NHẬT MỚI diễn ra"))
            page.wait_for_function(
                "document.body.innerText.includes('CẬP NHẬT MỚI')", timeout=45_000)
            assert page.evaluate("window.__chua_tai_lai === undefined")  # a real reload

            save(source, source.read_text(encoding="utf-8").replace(
                "type: meeting", "type: party"))
            alert = page.wait_for_selector("[role=alert]", timeout=45_000)
            assert "lam-viec.md:5" in alert.inner_text()
            assert "CẬP NHẬT MỚI" in page.inner_text("body")  # still the last good build
            server.wait_for("lam-viec.md:5")  # the error is in the terminal too
            # Told of each build through a WebSocket (one a page load), never by asking.
            assert sockets and all(url.endswith(SOCKET_PATH) for url in sockets)
            assert not [url for url in asked if STATUS_PATH in url]
        finally:
            browser.close()
