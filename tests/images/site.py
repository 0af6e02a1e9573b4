"""Building the ``images`` fixture site with the images plugin, and reading what it made."""

import shutil
from pathlib import Path

from PIL import Image

from tests.conftest import FIXTURES, parse_html, pelican_settings, reset_pelican_signals, run_build
from tests.images.photos import make_fixture_photos

PLUGINS = ["tinhoi_content", "vietnamese", "images"]
# Small widths and no AVIF keep the suite fast; one test turns AVIF on.
SMALL = {
    "PLUGINS": PLUGINS,
    "IMAGES_WIDTHS": [160, 320],
    "IMAGES_FORMATS": ["webp", "jpeg"],
    "TINHOI_EXTRA_FIELDS": ["gallery"],
}
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".svg"}


def make_project(root):
    """A project folder: the fixture content with its photos made now."""
    content = Path(root) / "content"
    shutil.copytree(FIXTURES / "images" / "content", content)
    make_fixture_photos(content)
    return content


def build(content, output, **override):
    """Build ``content`` into ``output`` with the images plugin."""
    return run_build(content, output, **{**SMALL, **override})


def build_keeping_articles(content, output, **override):
    """Build like :func:`build`; also return ``{slug: Article}`` as Pelican wrote them."""
    from pelican import Pelican, signals

    articles = {}

    def keep(_generator, content):
        articles[content.slug] = content

    reset_pelican_signals()
    pelican = Pelican(pelican_settings(content, output, **{**SMALL, **override}))
    signals.article_generator_write_article.connect(keep)
    try:
        pelican.run()
    finally:
        signals.article_generator_write_article.disconnect(keep)
    return Path(output), articles


def page(output, relative):
    return parse_html(Path(output) / relative)


def photo_files(output):
    """Every image file in the output (the theme's icons aside)."""
    return sorted(p for p in Path(output).rglob("*")
                  if p.suffix.lower() in PHOTO_SUFFIXES and "theme" not in p.parts)


def srcset_urls(value):
    """``[(url, width)]`` from a ``srcset`` attribute."""
    found = []
    for item in value.split(","):
        url, width = item.split()
        found.append((url, int(width.rstrip("w"))))
    return found


def open_url(html_file, url):
    """Open the output file a relative URL on ``html_file`` points at."""
    return Image.open((Path(html_file).parent / url).resolve())
