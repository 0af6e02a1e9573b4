"""axe-core in Chromium: no serious or critical accessibility violation on the reader's pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_pages import PAGES


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_serious_or_critical_violation(browser, demo_server, name):
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(demo_server + PAGES[name], wait_until="networkidle")
    if name == "tim-kiem":
        page.wait_for_selector("#ket-qua li")
    violations = Axe().run(page).response["violations"]
    page.close()
    serious = [f"{v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])} nodes: "
               f"{v['nodes'][0]['target']})"
               for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []
