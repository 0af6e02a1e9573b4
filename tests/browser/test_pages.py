"""The demo site in real Chromium: every kind of page loads cleanly, on a phone and a desktop."""

import pytest

from tests.conftest import ARTEFACTS

PAGES = {
    "trang-chu": "/",
    "bai-viet": "/2018/ky-ket-chuong-trinh-phoi-hop-2018-2020/",
    "trang": "/gioi-thieu/",
    "chu-de": "/chu-de/",
    "mot-chu-de": "/chu-de/khuyen-hoc/",
    "su-kien": "/su-kien/",
    "ky-ket": "/su-kien/ky-ket/",
    "to-chuc": "/to-chuc/",
    "mot-to-chuc": "/to-chuc/hoi-khuyen-hoc-quan-cau-giay/",
    "chuyen-muc": "/chuyen-muc/",
    "luu-tru": "/luu-tru/",
    "tim-kiem": "/tim-kiem/?q=khuyen+hoc",
    "khong-tim-thay": "/404.html",
}


def visit(browser, url, width):
    """Open ``url``; return ``(page, problems)`` with console errors and failed requests."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    # net::ERR_ABORTED is the browser cancelling its own request (a srcset candidate
    # given up for another, a page closing): not a broken resource. Broken images are
    # caught by broken_images() instead, and missing files by their HTTP status.
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} ({r.failure})")
            if r.failure != "net::ERR_ABORTED" else None)
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 else None)
    page.goto(url, wait_until="networkidle")
    return page, problems


def broken_images(page):
    """Load every image of ``page``, the lazy ones too; return those that did not decode."""
    page.evaluate("document.querySelectorAll('img[loading=lazy]')"
                  ".forEach(image => { image.loading = 'eager'; })")
    page.wait_for_function("Array.from(document.images).every(image => image.complete)")
    return page.evaluate("Array.from(document.images)"
                         ".filter(image => image.naturalWidth === 0)"
                         ".map(image => 'broken image: ' + image.currentSrc)")


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("width", [390, 1280])
def test_page_loads_without_errors(browser, demo_server, name, width):
    page, problems = visit(browser, demo_server + PAGES[name], width)
    if name == "tim-kiem":
        page.wait_for_selector("#ket-qua li")
    assert page.evaluate("document.documentElement.lang") == "vi"
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    problems += broken_images(page)
    page.screenshot(path=str(ARTEFACTS / f"{name}-{width}.png"), full_page=True)
    page.close()
    expected = ["HTTP 404"] if name == "khong-tim-thay" else []  # the test server's own 404
    assert [p for p in problems if not any(p.startswith(e) for e in expected)] == []


def test_article_works_without_javascript(browser, demo_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(demo_server + PAGES["bai-viet"])
    assert page.locator("h1").inner_text().startswith("Ký kết chương trình phối hợp")
    assert page.locator(".event-box").is_visible()
    assert page.locator("[data-share]").is_hidden()  # only offered when it can work
    context.close()


def test_nothing_overflows_the_narrowest_phone(browser, demo_server):
    page = browser.new_page(viewport={"width": 320, "height": 640})
    too_wide = []
    for name in sorted(PAGES):
        page.goto(demo_server + PAGES[name], wait_until="load")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide.append(f"{name}: {width}px")
    page.close()
    assert too_wide == []
