"""The article contract: what editors write, what it means, and every way to get it wrong."""

import os
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from tinhoi_content.contract import check_file, check_source

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def content(tmp_path):
    root = tmp_path / "content"
    (root / "2018").mkdir(parents=True)
    (root / "images").mkdir()
    (root / "images" / "anh.jpg").write_bytes(b"\xff\xd8\xff fake jpeg")
    return root


def check(content, front, body="Nội dung.", **options):
    path = content / "2018" / "bai.md"
    text = f"---\n{front.strip()}\n---\n{body}\n"
    path.write_text(text, encoding="utf-8")
    return check_source(text, str(path), str(content), **options)


def only(result, level="error"):
    found = [p for p in result.problems if p.level == level]
    assert len(found) == 1, [str(p) for p in result.problems]
    return found[0]


# -- what good input means -------------------------------------------------------

@pytest.mark.parametrize("written, expected", [
    ("2018-08-17", datetime(2018, 8, 17, 0, 0, tzinfo=HCM)),
    ("2018-08-17 11:07", datetime(2018, 8, 17, 11, 7, tzinfo=HCM)),
    ("17/08/2018", datetime(2018, 8, 17, 0, 0, tzinfo=HCM)),
    ("17/08/2018 11:07", datetime(2018, 8, 17, 11, 7, tzinfo=HCM)),
    ("17/8/2018 9h30", datetime(2018, 8, 17, 9, 30, tzinfo=HCM)),
    # YAML 1.1 would make this a naive datetime; the editor meant Vietnamese time.
    ("2018-08-17 11:07:00", datetime(2018, 8, 17, 11, 7, tzinfo=HCM)),
    # An explicit offset is converted to the site's time zone.
    ("2018-08-17T04:07:00Z", datetime(2018, 8, 17, 11, 7, tzinfo=HCM)),
])
def test_dates_in_every_accepted_form(content, written, expected):
    result = check(content, f"title: T\ndate: {written}")
    assert result.problems == []
    assert result.metadata["date"] == expected
    assert result.metadata["date"].utcoffset().total_seconds() == 7 * 3600


def test_unquoted_time_is_a_time_not_the_integer_540(content):
    result = check(content, """
title: Hội nghị
date: 2018-03-08
event:
  type: meeting
  date: 2018-03-08 9:00
  end: 11:30
""")
    assert result.problems == []
    event = result.metadata["event"]
    assert (event["date"].hour, event["date"].minute) == (9, 0)
    assert (event["end"].hour, event["end"].minute) == (11, 30)
    assert event["has_time"] is True


def test_decomposed_text_is_normalised_to_nfc(content):
    decomposed = unicodedata.normalize("NFD", "Hội Khuyến học Đà Nẵng")
    result = check(content, f"title: {decomposed}\ndate: 2018-08-17\ntags: [{decomposed}]",
                   body=decomposed)
    assert result.metadata["title"] == unicodedata.normalize("NFC", decomposed)
    assert unicodedata.is_normalized("NFC", result.metadata["tags"][0])
    assert unicodedata.is_normalized("NFC", result.body)


def test_tags_as_list_or_comma_string_and_authors(content):
    a = check(content, "title: T\ndate: 2018-08-17\ntags: ký kết, khuyến học\nauthor: PV")
    b = check(content, "title: T\ndate: 2018-08-17\ntags: [ký kết, khuyến học]\n"
                       "author: [PV, Ban biên tập]")
    assert a.metadata["tags"] == b.metadata["tags"] == ["ký kết", "khuyến học"]
    assert a.metadata["authors"] == ["PV"]
    assert b.metadata["authors"] == ["PV", "Ban biên tập"]


