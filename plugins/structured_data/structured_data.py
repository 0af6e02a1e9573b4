"""structured_data: JSON-LD for search engines on every article.

Sets ``article.structured_data`` (on ``all_generators_finalized``, so tags are
already folded) to a JSON-LD document ready to sit inside
``<script type="application/ld+json">`` (a :class:`JsonLd`, made into text when a
page first reads it):
a ``NewsArticle`` (headline, dates with their UTC offset, authors, publisher,
section, keywords, description, image and URL when ``SITEURL`` is absolute), and
for an event report also an ``Event`` (name, ``startDate``/``endDate`` with
the offset — a date alone when the editor gave no time —, ``location`` as a
``Place``, ``organizer`` and for awards ``sponsor``) that the article is
``about``; the two sit in one ``@graph``, linked by ``@id`` (``…#bai-viet``,
``…#su-kien``; fragments only when ``SITEURL`` is not absolute).

The JSON is escaped for HTML: ``<``, ``>`` and ``&`` (and U+2028/U+2029) are
written as ``\\u003c`` … so a ``</script>`` or ``<!--`` in a title can never
end the script element; ``json.loads`` reads the text back unchanged.  The
template outputs it with ``| safe`` (partials/article_head.html).

Settings (defaults in ``DEFAULTS``):
``STRUCTURED_DATA_PUBLISHER`` (``None``) — the publisher's name; ``None`` uses ``SITENAME``;
``STRUCTURED_DATA_LOGO`` (``None``) — a site-relative path to the publisher's logo;
``STRUCTURED_DATA_EVENTS`` (``True``) — add the ``Event`` of event reports.
"""

import json
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup
from pelican import signals
from pelican.generators import ArticlesGenerator

logger = logging.getLogger(__name__)


DEFAULTS = {
    "STRUCTURED_DATA_PUBLISHER": None,
    "STRUCTURED_DATA_LOGO": None,
    "STRUCTURED_DATA_EVENTS": True,
}

_HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                 "\u2028": "\\u2028", "\u2029": "\\u2029"}


def apply_settings(pelican):
    """Apply the defaults."""
    for name, default in DEFAULTS.items():
        pelican.settings.setdefault(name, default)


