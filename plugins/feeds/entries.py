"""One article as a feed entry: absolute content, a stable id, its lead photo, its categories.

Nothing here knows feed formats (see ``formats.py``); an entry is plain data.
"""

import html
import logging
import os
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote, urljoin, urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from markupsafe import Markup
from pelican.utils import truncate_html_words

logger = logging.getLogger(__name__)

# Attributes holding one URL; srcset holds several.
URL_ATTRIBUTES = ("href", "src", "poster", "cite", "action", "formaction", "longdesc",
                  "background", "data")
SRCSET_ATTRIBUTES = ("srcset", "imagesrcset")
PHOTO_TYPES = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
    ".gif": "image/gif", ".avif": "image/avif",
}


@dataclass
class Photo:
    """The lead photo of an article, as an enclosure."""

    url: str
    length: int
    type: str
    alt: str = ""
    caption: str = ""


@dataclass
class FeedItem:
    """What every format needs to know of one article."""

    id: str
    url: str
    title: str
    published: datetime
    updated: datetime
    content_html: str
    summary_html: str
    summary_text: str
    authors: list = field(default_factory=list)
    categories: list = field(default_factory=list)  # (term, scheme URL or None)
    photo: Photo | None = None


class EntryBuilder:
    """Builds the :class:`FeedItem` of each article once per build."""

    def __init__(self, settings, base, authority, labels):
        self.settings = settings
        self.base = base
        self.authority = authority
        self.labels = labels
        self.tz = ZoneInfo(settings["TIMEZONE"])
        self.locale = settings.get("VIETNAMESE_LOCALE", "vi")
        self._items = {}

    def item(self, article):
        """The entry of ``article`` (built on first use)."""
        key = article.source_path
        if key not in self._items:
            self._items[key] = self._build(article)
        return self._items[key]

    def _build(self, article):
        url = absolute_url(self.base, article.url)
        published = aware(article.date, self.tz)
        modified = getattr(article, "modified", None)
        updated = max(published, aware(modified, self.tz)) if modified else published
        body = absolutize_html(article.get_content(self.base), url)
        photo = self._photo(article)
        content = "".join(filter(None, (
            _figure_html(photo) if photo else "",
            self._event_html(getattr(article, "event", None)),
            body,
        )))
        summary = _summary_html(article, body, url, self.settings)
        return FeedItem(
            id=entry_id(article, self.authority, self.tz),
            url=url,
            title=str(article.title),
            published=published,
            updated=updated,
            content_html=content,
            summary_html=summary,
            summary_text=" ".join(Markup(summary).striptags().split()),
            authors=[str(a) for a in getattr(article, "authors", None) or []],
            categories=self._categories(article),
            photo=photo,
        )

    def _categories(self, article):
        found = []
        event = getattr(article, "event", None)
        if event and event.get("type"):
            found.append((self.labels["event_types"].get(event["type"], event["type"]), None))
        category = getattr(article, "category", None)
        if category:
            found.append((str(category), absolute_url(self.base, self.settings["CATEGORIES_URL"])))
        scheme = absolute_url(self.base, self.settings["TAGS_URL"])
        found.extend((str(tag), scheme) for tag in getattr(article, "tags", None) or [])
        return list(dict.fromkeys(found))

    def _photo(self, article):
        image = getattr(article, "image", None)
        if not image:
            return None
        processed = getattr(article, "lead_photo", None)
        if processed:  # the images plugin publishes stripped variants, not the original
            jpeg = processed["jpeg"]
            return Photo(url=absolute_url(self.base, jpeg["url"]), length=jpeg["bytes"],
                         type="image/jpeg", alt=getattr(article, "image_alt", "") or "",
                         caption=getattr(article, "image_caption", "") or "")
        if hasattr(article, "lead_photo"):  # the images plugin could not use the photo
            return None
        media_type = PHOTO_TYPES.get(os.path.splitext(image)[1].lower())
        source = os.path.join(self.settings["PATH"], image)
        if media_type is None or not os.path.isfile(source):
            logger.debug("feeds: %s: lead photo %r left out of the feeds", article.source_path,
                         image)
            return None
        return Photo(url=absolute_url(self.base, quote(image)), length=os.path.getsize(source),
                     type=media_type, alt=getattr(article, "image_alt", "") or "",
                     caption=getattr(article, "image_caption", "") or "")

    def _event_html(self, event):
        """The facts a subscriber needs first: what, when, where, who organises."""
        if not event or not event.get("type"):
            return ""
        labels = self.labels
        facts = []
        if event.get("date"):
            facts.append((labels["event_time"], self._when(event)))
        for key, label in (("location", "event_location"), ("organizer", "event_organizer")):
            if event.get(key):
                facts.append((labels[label], event[key]))
        heading = f"{labels['event']}: {labels['event_types'].get(event['type'], event['type'])}"
        import lxml.html
        from lxml.html import builder as E  # noqa: N812 (lxml's own name)

        box = E.DIV(E.P(E.STRONG(heading)))
        if facts:
            box.append(E.UL(*(E.LI(E.STRONG(f"{name}: "), value) for name, value in facts)))
        return "".join(lxml.html.tostring(child, encoding="unicode") for child in box)

    def _when(self, event):
        start = aware(event["date"], self.tz).astimezone(self.tz)
        if event.get("has_time"):
            text = format_datetime(start, "EEEE, dd/MM/yyyy HH:mm", tzinfo=self.tz,
                                   locale=self.locale)
        else:
            text = format_date(start, "full", locale=self.locale)
        end = event.get("end")
        if end:
            end = aware(end, self.tz).astimezone(self.tz)
            same_day = end.date() == start.date()
            pattern = "HH:mm" if same_day else "EEEE, dd/MM/yyyy HH:mm"
            text += " – " + format_datetime(end, pattern, tzinfo=self.tz, locale=self.locale)
        return text