def test_signing_event_with_all_its_facts(content):
    result = check(content, """
title: Ký kết
date: 17/08/2018 11:07
event:
  type: signing
  location: Hội trường quận
  organizer: Hội Khuyến học quận Cầu Giấy
  organizations: [Quận ủy Cầu Giấy]
  participants:
    - {name: Nguyễn Thị Ngọc Minh, role: Chủ tịch Hội Khuyến học Thành phố}
    - Phương Kiến Quốc
  parties: [Hội Khuyến học quận Cầu Giấy, Hội Cựu chiến binh quận Cầu Giấy]
  programme: Khuyến học – Khuyến tài
  period: 2018–2020
""")
    assert result.problems == []
    event = result.metadata["event"]
    assert event["type"] == "signing"
    assert event["date"] == result.metadata["date"]  # defaults to the article's
    assert event["period"] == {"from": 2018, "to": 2020}
    assert event["participants"][0] == {"name": "Nguyễn Thị Ngọc Minh",
                                        "role": "Chủ tịch Hội Khuyến học Thành phố"}
    assert event["participants"][1] == {"name": "Phương Kiến Quốc", "role": ""}
    assert len(event["parties"]) == 2


@pytest.mark.parametrize("period", ["{from: 2018, to: 2020}", "2018-2020", "2018 – 2020"])
def test_period_forms(content, period):
    result = check(content, f"title: T\ndate: 2018-08-17\nevent:\n  type: signing\n"
                            f"  parties: [A, B]\n  period: {period}")
    assert result.metadata["event"]["period"] == {"from": 2018, "to": 2020}


def test_award_with_count_and_money_written_with_dots(content):
    result = check(content, """
title: Trao học bổng
date: 2018-09-05
event:
  type: award
  award: Học bổng Khuyến tài 1&1
  recipients: 120
  value: 1.500.000.000
  sponsor: Công ty Ví dụ
""")
    assert result.problems == []
    event = result.metadata["event"]
    assert (event["recipients_count"], event["value"]) == (120, 1_500_000_000)


def test_award_recipients_as_a_list(content):
    result = check(content, """
title: Trao học bổng
date: 2018-09-05
event:
  type: award
  recipients:
    - {name: Nguyễn Văn An, note: lớp 9}
    - {name: Trần Thị Bình}
""")
    event = result.metadata["event"]
    assert event["recipients_count"] == 2
    assert event["recipients"][0] == {"name": "Nguyễn Văn An", "note": "lớp 9"}


def test_vietnamese_event_type_is_understood(content):
    result = check(content, "title: T\ndate: 2018-08-17\nevent:\n  type: Ký kết\n"
                            "  parties: [A, B]")
    assert result.metadata["event"]["type"] == "signing"


def test_photos_relative_to_article_or_content(content):
    result = check(content, "title: T\ndate: 2018-08-17\nimage: ../images/anh.jpg\n"
                            "image_alt: Ảnh", body='![Ảnh](images/anh.jpg "Chú thích")')
    assert result.problems == []
    assert result.metadata["image"] == "images/anh.jpg"
    assert result.photos == [("images/anh.jpg", 4), ("images/anh.jpg", 7)]


# -- every bad input gets path:line and what is expected --------------------------

def test_malformed_yaml_names_the_line(content):
    result = check(content, "title: T\ndate: 2018-08-17\nlocation: Hội trường: tầng 2")
    problem = only(result)
    assert problem.line == 4
    assert str(problem).startswith(f"{problem.path}:4: ")
    assert "YAML" in problem.message and "ngoặc kép" in problem.message
    assert not result.is_buildable


def test_missing_front_matter(content):
    path = content / "2018" / "bai.md"
    result = check_source("Chỉ có nội dung.\n", str(path), str(content))
    assert only(result).line == 1
    assert "---" in only(result).message


def test_unclosed_front_matter(content):
    path = content / "2018" / "bai.md"
    result = check_source("---\ntitle: T\n", str(path), str(content))
    assert "không được đóng" in only(result).message


