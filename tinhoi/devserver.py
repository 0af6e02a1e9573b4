"""``make devserver``: a preview that rebuilds on every change and reloads the open page.

The preview is built (with drafts and scheduled articles, marked "Bản nháp") into
its own folder, ``.cache/xem-truoc/`` by default, never into ``output/``, so a
preview can never be uploaded by mistake.  Each build runs ``python -m tinhoi build
--drafts`` in a process of its own (so changes to the settings and to the plugins are
picked up too), started as soon as the last build is done and left to load Pelican
and the libraries until the next change (:class:`SpareBuild`), into a sibling folder,
which replaces the preview only when it has no new error: a content error keeps the
last good preview in place while the error shows in the terminal (and in a small box
on the page).

The server serves that folder on ``127.0.0.1:8000``.  Into every HTML page it
sends (not into the files) it adds one small same-origin script that reloads the page
when a newer build is in place: the server tells it at once, through a WebSocket
(``/__tinhoi/ws``; a WebSocket does not hold one of the six connections a browser
opens to a server, as a request left waiting would), and where no WebSocket can be
opened the script asks ``/__tinhoi/status`` every half second instead (which made the
page wait a quarter of a second on average after each build).  The built files, and
so the published site, never contain the script.
"""

import base64
import contextlib
import functools
import hashlib
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from . import cache_folder
from .build import TRASH, swap_into_place
from .settings import load

STATUS_PATH = "/__tinhoi/status"
SOCKET_PATH = "/__tinhoi/ws"
SCRIPT_PATH = "/__tinhoi/tai-lai.js"
DEFAULT_OUTPUT = os.path.join(".cache", "xem-truoc")
WATCHED_SUFFIXES_IGNORED = (".swp", ".swx", ".tmp", "~", ".pyc", ".part")
WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455, section 1.3
# The opcodes of the frames the preview sends or answers (RFC 6455, 5.2).
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA
# A frame from a page larger than this ends its WebSocket (a page sends none but
# control frames, of 125 bytes at most).
LARGEST_FRAME_READ = 1 << 16

RELOAD_SCRIPT = """\
(function () {
  var me = document.currentScript, version = me.getAttribute("data-version"), box = null;
  function show(errors) {
    if (!errors.length) { if (box) { box.remove(); box = null; } return; }
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;z-index:99999;" +
        "max-height:40vh;overflow:auto;margin:0;padding:.75em 1em;background:#7a1010;" +
        "color:#fff;font:14px/1.4 monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "Bản dựng mới có lỗi, trang vẫn là bản trước (xem cửa sổ dòng lệnh):\\n" +
      errors.join("\\n");
  }
  function changed(s) {
    if (s.session + "." + s.version !== version) { location.reload(); return true; }
    show(s.errors || []);
    return false;
  }
  function poll() {
    fetch("STATUS_PATH", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (s) { if (!changed(s)) setTimeout(poll, 500); },
            function () { setTimeout(poll, 1000); });
  }
  function listen() {
    var socket, opened = false;
    try {
      socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") +
                             location.host + "SOCKET_PATH");
    } catch (e) { poll(); return; }
    socket.onopen = function () { opened = true; };
    socket.onmessage = function (m) { changed(JSON.parse(m.data)); };
    // Closed after it worked (the preview restarted): listen again; never opened
    // (a proxy in between, an old browser): ask every half second instead.
    socket.onclose = function () { if (opened) setTimeout(listen, 1000); else poll(); };
  }
  listen();
})();
""".replace("STATUS_PATH", STATUS_PATH).replace("SOCKET_PATH", SOCKET_PATH)


