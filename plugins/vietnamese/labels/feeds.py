"""Words of the feeds and calendars: the "Theo dõi" page, feed titles and descriptions."""

LABELS = {
    "subscribe": "Theo dõi",
    "feeds": {
        # Feed titles ("<site> – ...") and descriptions; {name} is what the feed follows.
        "title_event_type": "Sự kiện: {name}",
        "title_category": "Chuyên mục: {name}",
        "title_tag": "Chủ đề: {name}",
        "title_organisation": "Đơn vị: {name}",
        "description_site": "Tin mới của {site}",
        "description_event_type": "Tin về các sự kiện loại “{name}” của {site}",
        "description_category": "Tin thuộc chuyên mục “{name}” của {site}",
        "description_tag": "Tin thuộc chủ đề “{name}” của {site}",
        "description_organisation": "Tin có đơn vị “{name}” tham gia, của {site}",
        # The "Theo dõi" page.
        "page_title": "Theo dõi tin của Hội",
        "intro": "Bạn không cần ngày nào cũng vào trang để xem có gì mới. Hãy để tin mới "
                 "tự đến với bạn qua nguồn tin (feed) hoặc lịch sự kiện.",
        "what_heading": "Nguồn tin (feed) là gì?",
        "what": "Nguồn tin là một địa chỉ mà các ứng dụng đọc tin (như Feedly, Inoreader, "
                "NetNewsWire, Thunderbird) theo dõi giúp bạn: mỗi khi Hội đăng bài mới, bài sẽ "
                "hiện trong ứng dụng, kèm ảnh và toàn bộ nội dung.",
        "how_heading": "Cách theo dõi",
        "how_steps": [
            "Chọn một nguồn tin bên dưới: tất cả bài viết, hoặc chỉ một loại sự kiện, "
            "chuyên mục, chủ đề hay đơn vị bạn quan tâm.",
            "Sao chép địa chỉ của nguồn tin (bấm chuột phải vào liên kết, chọn "
            "“Sao chép địa chỉ liên kết”).",
            "Mở ứng dụng đọc tin, chọn “Thêm nguồn tin” (Add feed / Subscribe) rồi dán "
            "địa chỉ vào.",
        ],
        "formats_note": "Atom và RSS là hai định dạng quen thuộc, ứng dụng nào cũng đọc được; "
                        "chọn định dạng nào cũng được. JSON Feed dành cho các ứng dụng mới.",
        "site_heading": "Tất cả bài viết",
        "site_name": "Mọi bài viết mới của Hội",
        "sections": {
            "event_type": "Theo loại sự kiện",
            "category": "Theo chuyên mục",
            "tag": "Theo chủ đề",
            "organisation": "Theo đơn vị",
        },
        "address": "Địa chỉ",
        "articles_count": "{n} bài",
        "none": "Trang chưa có nguồn tin nào.",
    },
    "calendars": {
        "heading": "Lịch sự kiện",
        "intro": "Thêm lịch sự kiện của Hội vào lịch trên điện thoại hoặc máy tính (Google "
                 "Lịch, Lịch của iPhone, Outlook): các buổi làm việc, lễ ký kết, lễ trao học "
                 "bổng sắp tới sẽ tự hiện, có giờ, địa điểm và liên kết tới bài viết. Lịch có "
                 "các sự kiện sắp diễn ra và sự kiện trong một năm qua.",
        "how": "Bấm “Thêm vào lịch” để ứng dụng lịch tự đăng ký theo dõi; hoặc sao chép địa "
               "chỉ tệp .ics rồi dán vào mục “Thêm lịch từ URL” (Google Lịch: Cài đặt → Thêm "
               "lịch → Từ URL).",
        "all": "Tất cả sự kiện",
        "by_type": "Sự kiện: {name}",
        "add": "Thêm vào lịch",
        "download": "Tệp .ics",
        "events_count": "{n} sự kiện",
        "title": "Lịch sự kiện – {site}",
        "title_type": "Lịch sự kiện: {name} – {site}",
        "description": "Các sự kiện của {site}",
        "read_more": "Xem bài viết",
    },
}