def dumps_for_html(data):
    """JSON text that is safe inside a ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"))
    # str.replace per character: str.translate with a table walks the text in Python-level
    # lookups, ten times slower on the 10 KB of an article's JSON-LD.
    for character, escape in _HTML_ESCAPES.items():
        if character in text:
            text = text.replace(character, escape)
    return text


def _plain(html_text):
    """Text of an HTML fragment (summary), whitespace collapsed."""
    return " ".join(Markup(html_text or "").striptags().split())


def _absolute(settings, path):
    siteurl = (settings.get("SITEURL") or "").rstrip("/")
    if not siteurl.startswith(("http://", "https://")):
        return None
    return f"{siteurl}/{path.lstrip('/')}"


def _iso(value, tz, has_time=True):
    if isinstance(value, datetime):
        local = value.astimezone(tz) if value.tzinfo else value.replace(tzinfo=tz)
        return local.isoformat() if has_time else local.date().isoformat()
    return value.isoformat()


def _organisation(name):
    return {"@type": "Organization", "name": name}


def news_article(article, settings, url=None, summary=None):
    """The JSON-LD dict of one article (``url``: its absolute URL and ``summary``: its
    summary as text, when the caller has them already)."""
    tz = ZoneInfo(settings["TIMEZONE"])
    url = _absolute(settings, article.url) if url is None else url
    publisher = _organisation(settings["STRUCTURED_DATA_PUBLISHER"] or settings["SITENAME"])
    if settings["STRUCTURED_DATA_LOGO"] and _absolute(settings, settings["STRUCTURED_DATA_LOGO"]):
        publisher["logo"] = {"@type": "ImageObject",
                             "url": _absolute(settings, settings["STRUCTURED_DATA_LOGO"])}
    data = {"@type": "NewsArticle", "headline": article.title, "inLanguage": "vi"}
    if url:
        data["@id"] = url + "#bai-viet"
        data["url"] = url
        data["mainEntityOfPage"] = url
    data["datePublished"] = _iso(article.date, tz)
    modified = getattr(article, "modified", None)
    data["dateModified"] = _iso(modified or article.date, tz)
    authors = [str(a) for a in getattr(article, "authors", None) or [] if str(a)]
    if authors:
        data["author"] = [{"@type": "Person", "name": name} for name in authors]
    else:
        data["author"] = publisher
    data["publisher"] = publisher
    summary = _plain(getattr(article, "summary", "")) if summary is None else summary
    if summary:
        data["description"] = summary
    category = getattr(article, "category", None)
    if category:
        data["articleSection"] = str(category)
    tags = [str(t) for t in getattr(article, "tags", None) or []]
    if tags:
        data["keywords"] = tags
    # With the images plugin the original is not published; its Open Graph crop is.
    image = (getattr(article, "og_image", None) if hasattr(article, "og_image")
             else getattr(article, "image", None))
    if image and _absolute(settings, image):
        data["image"] = [_absolute(settings, image)]
    return data


def event_data(article, settings, url=None, summary=None):
    """The JSON-LD ``Event`` of an event report, or ``None`` (``url`` and ``summary``
    as for :func:`news_article`)."""
    event = getattr(article, "event", None)
    if not isinstance(event, dict) or not isinstance(event.get("date"), datetime):
        return None
    tz = ZoneInfo(settings["TIMEZONE"])
    has_time = bool(event.get("has_time"))
    data = {"@type": "Event", "name": article.title,
            "startDate": _iso(event["date"], tz, has_time),
            "eventStatus": "https://schema.org/EventScheduled",
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode"}
    url = _absolute(settings, article.url) if url is None else url
    data["@id"] = (url or "") + "#su-kien"
    if url:
        data["url"] = url
    if event.get("end"):
        data["endDate"] = _iso(event["end"], tz, has_time)
    if event.get("location"):
        data["location"] = {"@type": "Place", "name": event["location"],
                            "address": event["location"]}
    organisers = [event["organizer"]] if event.get("organizer") else list(
        event.get("parties") or [])
    if organisers:
        data["organizer"] = [_organisation(name) for name in organisers]
    if event.get("sponsor"):
        data["sponsor"] = _organisation(event["sponsor"])
    summary = _plain(getattr(article, "summary", "")) if summary is None else summary
    if summary:
        data["description"] = summary
    return data


def structured_data(article, settings):
    """The escaped JSON-LD text for one article."""
    # Pelican formats an article's URL anew on every read, and the summary is stripped
    # of its tags: once each for both dicts.
    url = _absolute(settings, article.url) or ""
    summary = _plain(getattr(article, "summary", ""))
    data = news_article(article, settings, url, summary)
    event = (event_data(article, settings, url, summary)
             if settings["STRUCTURED_DATA_EVENTS"] else None)
    if event is None:
        return dumps_for_html({"@context": "https://schema.org", **data})
    data["about"] = {"@id": event["@id"]}
    return dumps_for_html({"@context": "https://schema.org", "@graph": [data, event]})


class JsonLd:
    """An article's JSON-LD text (:func:`structured_data`), made when a page first reads
    it, not for every article once the plugins' passes are done.

    Made there, 2,000 texts took a tenth of a second of a build with the other core
    idle, and of a build after an edit as much again, for the one text that changed;
    made when read, each text is made by the process rendering its article's page (or
    checking whether that page changed, which the render plugin does in two processes).
    It renders as its text (``str``, ``| safe``), is true when the text is not empty,
    and is digested by its text (``render_fingerprint``, see the render plugin).  The
    text is made of the article as it is when first read: once every plugin's pass
    over the articles is done, as before.
    """

    __slots__ = ("_article", "_settings", "_text")

    def __init__(self, article, settings):
        self._article, self._settings, self._text = article, settings, None

    @property
    def text(self):
        """The escaped JSON-LD text, made on the first read."""
        if self._text is None:
            self._text = structured_data(self._article, self._settings)
            self._article = self._settings = None  # no longer needed
        return self._text

    def __str__(self):
        return self.text

    def __html__(self):
        return self.text

    def __bool__(self):
        return bool(self.text)

    def __eq__(self, other):
        return self.text == (other.text if isinstance(other, JsonLd) else other)

    def __hash__(self):
        return hash(self.text)

    def render_fingerprint(self):
        """What this value renders as (for the render plugin's page reuse)."""
        return self.text

    def state_fingerprint(self):
        """What this value is made of (for the render plugin's digest of its article's
        state, taken before any page is rendered): its article (by identity: its
        state is the rest) and the text if made already, not the text made now."""
        return self._article, self._text


def add_structured_data(generators):
    """Put ``structured_data`` on every article, once every plugin has enriched them."""
    if not generators:
        return
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            _add_to(generator)


def _add_to(generator):
    settings = generator.settings
    for article in [*generator.articles, *getattr(generator, "translations", []),
                    *getattr(generator, "hidden_articles", []),
                    *getattr(generator, "hidden_translations", []),
                    *getattr(generator, "drafts", []),
                    *getattr(generator, "drafts_translations", [])]:
        article.structured_data = JsonLd(article, settings)


def register():
    """Connect the defaults and the JSON-LD builder."""
    signals.initialized.connect(apply_settings)
    signals.all_generators_finalized.connect(add_structured_data)