class PreviewState:
    """The version of the build in place, its errors, and the new errors of a refused build."""

    def __init__(self):
        self.lock = threading.Condition()
        # This preview's: a page of an earlier preview (restarted since) whose version
        # number the new one reaches again still reloads.
        self.session = format(time.time_ns(), "x")
        self.version = 0
        self.accepted = None  # errors of the build in place (None: nothing in place yet)
        self.errors = []
        self.builds = 0  # builds recorded, put in place or not: what the pages wait for
        self.closed = False

    def snapshot(self):
        """``{"session": …, "version": n, "errors": [...]}`` for the page's script."""
        with self.lock:
            return self._status()

    def _status(self):
        return {"session": self.session, "version": self.version, "errors": list(self.errors)}

    def page_version(self):
        """The version a page served now is of (its script compares it with the status)."""
        with self.lock:
            return f"{self.session}.{self.version}"

    def built(self, ok, errors, new):
        """Record a build: a new version when it was put in place, else its new errors."""
        with self.lock:
            if ok:
                self.version += 1
                self.accepted = errors
            self.errors = new
            self.builds += 1
            self.lock.notify_all()

    def wait_after(self, builds, timeout, stop=None):
        """Wait until a build after the first ``builds`` is recorded (``None``: return
        at once), or ``timeout`` seconds, :meth:`close`, or ``stop()`` true after
        :meth:`wake`; return ``(builds recorded, snapshot)``."""
        with self.lock:
            self.lock.wait_for(lambda: self.builds != builds or self.closed
                               or (stop is not None and stop()), timeout)
            return self.builds, self._status()

    def wake(self):
        """Let the waiting pages look again whether they should stop (one went)."""
        with self.lock:
            self.lock.notify_all()

    def close(self):
        """Let every page waiting for a build go (the preview stops)."""
        with self.lock:
            self.closed = True
            self.lock.notify_all()


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serves the preview folder; HTML pages get the reload script, nothing is cached."""

    state = None  # set by make_server
    websocket = True  # whether pages are told of builds through a WebSocket
    # Seconds between two looks whether a page listening for builds is still there
    # (its reading thread wakes the sender as soon as it goes: this is only a guard).
    SOCKET_CHECK = 20

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        """Answer the status and script addresses; anything else is a file."""
        path = self.path.split("?", 1)[0]
        if path == STATUS_PATH:
            return self._send(json.dumps(self.state.snapshot()).encode(), "application/json")
        if path == SOCKET_PATH and self.websocket:
            return self._tell_builds()
        if path == SCRIPT_PATH:
            return self._send(RELOAD_SCRIPT.encode(), "text/javascript; charset=utf-8")
        return super().do_GET()

    def _tell_builds(self):
        """Answer a WebSocket handshake, then send the status (as the status address
        gives it) now and after every build, until the page goes or the preview stops.
        What the page sends is read by a thread of its own (:meth:`_read_frames`),
        which answers a ping and sees the page close."""
        key = self.headers.get("Sec-WebSocket-Key", "")
        if self.headers.get("Upgrade", "").lower() != "websocket" or not key:
            self.send_error(HTTPStatus.BAD_REQUEST, "WebSocket only")
            return None
        if self.headers.get("Sec-WebSocket-Version") != "13":
            self.send_response(HTTPStatus.UPGRADE_REQUIRED)
            self.send_header("Sec-WebSocket-Version", "13")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        # A browser opens a WebSocket for any site, and sends that site's origin: only
        # the preview's own pages are told (as only they can read the status address).
        origin = self.headers.get("Origin")
        if origin is not None and origin not in (f"http://{self.headers.get('Host')}",
                                                 f"https://{self.headers.get('Host')}"):
            self.send_error(HTTPStatus.FORBIDDEN, "Only the preview's own pages")
            return None
        accept = base64.b64encode(hashlib.sha1(  # noqa: S324 — the protocol's, not a secret
            (key + WEBSOCKET_GUID).encode()).digest()).decode()
        self.protocol_version = "HTTP/1.1"  # a handshake answered in HTTP/1.0 is refused
        self.send_response(HTTPStatus.SWITCHING_PROTOCOLS)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.close_connection = True
        gone, sending = threading.Event(), threading.Lock()
        threading.Thread(target=self._read_frames, args=(gone, sending), daemon=True).start()
        told = None  # the builds recorded when the page was last told (None: never)
        try:
            while True:
                builds, status = self.state.wait_after(told, self.SOCKET_CHECK, gone.is_set)
                if gone.is_set():
                    return None
                if self.state.closed:  # "going away": the page listens again, or asks
                    self._send_frame(sending, (1001).to_bytes(2, "big"), CLOSE)
                    return None
                if builds != told:
                    self._send_frame(sending, json.dumps(status).encode())
                    told = builds
        except OSError:  # the page went while being told
            return None
        finally:
            gone.set()
            with contextlib.suppress(OSError):  # ends the reading thread's wait
                self.connection.shutdown(socket.SHUT_RDWR)

    def _send_frame(self, sending, payload, opcode=TEXT):
        """Send one frame, never in the middle of another thread's (``sending``)."""
        with sending:
            self.wfile.write(websocket_frame(payload, opcode))
            self.wfile.flush()

    def _read_frames(self, gone, sending):
        """Read the page's frames until it closes: answer a ping with a pong and a
        close with a close (RFC 6455, 5.5); then set ``gone`` and wake the sender."""
        try:
            while not gone.is_set():
                frame = read_websocket_frame(self.rfile)
                if frame is None:
                    break
                opcode, payload = frame
                if opcode in (CLOSE, PING):
                    self._send_frame(sending, payload[:125], PONG if opcode == PING else CLOSE)
                    if opcode == CLOSE:
                        break
        except (OSError, ValueError):  # the connection ended under the read
            pass
        finally:
            gone.set()
            self.state.wake()

    def send_head(self):
        """Like the standard handler, with the reload script added to HTML pages."""
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
            path = os.path.join(path, "index.html")
        if path.endswith(".html") and os.path.isfile(path):
            # The version first: a build swapped in meanwhile only means one more reload.
            version = self.state.page_version()
            with open(path, "rb") as handle:
                page = handle.read()
            return self._send(inject(page, version), "text/html; charset=utf-8",
                              head_only=True)
        return super().send_head()

    def _send(self, body, content_type, head_only=False):
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if head_only:
            return io.BytesIO(body)
        if self.command != "HEAD":
            self.wfile.write(body)
        return None

    def end_headers(self):
        """Never let the browser keep an old page."""
        if not any(h.startswith(b"Cache-Control") for h in getattr(self, "_headers_buffer", [])):
            self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 (the standard signature)
        """Keep the terminal for build messages."""


