"""How long the open page of the live preview takes to reload once a build is in place.

    python bench/bench_reload.py [--runs 10]

Serves a one-page preview (``tinhoi.devserver.make_server``) in this process, opens it
in Chromium (Debian's ``/usr/bin/chromium`` through Playwright), then records a new
build (``PreviewState.built``, as the devserver does once a build is swapped in) and
times until the page has loaded again (each build at a random moment, the same
for both modes): told through the page's WebSocket, and, for
comparison, by the page asking ``/__tinhoi/status`` every half second (what it does
where no WebSocket can be opened).  Prints each mode's median and spread in
milliseconds.
"""

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tinhoi.devserver import PreviewState, make_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]


def reload_delays(page, port, state, runs):
    """Milliseconds from each recorded build to the page loaded again."""
    delays = []
    moments = random.Random(2026)  # the same moments for both modes
    page.goto(f"http://127.0.0.1:{port}/")
    for _ in range(runs):
        # Settled (listening, or asking), then a build lands at any moment of the
        # half second between two questions.
        page.wait_for_timeout(moments.uniform(600, 1100))
        page.evaluate("window.__cu = true")
        with page.expect_event("load"):
            started = time.perf_counter()
            state.built(True, [], [])
        delays.append((time.perf_counter() - started) * 1000)
        assert page.evaluate("window.__cu === undefined")
    return delays


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "index.html").write_text("<html><body><h1>Trang</h1></body></html>",
                                              encoding="utf-8")
        results = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for mode, websocket in (("websocket", True), ("asking every 0.5 s", False)):
                state = PreviewState()
                state.built(True, [], [])
                server = make_server(folder, state, port=0, websocket=websocket)
                threading.Thread(target=server.serve_forever, daemon=True).start()
                page = browser.new_page()
                results[mode] = reload_delays(page, server.server_address[1], state,
                                              args.runs)
                page.close()
                state.close()
                server.shutdown()
                server.server_close()
            browser.close()
    print(f"reload after a build, {args.runs} runs, ms: median (min-max)")
    for mode, delays in results.items():
        print(f"  {mode:20} {statistics.median(delays):7.1f}  "
              f"({min(delays):.1f}-{max(delays):.1f})")


if __name__ == "__main__":
    main()
