"""Test photos made at run time with Pillow: camera-like JPEGs and broken files."""

import struct
import zlib
from pathlib import Path

from PIL import Image, ImageCms, ImageDraw

RED = (220, 20, 20)
GREEN = (20, 200, 40)
SERIAL = "SN-4471-XQ"
ARTIST = "Nguyen Van Chup"
GPS_LATITUDE = (21.0, 1.0, 42.5)


def camera_exif(orientation):
    """EXIF as a phone writes it: orientation, camera, serial, author and a GPS position."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon EOS 90D"
    exif[0x013B] = ARTIST
    exif.get_ifd(0x8769)[0xA431] = SERIAL  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = GPS_LATITUDE
    gps[3] = "E"
    gps[4] = (105.0, 51.0, 3.2)
    return exif


def scene(size, marker=RED, bands=None):
    """A photo-like picture: a gradient, a few shapes, a marker square at the top-left."""
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image = Image.merge("RGB", (image.getchannel(0), image.getchannel(0).transpose(
        Image.Transpose.FLIP_TOP_BOTTOM), Image.new("L", size, 150)))
    draw = ImageDraw.Draw(image)
    for index in range(6):
        x = width * (index + 1) // 8
        draw.ellipse([x - 30, height // 2 - 30, x + 30, height // 2 + 30],
                     fill=(40 * index, 90, 200 - 25 * index))
    if bands:
        draw.rectangle([0, 0, width, bands - 1], fill=GREEN)
        draw.rectangle([0, height - bands, width, height], fill=GREEN)
    draw.rectangle([0, 0, width // 8, height // 8], fill=marker)
    return image


def camera_jpeg(path, size=(800, 600), orientation=6, bands=None):
    """A JPEG with EXIF orientation, GPS, serial, author, a comment, XMP and an ICC profile."""
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
           b'02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
           b"<dc:creator>" + ARTIST.encode() + b"</dc:creator></rdf:Description></rdf:RDF>"
           b"</x:xmpmeta>")
    scene(size, bands=bands).save(path, "JPEG", quality=90, exif=camera_exif(orientation),
                                  icc_profile=icc, comment=f"Chụp bởi {ARTIST}".encode(),
                                  xmp=xmp)
    return Path(path)


def transparent_png(path, size=(300, 200)):
    """A PNG with an alpha channel."""
    image = scene(size).convert("RGBA")
    image.putalpha(Image.linear_gradient("L").resize(size))
    image.save(path, "PNG")
    return Path(path)


def truncated_jpeg(path):
    """A camera JPEG cut in the middle, as an interrupted copy leaves it."""
    camera_jpeg(path, size=(640, 480), orientation=1)
    data = Path(path).read_bytes()
    Path(path).write_bytes(data[: len(data) // 2])
    return Path(path)


def png_bomb(path, width=100_000, height=100_000):
    """A tiny PNG file that claims ten billion pixels."""

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    Path(path).write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                           + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))
    return Path(path)


SVG_WITH_SCRIPT = ('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
                   'height="10"><script>alert(document.cookie)</script><rect width="10" '
                   'height="10"/></svg>\n')
SVG_ONLOAD = ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" width="10" height="10">'
              '<rect width="10" height="10"/></svg>\n')


def make_fixture_photos(content):
    """Every photo the ``images`` fixture site names, good and bad."""
    images = Path(content) / "images"
    images.mkdir(parents=True, exist_ok=True)
    camera_jpeg(images / "may-anh.jpg")
    camera_jpeg(images / "hoi-truong.jpg", size=(1600, 1000), orientation=1, bands=80)
    transparent_png(images / "qua.png")
    truncated_jpeg(images / "cat-cut.jpg")
    (images / "khong-phai-anh.jpg").write_text("Đây là một tệp văn bản.\n", encoding="utf-8")
    png_bomb(images / "bom.png")
    (images / "hinh-ve.svg").write_text(SVG_WITH_SCRIPT, encoding="utf-8")
    (images / "doi-lot.png").write_text(SVG_ONLOAD, encoding="utf-8")
    return images


def _s15(value):
    return struct.pack(">i", round(value * 65536))


def adobe_rgb_profile():
    """An ICC v2 matrix/TRC profile with Adobe RGB (1998) primaries (D50), gamma 2.2."""

    def xyz(x, y, z):
        return b"XYZ \0\0\0\0" + _s15(x) + _s15(y) + _s15(z)

    text = b"Adobe RGB (1998) test\0"
    desc = (b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text
            + b"\0" * 8 + b"\0" * 3 + b"\0" * 67)
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, 563) + b"\0\0"
    tags = [(b"desc", desc), (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
            (b"rXYZ", xyz(0.6097, 0.3111, 0.0195)), (b"gXYZ", xyz(0.2053, 0.6257, 0.0609)),
            (b"bXYZ", xyz(0.1492, 0.0632, 0.7446)),
            (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve)]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        body += b"\0" * (-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (struct.pack(">I", size) + b"\0\0\0\0" + struct.pack(">I", 0x02100000)
              + b"mntrRGB XYZ " + b"\0" * 12 + b"acsp" + b"\0" * 24 + b"\0" * 4
              + _s15(0.9642) + _s15(1.0) + _s15(0.8249) + b"\0" * 48)
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data
