"""HTML for processed photos: ``<picture>``, the Jinja ``picture`` filter, the gallery.

A *photo* here is the plain dict :func:`photo_for_template` builds from a cache
manifest; every URL in it is output-relative and already percent-encoded.
"""

import html
import re
from html.parser import HTMLParser
from urllib.parse import quote

from markupsafe import Markup

# Browsers without srcset get the largest JPEG up to this width.
FALLBACK_MAX_WIDTH = 1024
# The <img> attributes this plugin writes itself; others an editor wrote are kept.
OWN_ATTRIBUTES = {"src", "srcset", "sizes", "width", "height", "loading", "decoding",
                  "fetchpriority", "style"}

GALLERY_TEMPLATE = """\
<section class="gallery" aria-labelledby="thu-vien-anh">
  <h2 id="thu-vien-anh">{{ labels.gallery }}
    <span class="count">({{ (labels.gallery_count or "{n}").format(n=photos | length) }})</span>
  </h2>
  <ul class="gallery-grid">
  {% for photo in photos %}
    <li>
      <figure>
        <a href="{{ prefix }}/{{ photo.large }}">
          {{- photo | picture(prefix, alt=photo.alt, sizes="gallery") -}}
          <span class="visually-hidden"> {{ labels.gallery_open }}</span></a>
        {% if photo.caption %}
        <figcaption>{{ photo.caption }}</figcaption>
        {% endif %}
      </figure>
    </li>
  {% endfor %}
  </ul>
</section>
"""


def photo_for_template(manifest, folder, stem, formats):
    """The photo dict for markup: sources by format, the JPEG fallback, sizes, placeholder.

    Keys: ``sources`` (``[{"type", "variants"}]``, AVIF then WebP), ``fallback`` (the
    JPEG variants), ``src``, ``width``/``height`` (of the largest variant), ``large``
    (URL of the largest WebP, else JPEG), ``jpeg`` (the largest JPEG variant:
    ``path``, ``url``, ``width``, ``height``, ``bytes`` — for feeds and JSON-LD),
    ``placeholder`` (data URI) and ``og`` (``path``, ``url``, ``width``, ``height``,
    ``bytes``, or ``None``).  Each variant has ``path``, ``url``, ``width``,
    ``height`` and ``bytes``.

    ``folder`` and ``stem`` say where the variants go in the output (the source's
    folder and file name without extension).
    """
    short = manifest["key"][:10]
    by_format = {}
    files = {}
    for variant in manifest["variants"]:
        if variant["format"] not in formats:
            continue
        extension = variant["file"].rsplit(".", 1)[1]
        path = output_name(folder, f"{stem}-{variant['width']}.{short}.{extension}")
        files[path] = variant["file"]
        by_format.setdefault(variant["format"], []).append(
            {"path": path, "url": quote(path), "width": variant["width"],
             "height": variant["height"], "bytes": variant["bytes"]})
    jpeg = sorted(by_format["jpeg"], key=lambda v: v["width"])
    largest = jpeg[-1]
    sources = [{"type": f"image/{fmt}", "variants": sorted(by_format[fmt],
                                                           key=lambda v: v["width"])}
               for fmt in ("avif", "webp") if fmt in by_format]
    large = sources[-1]["variants"][-1]["url"] if sources else largest["url"]
    photo = {
        "sources": sources,
        "fallback": jpeg,
        "src": _fallback(jpeg)["url"],
        "width": largest["width"],
        "height": largest["height"],
        "large": large,
        "jpeg": largest,
        "placeholder": manifest.get("placeholder", ""),
        "og": None,
    }
    if manifest.get("og"):
        path = output_name(folder, f"{stem}-og.{short}.jpg")
        files[path] = manifest["og"]["file"]
        photo["og"] = {"path": path, "url": quote(path), "width": manifest["og"]["width"],
                       "height": manifest["og"]["height"], "bytes": manifest["og"]["bytes"]}
    return photo, files


def _fallback(variants):
    """The largest variant up to ``FALLBACK_MAX_WIDTH`` (else the smallest one)."""
    fitting = [v for v in variants if v["width"] <= FALLBACK_MAX_WIDTH]
    return fitting[-1] if fitting else variants[0]


