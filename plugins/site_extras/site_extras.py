"""site_extras: what every public site needs besides its pages.

- ``article.prev_article`` / ``article.next_article``: the published neighbours
  of each article by date (older / newer), for the article page.
- ``sitemap.xml`` of every published article and page and the index pages
  (no drafts, no scheduled articles), with ``lastmod``;
- ``robots.txt`` naming the sitemap;
- ``404.html`` from the theme's ``404.html`` template;
- ``favicon.ico`` at the root (browsers ask for it even with a ``<link rel=icon>``);
- the ``zalo_share_url`` filter: Zalo's share page for an address, as a plain link.

Settings (defaults in ``DEFAULTS``):
``SITE_EXTRAS_SITEMAP`` — path of the sitemap (``"sitemap.xml"``; ``None`` for none);
``SITE_EXTRAS_ROBOTS`` — write ``robots.txt`` (``True``);
``SITE_EXTRAS_404`` — path of the not-found page (``"404.html"``; ``None`` for none);
``SITE_EXTRAS_FAVICON`` — a file of the theme's static folder copied to
``/favicon.ico`` (``"favicon.ico"``; ``None`` for none).

The sitemap needs absolute URLs: without ``SITEURL`` (a local build) it is not
written, and ``robots.txt`` does not name it.
"""

import base64
import json
import logging
import os
import shutil
from urllib.parse import quote
from xml.sax.saxutils import escape

from pelican import signals
from pelican.generators import Generator

logger = logging.getLogger(__name__)

ZALO_SHARE = "https://button-share.zalo.me/share_external?d="
DEFAULTS = {
    "SITE_EXTRAS_SITEMAP": "sitemap.xml",
    "SITE_EXTRAS_ROBOTS": True,
    "SITE_EXTRAS_404": "404.html",
    "SITE_EXTRAS_FAVICON": "favicon.ico",
}


def apply_defaults(pelican):
    """Fill in the plugin's settings and give templates the site's absolute URL.

    With ``RELATIVE_URLS`` Pelican rewrites ``SITEURL`` per page, so canonical
    links, Open Graph tags and share links read ``ABSOLUTE_SITEURL`` instead
    (empty unless ``SITEURL`` is an absolute http(s) URL).
    """
    settings = pelican.settings
    for name, value in DEFAULTS.items():
        settings.setdefault(name, value)
    siteurl = settings.get("SITEURL", "")
    absolute = siteurl.rstrip("/") if siteurl.startswith(("http://", "https://")) else ""
    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), "ABSOLUTE_SITEURL": absolute}
    settings["JINJA_FILTERS"] = {**settings.get("JINJA_FILTERS", {}),
                                 "zalo_share_url": zalo_share_url}


def zalo_share_url(url):
    """Zalo's web share page for ``url`` (a plain link: no Zalo script on our pages).

    Zalo reads the shared address from ``d``: base64 of the JSON ``{"url": …}``.
    """
    payload = json.dumps({"url": url}, separators=(",", ":")).encode("utf-8")
    return ZALO_SHARE + quote(base64.b64encode(payload).decode("ascii"), safe="")


def link_neighbours(generator):
    """Give each published article its older and newer neighbour."""
    ordered = sorted(generator.articles, key=lambda a: (a.date, a.source_path))
    for index, article in enumerate(ordered):
        article.prev_article = ordered[index - 1] if index else None
        article.next_article = ordered[index + 1] if index + 1 < len(ordered) else None


class SiteExtrasGenerator(Generator):
    """Writes the sitemap, robots.txt, the 404 page and the favicon."""

    def generate_output(self, writer):
        """Write every extra file the settings ask for."""
        siteurl = self.settings.get("SITEURL", "").rstrip("/")
        sitemap = self.settings["SITE_EXTRAS_SITEMAP"]
        if sitemap and siteurl:
            self._write_text(sitemap, build_sitemap(self.context, siteurl))
        if self.settings["SITE_EXTRAS_ROBOTS"]:
            lines = ["User-agent: *", "Allow: /"]
            if sitemap and siteurl:
                lines.append(f"Sitemap: {siteurl}/{sitemap}")
            self._write_text("robots.txt", "\n".join(lines) + "\n")
        not_found = self.settings["SITE_EXTRAS_404"]
        if not_found:
            writer.write_file(not_found, self.get_template("404"), self.context,
                              relative_urls=False, url="")
        self._copy_favicon()

    def _write_text(self, name, text):
        path = os.path.join(self.output_path, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        logger.info("Writing %s", path)

    def _copy_favicon(self):
        name = self.settings["SITE_EXTRAS_FAVICON"]
        if not name:
            return
        source = os.path.join(self.theme, "static", name)
        if os.path.isfile(source):
            shutil.copyfile(source, os.path.join(self.output_path, "favicon.ico"))
        else:
            logger.warning("site_extras: the theme has no static/%s to use as favicon.ico", name)


def build_sitemap(context, siteurl):
    """The sitemap XML of the published articles, pages and index pages."""
    entries = [(f"{siteurl}/", _newest(context.get("articles", [])))]
    for content in [*context.get("articles", []), *context.get("pages", [])]:
        entries.append((f"{siteurl}/{content.url}", getattr(content, "modified", None)
                        or getattr(content, "date", None)))
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, moment in sorted(set(entries), key=lambda e: e[0]):
        lastmod = f"<lastmod>{moment.isoformat()}</lastmod>" if moment else ""
        lines.append(f"  <url><loc>{escape(loc)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def _newest(articles):
    dates = [getattr(a, "modified", None) or a.date for a in articles]
    return max(dates) if dates else None


def get_generators(pelican):
    """Our generator runs with Pelican's."""
    return SiteExtrasGenerator


def register():
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(apply_defaults)
    signals.article_generator_finalized.connect(link_neighbours)
    signals.get_generators.connect(get_generators)
