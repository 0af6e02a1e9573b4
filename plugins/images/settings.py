"""The plugin's settings: defaults, checks, and the fingerprint that keys the cache.

Every value is documented in the module docstring of :mod:`images.images`.
"""

import copy
import json
import os

import PIL
from PIL import features

DEFAULTS = {
    "IMAGES_WIDTHS": [480, 960, 1600],
    "IMAGES_FORMATS": ["avif", "webp", "jpeg"],
    "IMAGES_QUALITY": {"avif": 60, "webp": 80, "jpeg": 82},
    "IMAGES_AVIF_SPEED": 8,
    "IMAGES_JPEG_DRAFT": True,
    "IMAGES_MAX_PIXELS": 60_000_000,
    "IMAGES_OG_SIZE": (1200, 630),
    "IMAGES_PLACEHOLDER_WIDTH": 16,
    "IMAGES_CACHE_PATH": os.path.join(".cache", "images"),
    "IMAGES_PROCESSES": None,
    "IMAGES_SIZES": {
        "article": "(min-width: 46rem) 44rem, calc(100vw - 2rem)",
        "card": "(min-width: 48rem) 24rem, calc(100vw - 2rem)",
        "card_lead": "(min-width: 72rem) 42rem, (min-width: 48rem) 58vw, calc(100vw - 2rem)",
        "gallery": "(min-width: 46rem) 14rem, 45vw",
    },
}

FORMATS = ("avif", "webp", "jpeg")
MIME_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}
EXTENSIONS = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}
# Bumped whenever the processing changes what a cached variant looks like.
PIPELINE_VERSION = 1


class ImagesSettingsError(Exception):
    """An ``IMAGES_*`` setting cannot be used."""


def get(settings, name):
    """``settings[name]``, or its default when the plugin's defaults were not applied."""
    value = settings.get(name, DEFAULTS[name])
    if isinstance(DEFAULTS[name], dict):
        return {**DEFAULTS[name], **(value or {})}
    return value


def apply_defaults(settings):
    """Give every missing ``IMAGES_*`` setting its default (a copy, never shared)."""
    for name, default in DEFAULTS.items():
        settings.setdefault(name, copy.deepcopy(default))
    for name in ("IMAGES_QUALITY", "IMAGES_SIZES"):
        settings[name] = {**DEFAULTS[name], **settings[name]}


def check(settings):
    """Raise :class:`ImagesSettingsError` for a setting that cannot be used."""
    widths = settings["IMAGES_WIDTHS"]
    if not widths or not all(isinstance(w, int) and w > 0 for w in widths):
        raise ImagesSettingsError(f"IMAGES_WIDTHS={widths!r}: cần danh sách số nguyên dương, "
                                  "ví dụ [480, 960, 1600]")
    formats = settings["IMAGES_FORMATS"]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or "jpeg" not in formats:
        raise ImagesSettingsError(f"IMAGES_FORMATS={formats!r}: cần các định dạng trong "
                                  f"{list(FORMATS)} và luôn có 'jpeg' (ảnh dự phòng)")
    for name in ("IMAGES_MAX_PIXELS", "IMAGES_PLACEHOLDER_WIDTH"):
        value = settings[name]
        if not isinstance(value, int) or value < 0:
            raise ImagesSettingsError(f"{name}={value!r}: cần một số nguyên không âm")
    og = settings["IMAGES_OG_SIZE"]
    if og is not None and not (len(og) == 2 and all(isinstance(v, int) and v > 0 for v in og)):
        raise ImagesSettingsError(f"IMAGES_OG_SIZE={og!r}: cần (rộng, cao), ví dụ (1200, 630), "
                                  "hoặc None")
    processes = settings["IMAGES_PROCESSES"]
    if processes is not None and (not isinstance(processes, int) or processes < 1):
        raise ImagesSettingsError(f"IMAGES_PROCESSES={processes!r}: cần số tiến trình ≥ 1 "
                                  "hoặc None (dùng mọi lõi)")
    cache = cache_root(settings)
    output = os.path.realpath(settings["OUTPUT_PATH"])
    if os.path.commonpath([cache, output]) == output:
        raise ImagesSettingsError(f"IMAGES_CACHE_PATH '{cache}' nằm trong thư mục kết quả "
                                  f"'{output}' — cần một thư mục bên ngoài, ví dụ '.cache/images'")


def usable_formats(settings):
    """The configured formats this Pillow can write (AVIF needs libavif)."""
    return [f for f in get(settings, "IMAGES_FORMATS") if f != "avif" or features.check("avif")]


def cache_root(settings):
    """The absolute cache folder; a relative one is taken from the folder holding ``PATH``."""
    path = get(settings, "IMAGES_CACHE_PATH")
    if not os.path.isabs(path):
        project = os.path.dirname(os.path.abspath(settings.get("PATH", "content")))
        path = os.path.join(project, path)
    return os.path.realpath(path)


def processes(settings):
    """How many worker processes to use."""
    return get(settings, "IMAGES_PROCESSES") or os.cpu_count() or 1


def processing_options(settings):
    """Everything that decides the bytes of a variant, as plain JSON-able values."""
    og = get(settings, "IMAGES_OG_SIZE")
    return {
        "widths": sorted(set(get(settings, "IMAGES_WIDTHS"))),
        "formats": [f for f in FORMATS if f in usable_formats(settings)],
        "quality": {f: get(settings, "IMAGES_QUALITY")[f] for f in FORMATS},
        "avif_speed": get(settings, "IMAGES_AVIF_SPEED"),
        "jpeg_draft": bool(get(settings, "IMAGES_JPEG_DRAFT")),
        "og_size": list(og) if og else None,
        "placeholder_width": get(settings, "IMAGES_PLACEHOLDER_WIDTH"),
    }


def fingerprint(options):
    """A string that changes whenever the options or the encoders change."""
    versions = {
        "pipeline": PIPELINE_VERSION,
        "pillow": PIL.__version__,
        "jpeg": features.version("jpg"),
        "webp": features.version("webp"),
        "avif": features.version("avif"),
    }
    return json.dumps({"options": options, "versions": versions}, sort_keys=True)