def output_name(folder, name):
    """``folder/name`` in POSIX form, without a leading slash for the content root."""
    return f"{folder}/{name}" if folder else name


def picture_html(photo, prefix, *, alt="", sizes="", lazy=True, priority=False,
                 css_class="photo", attributes=()):
    """``<picture>`` markup for ``photo``; URLs are ``prefix + "/" + url``.

    ``attributes`` are extra ``(name, value)`` pairs for the ``<img>`` (an editor's
    ``title`` or ``class``); values are escaped here.
    """

    def srcset(variants):
        return ", ".join(f"{prefix}/{v['url']} {v['width']}w" for v in variants)

    out = [f'<picture class="{_e(css_class)}">']
    for source in photo["sources"]:
        out.append(f'<source type="{_e(source["type"])}" srcset="{_e(srcset(source["variants"]))}"'
                   f' sizes="{_e(sizes)}">')
    img = [("src", f"{prefix}/{photo['src']}"), ("srcset", srcset(photo["fallback"])),
           ("sizes", sizes), ("width", str(photo["width"])), ("height", str(photo["height"])),
           ("alt", alt)]
    img += [(name, value) for name, value in attributes
            if name not in OWN_ATTRIBUTES and name != "alt"]
    if lazy:
        img.append(("loading", "lazy"))
    elif priority:
        img.append(("fetchpriority", "high"))
    img.append(("decoding", "async"))
    if photo.get("placeholder"):
        img.append(("style", f"background:url({photo['placeholder']}) 50% 50%/cover no-repeat"))
    out.append("<img " + " ".join(f'{name}="{_e(value or "")}"' for name, value in img) + ">")
    out.append("</picture>")
    return "".join(out)


def make_picture_filter(sizes_by_name):
    """The Jinja filter ``photo | picture(SITEURL, alt=..., sizes="card", lazy=True)``.

    ``sizes`` is a key of ``IMAGES_SIZES`` or a literal ``sizes`` value.  An
    undefined or empty photo gives an empty string.
    """

    def picture(photo, siteurl, alt="", sizes="article", lazy=True, priority=False,
                css_class="photo"):
        if not photo:
            return Markup("")
        return Markup(picture_html(photo, siteurl, alt=str(alt or ""),
                                   sizes=sizes_by_name.get(sizes, sizes), lazy=lazy,
                                   priority=priority, css_class=css_class))

    return picture


class _TagParser(HTMLParser):
    """Reads the attributes of one start tag (values unescaped)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.attributes = []

    def handle_starttag(self, tag, attrs):
        """Keep the attributes of the tag."""
        self.attributes = [(name, value or "") for name, value in attrs]

    handle_startendtag = handle_starttag


def tag_attributes(tag):
    """The ``(name, value)`` attributes of one start tag, in order."""
    parser = _TagParser()
    parser.feed(tag)
    parser.close()
    return parser.attributes


PHOTO_BLOCK = re.compile(
    r"(?P<figure><figure\b[^>]*>\s*(?P<figure_img><img\b[^>]*>)\s*"
    r"(?:<figcaption\b.*?</figcaption>)?\s*</figure>)"
    r"|(?P<img><img\b[^>]*>)",
    re.IGNORECASE | re.DOTALL,
)
EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>\n?")
ANY_IMG = re.compile(r"<img\b", re.IGNORECASE)


def rewrite_photos(text, replace):
    """Replace every ``<img>`` of ``text`` with ``replace(tag, attributes)``.

    ``replace`` returns new markup, ``None`` to keep the tag, or ``""`` to drop
    the photo (with its ``<figure>`` when it is the figure's only photo).
    """
    if not ANY_IMG.search(text):
        return text  # most articles have no photo in their text: skip the long pattern
    dropped = False

    def substitute(match):
        nonlocal dropped
        tag = match.group("figure_img") or match.group("img")
        new = replace(tag, tag_attributes(tag))
        if new is None:
            return match.group(0)
        if new == "":
            dropped = True
            return ""
        return match.group(0).replace(tag, new, 1)

    text = PHOTO_BLOCK.sub(substitute, text)
    return EMPTY_PARAGRAPH.sub("", text) if dropped else text


def _e(value):
    return html.escape(value, quote=True)
