"""Turning one source photo into its variants; runs in worker processes.

Nothing here logs or touches Pelican: :func:`process_photo` takes plain values
and returns a plain dict (the cache manifest, or ``{"error": message}``), so it
can run in a :class:`concurrent.futures.ProcessPoolExecutor`.  Every file it
writes goes to a temporary name first and is moved into place with
:func:`os.replace`; the manifest is written last, so a cache entry either has
a manifest and all of its files, or does not count.
"""

import base64
import contextlib
import hashlib
import io
import json
import os
import re
import tempfile
import warnings

from PIL import Image, ImageCms, ImageFilter, ImageOps, UnidentifiedImageError

from .settings import EXTENSIONS

# Pillow formats accepted as photos (the JPEG opener also gives MPO, as many phones write).
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "AVIF", "GIF")
ACCEPTED_HINT = "ảnh JPEG, PNG, WebP hoặc AVIF"
SAVE_OPTIONS = {
    "jpeg": lambda q, o: {"format": "JPEG", "quality": q, "optimize": True, "progressive": True},
    "webp": lambda q, o: {"format": "WEBP", "quality": q, "method": 4},
    # A fixed thread count: libaom's output differs between one thread and several.
    "avif": lambda q, o: {"format": "AVIF", "quality": q, "speed": o["avif_speed"],
                          "max_threads": 2},
}
MANIFEST = "manifest.json"
# ISO-BMFF brands of HEIF files that Pillow cannot open (AVIF, also HEIF-based, it can).
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
ACTIVE_SVG = re.compile(rb"<script|\son[a-z]+\s*=|javascript:", re.IGNORECASE)
SRGB = ImageCms.createProfile("sRGB")


class PhotoError(Exception):
    """A source file cannot be used as a photo.

    The message says why in Vietnamese, without naming the file, so that it reads
    after "ảnh 'images/x.jpg' ": what is wrong — what is expected.
    """


def cache_key(data, fingerprint):
    """The cache key of a photo: a hash of its bytes and of the processing settings."""
    digest = hashlib.sha256(fingerprint.encode("utf-8"))
    digest.update(b"\0")
    digest.update(data)
    return digest.hexdigest()


def entry_dir(cache_root, key):
    """The cache folder of one photo."""
    return os.path.join(cache_root, key[:2], key)