def test_missing_title_and_date_are_both_reported(content):
    result = check(content, "category: Tin tức")
    messages = [p.message for p in result.problems]
    assert any("tiêu đề" in m and "title" in m for m in messages)
    assert any("ngày đăng" in m and "date" in m for m in messages)
    assert not result.is_buildable


def test_a_page_needs_no_date(content):
    path = content / "pages" / "gioi-thieu.md"
    result = check_source("---\ntitle: Giới thiệu\n---\nNội dung\n", str(path), str(content),
                          is_page=True)
    assert result.problems == []


def test_unknown_event_type_suggests_the_right_one(content):
    result = check(content, "title: T\ndate: 2018-08-17\nevent:\n  type: meting")
    problem = only(result)
    assert problem.line == 5
    assert "'meting'" in problem.message and "có phải 'meeting'" in problem.message
    assert not result.is_buildable


def test_impossible_date(content):
    problem = only(check(content, "title: T\ndate: 31/02/2018"))
    assert problem.line == 3
    assert "không có thật" in problem.message


@pytest.mark.parametrize("written", ["hôm qua", "2018/13/45", "17-08-18", "25:00 17/08/2018"])
def test_date_that_does_not_parse(content, written):
    problem = only(check(content, f"title: T\ndate: {written}"))
    assert problem.line == 3
    assert "17/08/2018" in problem.message  # says what is expected


def test_impossible_time(content):
    assert "giờ" in only(check(content, "title: T\ndate: 17/08/2018 25:07")).message


def test_signing_needs_two_parties(content):
    result = check(content, "title: T\ndate: 2018-08-17\nevent:\n  type: signing\n"
                            "  parties: [Hội Khuyến học quận]")
    problem = only(result)
    assert problem.line == 6
    assert "hai bên" in problem.message


def test_signing_without_parties(content):
    problem = only(check(content, "title: T\ndate: 2018-08-17\nevent:\n  type: signing"))
    assert problem.line == 4 and "hai bên" in problem.message


def test_negative_award_value(content):
    result = check(content, "title: T\ndate: 2018-08-17\nevent:\n  type: award\n"
                            "  value: -5000000")
    problem = only(result)
    assert problem.line == 6
    assert "âm" in problem.message


def test_award_value_that_is_not_money(content):
    problem = only(check(content, "title: T\ndate: 2018-08-17\nevent:\n  type: award\n"
                                  "  value: nhiều tiền"))
    assert "không phải số tiền" in problem.message


def test_unknown_field_is_a_warning_with_did_you_mean(content):
    result = check(content, "title: T\ndate: 2018-08-17\ntgas: [a]")
    problem = only(result, "warning")
    assert problem.line == 4
    assert "có phải 'tags'" in problem.message
    assert result.is_buildable and not [p for p in result.problems if p.level == "error"]


def test_unknown_event_field_and_field_of_another_type(content):
    result = check(content, "title: T\ndate: 2018-08-17\nevent:\n  type: meeting\n"
                            "  locaton: X\n  parties: [A, B]")
    warnings = sorted((p.line, p.message) for p in result.problems if p.level == "warning")
    assert warnings[0][0] == 6 and "có phải 'location'" in warnings[0][1]
    assert warnings[1][0] == 7 and "signing" in warnings[1][1]


def test_missing_photo(content):
    result = check(content, "title: T\ndate: 2018-08-17\nimage: images/khong-co.jpg")
    problem = only(result)
    assert problem.line == 4 and "không tìm thấy ảnh" in problem.message
    assert result.is_buildable  # built without the photo, but make check fails


def test_missing_photo_in_the_body(content):
    result = check(content, "title: T\ndate: 2018-08-17",
                   body="Đoạn một.\n\n![Ảnh](images/mat.jpg)")
    problem = only(result)
    assert problem.line == 7  # --- title date --- then body lines 5, 6, 7


