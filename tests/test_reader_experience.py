"""What a reader on a cheap phone gets: light pages, in Vietnamese, nothing from elsewhere."""

import re
from urllib.parse import urlsplit

from tests.conftest import parse_html

BUDGET = 60 * 1024  # an article's HTML + CSS + JS, photos aside
# Labels Pelican's and most themes' templates show; none may reach a reader as a label
# (prose may still name an app's English menu, in parentheses).
ENGLISH = re.compile(r"(Posted( on| by)?|Read more|Older( posts)?|Newer( posts)?|Previous|Next|"
                     r"Page \d+( of \d+)?|Tags?|Categor(y|ies)|Archives?|Search|Comments?|"
                     r"Published|Updated|Home|Subscribe|Skip to( main)? content|Menu|Share)",
                     re.IGNORECASE)


def label_like(text):
    """The text as a label would be, without arrows and punctuation around it."""
    return text.strip(" \n\t←→«»:·|,.()")


def local_assets(page, path, output):
    for url in page.xpath("//link[@rel='stylesheet']/@href | //script/@src"):
        parts = urlsplit(url)
        assert not parts.netloc, f"{path}: asset from elsewhere {url}"
        yield (path.parent / parts.path).resolve()


def test_every_article_page_fits_the_budget(demo_site):
    output, _ = demo_site
    articles = sorted(output.glob("20*/*/index.html"))
    assert len(articles) >= 12
    for path in articles:
        page = parse_html(path)
        total = path.stat().st_size + sum(asset.stat().st_size
                                          for asset in local_assets(page, path, output))
        assert total < BUDGET, f"{path.relative_to(output)}: {total} bytes"


def test_no_english_label_and_nothing_from_elsewhere(demo_site):
    output, _ = demo_site
    for path in sorted(output.rglob("*.html")):
        page = parse_html(path)
        scripts = "//script[not(@type='application/json') and not(@type='application/ld+json')]"
        for bad in page.xpath(scripts):
            src = bad.get("src", "")
            assert src and not urlsplit(src).netloc, f"{path}: inline or foreign script"
        for text in page.xpath("//body//text()[not(ancestor::script)]"):
            assert not ENGLISH.fullmatch(label_like(text)), (
                f"{path.relative_to(output)}: English label {text!r}")
        for attribute in page.xpath("//@aria-label | //@placeholder | //@title | //@alt"):
            assert not ENGLISH.fullmatch(label_like(attribute)), (
                f"{path.relative_to(output)}: {attribute!r}")
        for url in page.xpath("//img/@src | //source/@srcset | //link/@href"):
            host = urlsplit(url.split()[0]).netloc if url.strip() else ""
            assert host in ("",), f"{path.relative_to(output)}: loads {url} from elsewhere"


def test_dark_mode_and_print_styles_exist(demo_site):
    output, _ = demo_site
    css = (output / "theme" / "css" / "site.css").read_text(encoding="utf-8")
    assert "@media (prefers-color-scheme: dark)" in css
    assert "@media print" in css
