"""images: responsive, private and fast photos for every article.

Every photo an article or page shows — the lead photo (``image:``), photos in
the body (``<img src="{static}/…">``, as the Markdown reader writes them) and a
``gallery:`` list — is turned into:

* widths from ``IMAGES_WIDTHS`` (never wider than the source) in AVIF, WebP
  and a JPEG fallback, shown with ``<picture>``, ``srcset``/``sizes`` and
  ``width``/``height`` on the ``<img>``; ``loading="lazy"`` except for the lead
  photo; ``decoding="async"``;
* upright (EXIF orientation applied) and private: no EXIF, GPS, XMP, comment or
  colour profile in any output file, colours converted to sRGB first;
* a blurred placeholder of a few hundred bytes inlined as the ``<img>``
  background while the photo loads;
* an Open Graph image (``IMAGES_OG_SIZE``, cropped around the centre) per
  article: ``article.og_image`` (output-relative path), ``og_image_width``,
  ``og_image_height`` — from the lead photo, else the first photo shown.

Original camera files are no longer copied to the output (they carry GPS
positions), unless content links one directly, e.g. ``[tải ảnh gốc]({static}/…)``.

Templates get ``article.lead_photo`` (``None`` when the lead photo could not be
used; its ``jpeg`` key is the largest JPEG variant with ``path``, ``url``,
``width``, ``height`` and ``bytes``, for feeds and JSON-LD) and
``article.gallery_photos``, and render a photo with the Jinja filter
``photo | picture(SITEURL, alt=..., sizes="card", lazy=True, priority=False)``.
Photo URLs in the body are resolved for the page being written (relative with
``RELATIVE_URLS``, absolute with ``SITEURL`` otherwise), also in
``article.get_content(siteurl)`` as feeds call it.

Gallery: a front-matter list, shown after the body as a grid of thumbnails,
each a plain link to the large photo (no JavaScript)::

    gallery:
      - images/a.jpg
      - {src: images/b.jpg, alt: Mô tả ảnh, caption: Chú thích}

(``gallery`` must be listed in ``TINHOI_EXTRA_FIELDS`` for the reader to keep it.)

Processing is cached by the hash of the source bytes and of the processing
settings, runs in parallel worker processes, and never leaves a partial file:
each file is written under a temporary name and renamed.

Settings (defaults in ``settings.DEFAULTS``):

``IMAGES_WIDTHS`` — ``[480, 960, 1600]``: variant widths in pixels.
``IMAGES_FORMATS`` — ``["avif", "webp", "jpeg"]``: ``jpeg`` is required (fallback).
``IMAGES_QUALITY`` — ``{"avif": 60, "webp": 80, "jpeg": 82}``.
``IMAGES_AVIF_SPEED`` — ``8``: libaom speed (0 slowest/smallest … 10).
``IMAGES_JPEG_DRAFT`` — ``True``: decode JPEGs at the smallest DCT scale that
    still covers the largest variant (faster; 41 dB PSNR against a full decode,
    same output sizes, measured on 4000×3000 photos).
``IMAGES_MAX_PIXELS`` — ``60_000_000``: larger sources are refused (decompression bombs).
``IMAGES_OG_SIZE`` — ``(1200, 630)``, or ``None`` for no Open Graph image.
``IMAGES_PLACEHOLDER_WIDTH`` — ``16``: placeholder width in pixels, ``0`` for none.
``IMAGES_CACHE_PATH`` — ``".cache/images"``: relative to the folder holding
    ``PATH`` (the project); must be outside ``OUTPUT_PATH``.
``IMAGES_PROCESSES`` — ``None``: worker processes, ``None`` for every core.
``IMAGES_SIZES`` — ``sizes`` attributes by use: ``article``, ``card``,
    ``card_lead``, ``gallery`` (merged over the defaults).

Bad photos (not an image, truncated, too many pixels, SVG, HEIC) are logged as
``path:line`` errors; the article is built without them.  ``make check`` can
call :func:`images.validate.article_problems` (every photo of one article) or
:func:`images.validate.photo_problem` (one file).
"""

import logging

from pelican import signals

from .generator import ImagesGenerator
from .markup import make_picture_filter
from .settings import apply_defaults, check, usable_formats

logger = logging.getLogger(__name__)


def configure(pelican):
    """Apply the defaults, refuse unusable settings, add the ``picture`` filter."""
    settings = pelican.settings
    apply_defaults(settings)
    check(settings)
    if "avif" in settings["IMAGES_FORMATS"] and "avif" not in usable_formats(settings):
        logger.warning("Pillow ở máy này không ghi được AVIF: chỉ tạo WebP và JPEG")
    settings["JINJA_FILTERS"] = {**settings.get("JINJA_FILTERS", {}),
                                 "picture": make_picture_filter(settings["IMAGES_SIZES"])}


def get_generators(pelican):
    """The generator that processes photos."""
    del pelican
    return ImagesGenerator


def register():
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(configure)
    signals.get_generators.connect(get_generators)