@pytest.mark.parametrize("reference", ["../../../../etc/passwd", "/../../outside.jpg"])
def test_photo_outside_content(content, reference):
    (content.parent / "outside.jpg").write_bytes(b"x")
    problem = only(check(content, f"title: T\ndate: 2018-08-17\nimage: {reference}"))
    assert "ngoài thư mục content/" in problem.message


def test_photo_symlink_leaving_content(content, tmp_path):
    (tmp_path / "secret.jpg").write_bytes(b"x")
    (content / "images" / "link.jpg").symlink_to(tmp_path / "secret.jpg")
    problem = only(check(content, "title: T\ndate: 2018-08-17\nimage: images/link.jpg"))
    assert "ngoài thư mục content/" in problem.message


def test_photo_from_another_site(content):
    problem = only(check(content, "title: T\ndate: 2018-08-17\nimage: https://x.example/a.jpg"))
    assert "nơi khác" in problem.message


def test_photo_without_alt_text_is_a_warning(content):
    result = check(content, "title: T\ndate: 2018-08-17", body="![](images/anh.jpg)")
    assert "thiếu mô tả" in only(result, "warning").message


def test_duplicate_field(content):
    problem = only(check(content, "title: T\ntitle: U\ndate: 2018-08-17"))
    assert problem.line == 3 and "hai lần" in problem.message


def test_event_that_ends_before_it_starts(content):
    problem = only(check(content, "title: T\ndate: 2018-08-17\nevent:\n  type: meeting\n"
                                  "  date: 2018-08-17 14:00\n  end: '9:00'"))
    assert problem.line == 7 and "trước lúc bắt đầu" in problem.message


def test_every_problem_of_a_file_at_once(content):
    result = check(content, """
date: 31/02/2018
tgas: x
image: images/khong.jpg
event:
  type: signing
  parties: [A]
  period: 2020-2018
""")
    assert len(result.problems) == 6, [str(p) for p in result.problems]


def test_file_that_is_not_utf8(content):
    path = content / "2018" / "cu.md"
    path.write_bytes(b"---\ntitle: H\xf4i ngh\xf2\n---\n")  # cp1258 bytes
    result = check_file(str(path), str(content))
    assert "UTF-8" in only(result).message


def test_link_to_a_missing_article_is_a_warning(content):
    (content / "2018" / "co-that.md").write_text("---\ntitle: A\ndate: 2018-01-01\n---\n")
    result = check(content, "title: T\ndate: 2018-08-17",
                   body="Xem [bài cũ](co-that.md) và [bài mất](../2017/mat.md#phan-2).")
    problem = only(result, "warning")
    assert problem.line == 5 and "'../2017/mat.md#phan-2'" in problem.message


def test_the_files_a_result_depends_on_are_noted(content):
    """A cached result is only reused while the same file is found at each path it looked
    for (or still none): the real file, so that a link pointed elsewhere counts."""
    result = check(content, "title: T\ndate: 2018-08-17\nimage: images/anh.jpg\nimage_alt: Ảnh",
                   body="![Ảnh](images/chua-co.jpg) và [bài](../2017/chua-co.md)")
    probes = {os.path.relpath(path, content): found for path, found in result.probes.items()}
    assert probes["images/anh.jpg"] == os.path.realpath(content / "images" / "anh.jpg")
    assert probes["images/chua-co.jpg"] is None
    assert probes["2017/chua-co.md"] is None


def test_every_photo_or_link_the_body_check_finds_holds_the_string_it_looks_for_first():
    """The body's photos and links are searched for only in a body holding ``](``:
    every match of either expression holds it (random texts of Markdown's characters)."""
    import random

    from tinhoi_content.contract import BODY_LINK, BODY_PHOTO

    alphabet = list("![]()<>\"' \n\tađ.md/#:") + ["](", "![", ".md", "http://"]
    rng = random.Random(5)
    matched = 0
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        for pattern in (BODY_LINK, BODY_PHOTO):
            if pattern.search(text):
                matched += 1
                assert "](" in text, (pattern.pattern, text)
    assert matched > 100
