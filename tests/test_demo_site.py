"""The demo site an association would recognise: it checks clean and builds with no broken link."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import ROOT, parse_html

CONTENT = ROOT / "content"


@pytest.fixture(scope="module")
def demo(demo_site):
    return demo_site


def articles(output):
    pages = []
    for path in sorted(output.glob("20*/*/index.html")):
        pages.append(parse_html(path))
    return pages


def test_demo_content_passes_the_contract():
    from tinhoi.check import check_content
    from tinhoi.settings import load

    settings = load(str(ROOT / "pelicanconf.py"), override={"PATH": str(CONTENT)})
    problems, files = check_content(settings)
    assert files >= 14
    assert [str(p) for p in problems] == []


def test_demo_builds_without_warnings(demo):
    _, records = demo
    assert [r.getMessage() for r in records] == []


def test_demo_covers_every_event_type_and_has_photos(demo):
    output, _ = demo
    pages = articles(output)
    assert len(pages) >= 12
    kinds = {" ".join(p.xpath("string(//aside[contains(@class,'event-box')]/h2)").split())
             for p in pages}
    assert {"Sự kiện: Làm việc, hội nghị", "Sự kiện: Ký kết",
            "Sự kiện: Khen thưởng, học bổng"} <= kinds
    with_photos = [p for p in pages if p.xpath("//main//img")]
    assert len(with_photos) >= 6
    assert (output / "gioi-thieu" / "index.html").is_file()
    assert (output / "lien-he" / "index.html").is_file()


def test_every_internal_link_and_image_resolves(demo):
    output, _ = demo
    broken = []
    for page in sorted(output.rglob("*.html")):
        tree = parse_html(page)
        for element, attribute in (("a", "href"), ("img", "src"), ("link", "href")):
            for node in tree.iter(element):
                target = _local_target(page, node.get(attribute), output)
                if target and not target.exists():
                    broken.append(f"{page.relative_to(output)} → {node.get(attribute)}")
    assert broken == []


def _local_target(page, url, output):
    if not url or url.startswith(("#", "mailto:", "tel:")):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    base = Path(output) if parts.path.startswith("/") else page.parent
    target = (base / unquote(parts.path).lstrip("/")).resolve()
    if parts.path.endswith("/") or target.is_dir():
        target = target / "index.html"
    assert Path(output).resolve() in target.parents or target == Path(output).resolve()
    return target