def aware(value, tz):
    """``value`` with a time zone (feedgen refuses naive datetimes)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value
    return datetime(value.year, value.month, value.day, tzinfo=tz)


def absolute_url(base, path):
    """``path`` (site-relative, as in ``article.url``) under the absolute ``base``."""
    return f"{base.rstrip('/')}/{str(path).lstrip('/')}"


def entry_id(article, authority, tz):
    """A ``tag:`` URI that survives edits of the title, slug and content.

    ``tag:<authority>,<year of date>:<source path relative to content/>``; an
    ``id`` in the front-matter (when the contract allows it) replaces the path.
    """
    pinned = str(article.metadata.get("id") or "").strip()
    specific = pinned or article.get_relative_source_path() or article.slug
    specific = unicodedata.normalize("NFC", specific)
    year = aware(article.date, tz).astimezone(tz).year
    return f"tag:{authority},{year}:{quote(specific, safe='/-._~')}"


def id_authority(settings, base):
    """The domain in entry ids: ``FEEDS_ID_AUTHORITY`` or the host of ``base``."""
    return settings.get("FEEDS_ID_AUTHORITY") or urlsplit(base).hostname


def absolutize_html(fragment, page_url):
    """``fragment`` with every URL attribute (and each ``srcset`` URL) absolute.

    Relative URLs are resolved against ``page_url``, where the HTML is shown on the site.
    """
    if not fragment or not fragment.strip():
        return ""
    import lxml.etree
    import lxml.html

    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iter(lxml.etree.Element):
        for name in URL_ATTRIBUTES:
            value = element.get(name)
            if value is not None:
                element.set(name, urljoin(page_url, value.strip()))
        for name in SRCSET_ATTRIBUTES:
            value = element.get(name)
            if value:
                element.set(name, absolutize_srcset(value, page_url))
    parts = [html.escape(root.text, quote=False)] if root.text else []
    parts.extend(lxml.html.tostring(child, encoding="unicode") for child in root)
    return "".join(parts)


def absolutize_srcset(value, page_url):
    """Each URL of a ``srcset`` made absolute, descriptors kept (HTML's own parsing rules)."""
    candidates = []
    position, length = 0, len(value)
    while position < length:
        while position < length and (value[position].isspace() or value[position] == ","):
            position += 1
        if position >= length:
            break
        start = position
        while position < length and not value[position].isspace():
            position += 1
        url, descriptor = value[start:position], ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            start = position
            while position < length and value[position] != ",":
                position += 1
            descriptor = value[start:position].strip()
        candidates.append(" ".join(filter(None, (urljoin(page_url, url), descriptor))))
    return ", ".join(candidates)


def _figure_html(photo):
    import lxml.html
    from lxml.html import builder as E  # noqa: N812 (lxml's own name)

    figure = E.FIGURE(E.IMG(src=photo.url, alt=photo.alt))
    if photo.caption:
        figure.append(E.FIGCAPTION(photo.caption))
    return lxml.html.tostring(figure, encoding="unicode")


def _summary_html(article, body, url, settings):
    """The front-matter summary, or the start of the body as Pelican would cut it."""
    summary = article.metadata.get("summary")
    if summary:
        return absolutize_html(str(summary), url)
    if settings.get("SUMMARY_MAX_LENGTH") is None:
        return body
    return truncate_html_words(body, settings["SUMMARY_MAX_LENGTH"],
                               settings.get("SUMMARY_END_SUFFIX", "…"))
