"""``make import``: the two seed articles and a saved HTML page become valid articles."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from tests.conftest import FIXTURES, write_project_settings
from tinhoi.__main__ import main
from tinhoi.importer.article import recase

SEEDS = FIXTURES / "import_seeds"
MEETING = "thuong-truc-thanh-uy-tp-ho-chi-minh-lam-viec-voi-hoi-khuyen-hoc-thanh-pho"
SIGNING = ("ky-ket-chuong-trinh-phoi-hop-cong-tac-giua-hoi-khuyen-hoc-va-cac-ban-nganh-doan-the-"
           "quan")
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project (settings pointing at our theme and plugins) to import into."""
    (tmp_path / "content").mkdir()
    write_project_settings(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *args):
    status = main(list(args))
    return status, capsys.readouterr().out


def front_matter(path):
    text = path.read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    return yaml.load(head.removeprefix("---\n"), Loader=yaml.BaseLoader), body, text


def test_seeds_import_into_articles_that_pass_the_check(project, capsys):
    status, report = run(capsys, "import", str(SEEDS))
    assert status == 0, report
    meeting = project / "content" / "2018" / f"{MEETING}.md"
    signing = project / "content" / "2018" / f"{SIGNING}.md"
    assert meeting.is_file() and signing.is_file()
    assert "Đã nhập 2/2 bài" in report

    status, checked = run(capsys, "check")
    assert status == 0, checked
    assert checked.strip().endswith("Đã kiểm tra 2 tệp: 0 lỗi, 0 cảnh báo.")


def test_seed_dates_titles_and_event_types(project, capsys):
    run(capsys, "import", str(SEEDS))
    meta, body, text = front_matter(project / "content" / "2018" / f"{SIGNING}.md")
    assert meta["title"] == ("Ký kết chương trình phối hợp công tác giữa Hội Khuyến học và các ban "
                             "ngành đoàn thể quận giai đoạn 2018 – 2020")
    assert meta["date"] == "17/08/2018 11:07"
    assert meta["status"] == "draft"
    assert meta["event"]["type"] == "signing"
    assert meta["event"]["organizer"] == "Hội Khuyến học"
    assert len(meta["event"]["parties"]) >= 2
    assert "Đoàn TNCS Hồ Chí Minh" in meta["event"]["parties"]
    assert meta["event"]["period"] == "2018–2020"
    assert meta["author"] == "Hội Khuyến học quận"
    assert re.search(r"^  type: signing$", text, re.M)

    meta, body, text = front_matter(project / "content" / "2018" / f"{MEETING}.md")
    assert meta["title"] == ("Thường trực Thành ủy TP. Hồ Chí Minh làm việc với Hội Khuyến học "
                             "thành phố")
    assert meta["date"] == "08/03/2018"  # "Sáng ngày 08/03/2018": a day, no time of day
    assert meta["author"] == "PV"
    assert meta["event"]["type"] == "meeting"
    assert meta["event"]["location"].startswith("Phòng họp của Thành ủy, số 56 Trương Định")
    assert "Sở Giáo dục và Đào tạo" in meta["event"]["organizations"]
    assert {"name": "Tất Thành Cang", "role": "Phó Bí thư Thường trực Thành ủy"} in \
        meta["event"]["participants"]


def test_every_guess_is_marked_for_the_editor(project, capsys):
    run(capsys, "import", str(SEEDS))
    _, _, text = front_matter(project / "content" / "2018" / f"{MEETING}.md")
    lines = text.splitlines()
    for name in ("title", "date", "category", "tags", "summary", "event", "  location",
                 "  organizer", "  organizations", "  participants"):
        line = next(line for line in lines if line.startswith(f"{name}:"))
        assert "# KIỂM TRA:" in line, line
    assert next(line for line in lines if line.startswith("author:")) == "author: PV"


def test_body_keeps_paragraphs_lists_and_captions_and_drops_site_chrome(project, capsys):
    _, report = run(capsys, "import", str(SEEDS))
    _, body, _ = front_matter(project / "content" / "2018" / f"{MEETING}.md")
    for chrome in ("Các tin khác", "Bản quyền", "Giấy phép", "Tác giả bài viết", "View count"):
        assert chrome not in body
    # "·" bullets and the nine tasks joined by ";" became list items
    assert "\n- Tăng cường quản lý nhà nước" in body
    assert "\n- Tổ chức học tập quán triệt" in body and "\n- Tham mưu Ủy ban" in body
    # a short line after a blank gap describing a photo is an italic caption, marked
    caption = ("*Bà Nguyễn Thị Thu Hoài - Trưởng phòng Khoa giáo Ban Tuyên giáo Thành ủy đánh giá "
               "hoạt động khuyến học 2017 của HKH Thành phố*")
    position = body.index(caption)
    assert "[//]: # (KIỂM TRA: chú thích một ảnh" in body[position - 300:position]
    assert "\n> ….Củng cố, xây dựng Hội Khuyến học" in "\n" + body  # the quoted directive

    _, body, _ = front_matter(project / "content" / "2018" / f"{SIGNING}.md")
    assert "Ngày đăng" not in body and "View count" not in body
    assert "\n- Đoàn TNCS Hồ Chí Minh: phối hợp tổ chức tọa đàm" in body
    assert body.startswith("Ngày 17/8/2018, Hội khuyến học chủ trì")
    # what was dropped and what found no place are reported with their line
    assert "đã bỏ (phần của trang cũ) dòng 4: View count: 628" in report
    assert "chưa đặt được dòng 1: ỦY BAN MẶT TRẬN TỔ QUỐC VÀ CÁC ĐOÀN THỂ" in report