def websocket_frame(payload, opcode=TEXT):
    """``payload`` (bytes) as one unmasked, final WebSocket frame (RFC 6455, 5.2)."""
    size = len(payload)
    if size < 126:
        header = bytes((0x80 | opcode, size))
    elif size < 1 << 16:
        header = bytes((0x80 | opcode, 126)) + size.to_bytes(2, "big")
    else:
        header = bytes((0x80 | opcode, 127)) + size.to_bytes(8, "big")
    return header + payload


def read_websocket_frame(stream):
    """The next frame a page sent on ``stream``: ``(opcode, unmasked payload)``, or
    ``None`` at the end of the stream or for a frame too large to be the preview's."""
    head = stream.read(2)
    if len(head) < 2:
        return None
    size = head[1] & 0x7F
    if size >= 126:
        extended = stream.read(2 if size == 126 else 8)
        size = int.from_bytes(extended, "big")
    if size > LARGEST_FRAME_READ:
        return None
    mask = stream.read(4) if head[1] & 0x80 else b""
    payload = stream.read(size)
    if len(payload) < size:
        return None
    if mask:
        payload = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
    return head[0] & 0x0F, payload


def inject(page, version):
    """``page`` (bytes) with the reload script before ``</body>`` (or at the end)."""
    tag = f'<script src="{SCRIPT_PATH}" data-version="{version}"></script>'.encode()
    end = page.lower().rfind(b"</body")
    if end < 0:
        return page + tag
    return page[:end] + tag + page[end:]


def make_server(folder, state, host="127.0.0.1", port=8000, websocket=True):
    """A threading HTTP server for ``folder`` (which may be swapped while it runs);
    ``websocket``: whether pages are told of builds through a WebSocket (else they ask)."""
    handler = functools.partial(
        type("Handler", (PreviewHandler,), {"state": state, "websocket": websocket}),
        directory=folder)
    ThreadingHTTPServer.allow_reuse_address = True
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def preview_build_command(settings_file, output):
    """The command building the preview beside ``output``, and its environment."""
    # The preview in place is the last build: its unchanged pages are reused (linked),
    # not rendered again, although the new build is written beside it.  Its other files
    # (feeds, calendars, the theme's) are not compared with the preview's to keep their
    # times: nothing copies the preview elsewhere, and the walk and comparison took 0.1 s
    # of every rebuild at 2,000 articles, after the search index, when the editor waits.
    command = [sys.executable, "-m", "tinhoi", "build", "-s", settings_file,
               "-o", f"{output}.moi", "--drafts", "--previous", output,
               "--no-keep-unchanged"]
    env = dict(os.environ)
    project = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (project, env.get("PYTHONPATH")) if p)
    return command, env


