"""Words of the photo gallery (images plugin)."""

LABELS = {
    "gallery": "Thư viện ảnh",
    "gallery_count": "{n} ảnh",
    "gallery_open": "(mở ảnh cỡ lớn)",
}