def read_manifest(cache_root, key):
    """The manifest of a complete cache entry, or ``None``."""
    folder = entry_dir(cache_root, key)
    try:
        with open(os.path.join(folder, MANIFEST), encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return None
    files = [v["file"] for v in manifest.get("variants", [])]
    if manifest.get("og"):
        files.append(manifest["og"]["file"])
    if not all(os.path.isfile(os.path.join(folder, f)) for f in files):
        return None
    return manifest


def process_photo(path, fingerprint, options, cache_root, max_pixels):
    """Make every variant of the photo at ``path`` in the cache; return its manifest.

    Returns ``{"error": message}`` when the file cannot be used as a photo.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        return {"error": f"không đọc được ({error.strerror}) — cần một tệp ảnh đọc được "
                         "trong content/"}
    key = cache_key(data, fingerprint)
    try:
        image, source_pixels = open_photo(data, max_pixels, options)
        return _make_variants(image, source_pixels, key, options, cache_root)
    except PhotoError as error:
        return {"error": str(error)}
    except Exception as error:  # noqa: BLE001 — any decoder failure is a content problem
        return {"error": unreadable(error)}


def sniff(data):
    """Refuse SVG, by its first bytes: it can carry script, and no decoder is needed."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head:
        if ACTIVE_SVG.search(data):
            raise PhotoError(f"là hình SVG có chứa mã script (chạy được trên máy người đọc) "
                             f"— không nhận SVG; cần {ACCEPTED_HINT}")
        raise PhotoError(f"là hình SVG (có thể chứa mã chạy trên máy người đọc) — không "
                         f"nhận SVG; cần {ACCEPTED_HINT}")


@contextlib.contextmanager
def _pixel_limit(max_pixels):
    """Let our own limit decide, not Pillow's (it errors only at twice its limit)."""
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels or None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def open_photo(data, max_pixels, options=None):
    """Decode ``data`` into an upright sRGB RGB image with no metadata.

    Returns ``(image, source_pixels)``; raises :class:`PhotoError` with a message
    for an editor.  With ``options`` a JPEG is decoded at the smallest scale that
    still covers the largest variant (libjpeg's DCT scaling, ``draft()``).
    """
    sniff(data)
    with _pixel_limit(max_pixels):
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except Image.DecompressionBombError:
            raise PhotoError(_too_large(None, max_pixels)) from None
        except UnidentifiedImageError:
            if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
                raise PhotoError(f"là ảnh HEIC (ảnh iPhone) mà trình duyệt không hiển thị — "
                                 f"cần chuyển sang {ACCEPTED_HINT}") from None
            raise PhotoError(f"không phải là ảnh, hoặc là loại ảnh không dùng được — cần "
                             f"{ACCEPTED_HINT}") from None
    width, height = image.size
    if max_pixels and width * height > max_pixels:
        raise PhotoError(_too_large((width, height), max_pixels))
    orientation = image.getexif().get(0x0112, 1)
    if options and options["jpeg_draft"] and image.format in ("JPEG", "MPO"):
        image.draft(None, _draft_box(image.size, orientation in (5, 6, 7, 8), options))
    try:
        image.load()
    except OSError:
        raise PhotoError("bị hỏng hoặc chưa chép hết (tệp bị cắt cụt) — cần chép lại tệp ảnh "
                         "gốc đầy đủ") from None
    image = ImageOps.exif_transpose(image) or image
    image = _to_srgb(image)
    image.info = {}
    return image, width * height


def _too_large(size, max_pixels):
    limit = f"{max_pixels / 1e6:.0f} triệu"
    if size:
        return (f"quá lớn ({size[0]}×{size[1]} = {size[0] * size[1] / 1e6:.0f} triệu điểm "
                f"ảnh) — cần ảnh không quá {limit} điểm ảnh; hãy thu nhỏ ảnh trước khi đưa lên")
    return (f"quá lớn (hơn {limit} điểm ảnh, có thể là 'bom giải nén') — cần ảnh không quá "
            f"{limit} điểm ảnh; hãy thu nhỏ ảnh trước khi đưa lên")


def unreadable(error):
    """The message for a decoder failure that is not one of the known cases."""
    return (f"không đọc được ({type(error).__name__}: {error}) — cần {ACCEPTED_HINT} lưu lại "
            "bằng một phần mềm xem ảnh")


def _draft_box(size, rotated, options):
    """The smallest size (in stored orientation) a draft decode must keep."""
    width, height = (size[1], size[0]) if rotated else size
    need_w = max(options["widths"])
    need_h = -(-need_w * height // width)
    if options["og_size"]:
        need_w = max(need_w, options["og_size"][0])
        need_h = max(need_h, options["og_size"][1])
    return (need_h, need_w) if rotated else (need_w, need_h)


def _to_srgb(image):
    """An RGB image in sRGB: colour profiles converted, alpha laid on white."""
    icc = image.info.get("icc_profile")
    if image.mode.startswith(("I", "F")):  # 16-bit or float greyscale: scale to 8 bits
        image = image.convert("I").point(lambda v: v / 257).convert("L")
    if image.mode in ("RGBA", "LA", "PA", "P", "La", "RGBa") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat.alpha_composite(rgba)
        image = flat
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if "srgb" not in (ImageCms.getProfileDescription(source) or "").lower():
                mode = image.mode if image.mode in ("RGB", "CMYK", "L") else "RGB"
                image = ImageCms.profileToProfile(image.convert(mode), source, SRGB,
                                                  outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the pixels are taken as sRGB
    return image.convert("RGB") if image.mode != "RGB" else image


def plan_widths(source_width, widths):
    """The variant widths for a source: the configured ones below it, never upscaled."""
    below = [w for w in sorted(set(widths)) if w < source_width]
    if source_width <= max(widths):
        below.append(source_width)
    return below


def _resize(image, width):
    if width == image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.LANCZOS, reducing_gap=2.0)


def _make_variants(image, source_pixels, key, options, cache_root):
    folder = entry_dir(cache_root, key)
    os.makedirs(folder, exist_ok=True)
    variants = []
    for width in sorted(plan_widths(image.width, options["widths"]), reverse=True):
        resized = _resize(image, width)
        for fmt in options["formats"]:
            name = f"w{width}.{EXTENSIONS[fmt]}"
            size = _save(resized, os.path.join(folder, name),
                         SAVE_OPTIONS[fmt](options["quality"][fmt], options))
            variants.append({"format": fmt, "width": resized.width, "height": resized.height,
                             "file": name, "bytes": size})
    variants.sort(key=lambda v: (v["format"], v["width"]))
    manifest = {
        "key": key,
        "width": image.width,
        "height": image.height,
        "source_pixels": source_pixels,
        "variants": variants,
        "placeholder": _placeholder(image, options["placeholder_width"]),
        "og": _open_graph(image, options, folder),
    }
    write_atomic(os.path.join(folder, MANIFEST),
                 json.dumps(manifest, sort_keys=True, indent=1).encode("utf-8"))
    return manifest


def _placeholder(image, width):
    """A tiny blurred WebP as a data URI (a few hundred bytes), or ``""``."""
    if not width:
        return ""
    height = max(1, round(image.height * width / image.width))
    tiny = image.resize((width, height), Image.BOX, reducing_gap=2.0)
    tiny = tiny.filter(ImageFilter.GaussianBlur(0.6))
    buffer = io.BytesIO()
    tiny.save(buffer, "WEBP", quality=40, method=6)
    return "data:image/webp;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _open_graph(image, options, folder):
    """A link-preview image cropped around the centre, never upscaled."""
    if not options["og_size"]:
        return None
    target_w, target_h = options["og_size"]
    ratio = target_w / target_h
    if image.width / image.height > ratio:
        crop_h = image.height
        crop_w = round(crop_h * ratio)
    else:
        crop_w = image.width
        crop_h = round(crop_w / ratio)
    left, top = (image.width - crop_w) // 2, (image.height - crop_h) // 2
    cropped = image.crop((left, top, left + crop_w, top + crop_h))
    if crop_w > target_w:
        cropped = cropped.resize((target_w, target_h), Image.LANCZOS, reducing_gap=2.0)
    size = _save(cropped, os.path.join(folder, "og.jpg"),
                 SAVE_OPTIONS["jpeg"](options["quality"]["jpeg"], options))
    return {"file": "og.jpg", "width": cropped.width, "height": cropped.height, "bytes": size}


def _save(image, path, save_options):
    buffer = io.BytesIO()
    image.save(buffer, **save_options)
    data = buffer.getvalue()
    write_atomic(path, data)
    return len(data)


def write_atomic(path, data):
    """Write ``data`` to ``path`` through a temporary file, so ``path`` is never partial."""
    folder = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
