"""``make new TITLE="…" TYPE=meeting|signing|award|news``: a new article to fill in.

Writes ``content/<year>/<slug>.md`` with every field of that type present and
explained in Vietnamese, today's date and time in the site's time zone and
``status: draft``.  Every value is valid as written (empty, or a real example),
so ``make check`` passes on a new article; an existing file is never replaced.
"""

import json
import os
from datetime import datetime
from zoneinfo import ZoneInfo

import yaml
from pelican.utils import slugify

TYPES = ("meeting", "signing", "award", "news")
TYPE_NAMES = {"meeting": "buổi làm việc, hội nghị", "signing": "lễ ký kết",
              "award": "trao học bổng, khen thưởng", "news": "tin thường"}
CATEGORIES = {"meeting": "Hoạt động Hội", "signing": "Phối hợp", "award": "Học bổng",
              "news": "Tin tức"}
NOW_VARIABLE = "TINHOI_NOW"


class ScaffoldError(Exception):
    """The article cannot be created; the message tells the editor why and what to do."""


def now(timezone):
    """The current time in ``timezone`` (``TINHOI_NOW`` fixes it, for tests)."""
    tz = ZoneInfo(timezone)
    fixed = os.environ.get(NOW_VARIABLE)
    if fixed:
        moment = datetime.fromisoformat(fixed)
        return moment.astimezone(tz) if moment.tzinfo else moment.replace(tzinfo=tz)
    return datetime.now(tz)


def scaffold(title, kind, settings, when=None):
    """Return ``(relative path, text)`` of a new article of type ``kind``."""
    title = " ".join((title or "").split())
    if not title:
        raise ScaffoldError('thiếu tiêu đề — gõ make new TITLE="Tiêu đề bài viết" TYPE=meeting')
    kind = (kind or "news").strip().lower()
    if kind not in TYPES:
        raise ScaffoldError(f"loại bài '{kind}' không có — cần TYPE là meeting (làm việc, hội "
                            "nghị), signing (ký kết), award (học bổng, khen thưởng) hoặc news "
                            "(tin thường)")
    when = when or now(settings.get("TIMEZONE", "Asia/Ho_Chi_Minh"))
    slug = slugify(title, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
    if not slug:
        raise ScaffoldError(f"không tạo được tên tệp từ tiêu đề '{title}' — cần tiêu đề có chữ")
    return f"{when:%Y}/{slug}.md", _text(title, kind, slug, when)


def create(title, kind, settings, when=None):
    """Write the new article below ``settings['PATH']``; return its path."""
    relative, text = scaffold(title, kind, settings, when)
    path = os.path.join(settings["PATH"], relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"đã có tệp {os.path.relpath(path)} — không ghi đè; mở tệp đó để "
                            "sửa, hoặc chọn tiêu đề khác") from None
    return path


def _scalar(text):
    try:
        plain = yaml.load(f"k: {text}", Loader=yaml.BaseLoader) == {"k": text}
    except yaml.YAMLError:
        plain = False
    return text if plain and " #" not in text else json.dumps(text, ensure_ascii=False)


def _text(title, kind, slug, when):
    day = f"{when:%d/%m/%Y}"
    lines = [
        "---",
        f"# Bài mới loại '{kind}' ({TYPE_NAMES[kind]}). Dòng bắt đầu bằng # là ghi chú, không"
        " hiện trên trang.",
        "# Điền các trường còn trống; trường nào không dùng thì để trống. Hướng dẫn đầy đủ:"
        " docs/huong-dan-bien-tap.md",
        "",
        "# Tiêu đề: ngắn gọn, nói rõ ai làm gì (bắt buộc).",
        f"title: {_scalar(title)}",
        "# Ngày giờ đăng, giờ Việt Nam (bắt buộc). Ngày giờ trong tương lai = hẹn đăng: bài tự"
        " lên trang ở lần xuất bản đầu tiên sau giờ đó.",
        f"date: {when:%d/%m/%Y %H:%M}",
        "# Trạng thái: draft = bản nháp, chỉ thấy khi xem trước (make devserver);",
        "# đổi thành published khi bài đã sẵn sàng đăng.",
        "status: draft",
        "# Phần cuối địa chỉ trang (chữ thường không dấu, nối bằng -). Nên giữ nguyên.",
        f"slug: {slug}",
        "# Một chuyên mục: Hoạt động Hội, Phối hợp, Học bổng hoặc Tin tức.",
        f"category: {CATEGORIES[kind]}",
        "# Thẻ: 2–5 thẻ chữ thường có dấu, trong đó có một thẻ địa phương,"
        " ví dụ [khuyến học, cầu giấy].",
        "tags: []",
        "# Tóm tắt một hai câu, hiện ở trang chủ và khi chia sẻ.",
        "summary:",
        "# Tác giả: một tên (PV) hoặc danh sách [PV, Minh Thư].",
        "author:",
        "# Ảnh đại diện: chép ảnh vào content/images/ rồi ghi images/ten-anh.jpg;",
        "# image_caption: chú thích (ai, làm gì, ở đâu); image_alt: tả những gì thấy trong ảnh.",
        "image:",
        "image_caption:",
        "image_alt:",
    ]
    if kind != "news":
        lines += _event_lines(kind, day)
    lines += ["---", "Đoạn mở đầu: ai, làm gì, khi nào, ở đâu.", ""]
    return "\n".join(lines)


def _event_lines(kind, day):
    lines = [
        "# Thông tin sự kiện (mục 5 của hướng dẫn). Các dòng bên trong thụt vào hai dấu cách.",
        "event:",
        f"  # Loại sự kiện: {kind} ({TYPE_NAMES[kind]}).",
        f"  type: {kind}",
        f"  # Ngày giờ bắt đầu, ví dụ {day} 08:00; để trống thì lấy ngày đăng bài.",
        "  date:",
        '  # Giờ kết thúc trong ngày, trong ngoặc kép, ví dụ "11:30".',
        "  end:",
        "  # Địa điểm, càng cụ thể càng tốt.",
        "  location:",
        "  # Đơn vị chủ trì, viết đúng tên chuẩn (mục 12 của hướng dẫn).",
        "  organizer:",
        "  # Các đơn vị khác tham dự, ví dụ [Hội Khuyến học Thành phố Hà Nội, Quận ủy Cầu Giấy].",
        "  organizations: []",
        "  # Đại biểu: mỗi người một dòng - {name: Họ tên đầy đủ, role: Chức vụ}.",
        "  participants: []",
    ]
    if kind == "signing":
        lines += [
            "  # Các bên ký (ít nhất hai): sửa hai dòng dưới thành tên đơn vị thật.",
            "  parties:",
            "    - Hội Khuyến học",
            "    - Đơn vị ký thứ hai",
            "  # Tên văn bản, chương trình được ký.",
            "  programme:",
            "  # Giai đoạn thực hiện, ví dụ: period: 2018–2020 (bỏ dấu # ở đầu dòng dưới).",
            "  # period: 2018–2020",
        ]
    elif kind == "award":
        lines += [
            "  # Tên học bổng, giải thưởng hoặc hình thức khen thưởng.",
            "  award:",
            "  # Số người nhận (ví dụ 150), hoặc danh sách - {name: Họ tên, note: Ghi chú}",
            "  # (bỏ dấu # ở đầu dòng dưới khi điền).",
            "  # recipients: 150",
            "  # Tổng giá trị bằng đồng, chỉ chữ số: 1,5 tỷ = 1500000000.",
            "  value:",
            "  # Đơn vị, cá nhân tài trợ.",
            "  sponsor:",
        ]
    return lines