class SpareBuild:
    """The preview's next build, started ahead of the next change: Python, Pelican and
    the libraries load while the editor reads the page (``tinhoi build --wait``), and
    the build starts when :meth:`run` says so.  The plugins are imported afresh then,
    and the settings read, so a change to either is built like any other."""

    def __init__(self, settings_file, output):
        command, env = preview_build_command(settings_file, output)
        self.process = subprocess.Popen(command + ["--wait"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=env)

    def run(self):
        """Build now: ``(exit status, standard error + output)``, or ``None`` when the
        spare is gone (the caller then builds in a fresh process)."""
        if self.process.poll() is not None:
            return None
        try:
            stdout, stderr = self.process.communicate("go\n")
        except (BrokenPipeError, OSError):
            self.discard()
            return None
        return self.process.returncode, stderr + stdout

    def discard(self):
        """Let the spare go without building (end of its standard input: it exits)."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def run_build(settings_file, output, out=print, accepted=None, spare=None, trash=None):
    """Build the preview in a fresh process (``spare``, a :class:`SpareBuild`, when one
    was started); return ``(put in place?, errors, new errors)``.  The preview replaced
    is removed in the background in ``trash`` (see :func:`.build.swap_into_place`).

    The build is written to a sibling folder of ``output``; it replaces the preview
    (two renames) unless it has an error that the preview in place did not have
    (``accepted``: that preview's errors; ``None`` for the first build of a session,
    which is put in place anyway so there is something to look at).  So one broken
    article keeps the last good page in place, while an error that was already there
    does not stop every later change from showing.
    """
    candidate = f"{output}.moi"
    started = time.monotonic()
    finished = spare.run() if spare is not None else None
    if finished is None:
        command, env = preview_build_command(settings_file, output)
        process = subprocess.run(command, capture_output=True, text=True, env=env)
        finished = process.returncode, process.stderr + process.stdout
    returncode, printed = finished
    errors = []
    for line in printed.splitlines():
        if not line or line.startswith(("Done: Processed", "and 0 draft", "Đã dựng trang vào")):
            continue
        if line.startswith("INFO: "):
            out("  " + line[6:])
            continue
        out(line)
        if line.startswith(("ERROR: ", "CRITICAL: ")):
            errors.append(line.split(": ", 1)[1])
    if returncode != 0 or not os.path.isdir(candidate):
        errors = errors or ["Dựng trang thất bại (xem cửa sổ dòng lệnh)."]
        out("Không cập nhật: dựng trang thất bại; trang xem trước vẫn là bản trước.")
        return False, errors, errors
    new = [e for e in errors if accepted is not None and e not in accepted]
    if new:
        shutil.rmtree(candidate, ignore_errors=True)
        out(f"Không cập nhật: có {len(new)} lỗi mới (ở trên); trang xem trước vẫn là bản "
            "trước. Sửa rồi lưu lại.")
        return False, errors, new
    swap_into_place(candidate, output, trash=trash)
    out(f"[{time.strftime('%H:%M:%S')}] Đã dựng lại bản xem trước "
        f"({time.monotonic() - started:.1f} giây)"
        + (f", còn {len(errors)} lỗi cũ." if errors else "."))
    return True, errors, []


def watched_paths(settings_file, settings):
    """Content, theme, plugins and the settings file: what a change to triggers a build."""
    paths = [settings["PATH"], settings["THEME"], *settings.get("PLUGIN_PATHS", []),
             settings_file]
    return [os.path.abspath(p) for p in dict.fromkeys(paths) if os.path.exists(p)]


def _interesting(change):
    path = change[1]
    name = os.path.basename(path)
    return not (name.startswith((".#", "#")) or name.endswith(WATCHED_SUFFIXES_IGNORED)
                or "__pycache__" in path or f"{os.sep}." in path)


def serve(settings_file="pelicanconf.py", output=None, host="127.0.0.1", port=8000,
          out=print):
    """Build, serve and rebuild on change until Ctrl+C (or SIGTERM); return 0."""
    from watchfiles import watch

    settings = load(settings_file)
    output = os.path.abspath(output or DEFAULT_OUTPUT)
    os.makedirs(output, exist_ok=True)
    state = PreviewState()
    out("Đang dựng bản xem trước (có cả bản nháp)…")
    trash = cache_folder(settings, TRASH)
    state.built(*run_build(settings_file, output, out, trash=trash))
    try:
        server = make_server(output, state, host, port)
    except OSError as error:
        out(f"Không mở được http://{host}:{port}/ ({error.strerror}) — cổng đang bận? "
            "Dừng chương trình đang dùng cổng đó, hoặc chạy make devserver PORT=8001")
        return 1
    port = server.server_address[1]  # the one the system chose, when asked for port 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    spare = SpareBuild(settings_file, output)
    watching = False
    try:
        # The watcher yields once it is watching (an empty set after a fifth of a second
        # without a change): the address is given only then, so a file saved as soon as
        # it is shown is never missed.
        for changes in watch(*watched_paths(settings_file, settings), stop_event=stop,
                             watch_filter=lambda kind, path: _interesting((kind, path)),
                             debounce=300, step=50, rust_timeout=200, yield_on_timeout=True):
            if not watching:
                watching = True
                out(f"Xem trước tại http://{host}:{port}/ — trang tự tải lại sau mỗi lần "
                    "lưu. Nhấn Ctrl+C để dừng.")
            if not changes:
                continue
            names = sorted({os.path.relpath(path) for _, path in changes})
            out(f"Thay đổi: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}")
            state.built(*run_build(settings_file, output, out, state.accepted, spare, trash))
            if stop.is_set():  # asked to stop while building: no next build
                break
            spare = SpareBuild(settings_file, output)  # loads while the page reloads
    except KeyboardInterrupt:
        pass
    finally:
        spare.discard()
        state.close()
        out("Đã dừng xem trước.")
        server.shutdown()
        server.server_close()
    return 0
