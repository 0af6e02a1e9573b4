"""Words of the event indexes, organisation pages, tag pages and related articles."""

LABELS = {
    # Event indexes (plugin ``events``).
    "events": "Sự kiện",
    "events_all": "Tất cả sự kiện",
    "events_title": "Các sự kiện",
    "events_of_type": "Sự kiện: {type}",
    "events_of_year": "Sự kiện năm {year}",
    "events_upcoming": "Sắp diễn ra",
    "events_past": "Đã diễn ra",
    "events_by_type": "Theo loại sự kiện",
    "events_by_year": "Theo năm",
    "events_none": "Chưa có sự kiện nào.",
    "events_none_of_type": "Chưa có sự kiện nào thuộc loại “{type}”.",
    "events_none_upcoming": "Không có sự kiện nào sắp diễn ra.",
    "events_count": "{n} sự kiện",
    "events_read": "Xem bài viết",
    # Organisation pages (plugin ``organisations``).
    "organisations": "Tổ chức",
    "organisations_title": "Các tổ chức, đơn vị",
    "organisations_intro": "Các cơ quan, đơn vị đã cùng tham gia hoạt động của Hội.",
    "organisations_none": "Chưa có tổ chức nào.",
    "organisation": "Tổ chức",
    "organisation_events": "Các sự kiện đã tham gia",
    "organisation_role": "Vai trò",
    "organisation_roles": {
        "organizer": "đơn vị tổ chức",
        "party": "bên ký kết",
        "sponsor": "nhà tài trợ",
        "participant": "đơn vị tham gia",
    },
    "organisations_in_article": "Đơn vị liên quan",
    # Tags and related articles (plugin ``taxonomy``).
    "tags_title": "Các chủ đề",
    "tags_none": "Chưa có chủ đề nào.",
    "tag_articles_count": "{n} bài viết",
    "related": "Các tin khác",
    # Year and month archives.
    "archive_year": "năm {year}",
    "archive_month": "tháng {month} năm {year}",
    "archive_day": "ngày {day} tháng {month} năm {year}",
    "archive_month_short": "Tháng {month}",
    "archive_all_of_year": "Mọi bài viết năm {year} ({n})",
}