def test_marks_in_the_body_do_not_reach_the_built_page(project, capsys, tmp_path):
    from tests.conftest import run_build

    run(capsys, "import", str(SEEDS), "--publish")
    output = run_build(project / "content", tmp_path / "output")
    page = (output / "2018" / MEETING / "index.html").read_text(encoding="utf-8")
    assert "KIỂM TRA" not in page
    assert "<em>Bà Nguyễn Thị Diệu Anh -Chủ tịch HKH Q10 phát biểu bổ sung" in page


def test_import_never_overwrites(project, capsys):
    run(capsys, "import", str(SEEDS / "003_ea0873f121baea82.txt"))
    target = project / "content" / "2018" / f"{SIGNING}.md"
    target.write_text(target.read_text(encoding="utf-8") + "\nĐã sửa tay.\n", encoding="utf-8")
    before = target.read_bytes()
    status, report = run(capsys, "import", str(SEEDS / "003_ea0873f121baea82.txt"))
    assert status == 1
    assert "KHÔNG NHẬP" in report and "không ghi đè" in report
    assert target.read_bytes() == before


def test_saved_html_page_with_its_photo(project, capsys):
    status, report = run(capsys, "import", str(FIXTURES / "import_html" / "trao-hoc-bong.html"))
    assert status == 0, report
    slug = "trao-120-suat-hoc-bong-cho-hoc-sinh-vuot-kho"
    meta, body, _ = front_matter(project / "content" / "2019" / f"{slug}.md")
    assert meta["title"] == "Trao 120 suất học bổng cho học sinh vượt khó"
    assert meta["date"] == "05/12/2019 09:15"
    assert meta["author"] == "Minh Thư"
    assert meta["event"]["type"] == "award"
    assert meta["event"]["recipients"] == "120"
    assert meta["event"]["value"] == "240000000"
    assert meta["event"]["location"] == "Hội trường UBND quận 10"
    photo = project / "content" / "images" / f"{slug}-1.jpg"
    assert photo.read_bytes() == (FIXTURES / "import_html" / "trao-hoc-bong_files" /
                                  "anh-trao-hoc-bong.jpg").read_bytes()
    assert (f'![Bà Trần Thị Lan trao học bổng cho các em học sinh](images/{slug}-1.jpg '
            '"Bà Trần Thị Lan trao học bổng cho các em học sinh")') in body
    assert "**Sáng ngày 05/12/2019, tại Hội trường UBND quận 10" in body
    assert "- 60 học sinh tiểu học;\n- 40 học sinh trung học cơ sở;" in body
    assert "khuyenhoc-q10.example.vn/uploads/anh-2.jpg" in body  # a remote photo, marked
    for chrome in ("Trang chủ", "Các tin khác", "Bản quyền", "Lượt xem", "tracker", "color"):
        assert chrome not in body
    assert "đã bỏ (phần của trang cũ) dòng 32: Các tin khác" in report
    status, checked = run(capsys, "check")
    assert status == 0, checked


def test_a_file_that_is_not_utf8_is_reported_not_imported(project, capsys, tmp_path):
    source = tmp_path / "cu.txt"
    source.write_bytes("Tiêu đề\n\nNội dung".encode("utf-16"))
    status, report = run(capsys, "import", str(source))
    assert status == 1
    assert "không phải văn bản UTF-8" in report
    assert not any((project / "content").iterdir())


def test_recase_takes_the_capitals_the_article_uses():
    body = ("Hôm nay Thường trực Thành ủy làm việc với Hội Khuyến học Thành phố. "
            "Hội Khuyến học Thành phố báo cáo.")
    assert recase("THƯỜNG TRỰC THÀNH ỦY LÀM VIỆC VỚI HỘI KHUYẾN HỌC THÀNH PHỐ", body) == \
        "Thường trực Thành ủy làm việc với Hội Khuyến học Thành phố"


def test_date_is_local_time(project, capsys):
    run(capsys, "import", str(SEEDS / "003_ea0873f121baea82.txt"))
    from tinhoi_content.contract import check_file

    result = check_file(str(project / "content" / "2018" / f"{SIGNING}.md"),
                        str(project / "content"))
    assert result.metadata["date"] == datetime(2018, 8, 17, 11, 7, tzinfo=HCM)
    assert result.metadata["event"]["type"] == "signing"
