"""Generate a synthetic corpus of Vietnamese association news for benchmarks.

``python bench/gen_corpus.py OUT --articles 2000`` writes ``OUT/content/`` with
N articles (400–1,200 words, 3–6 tags, an event on most of them, organisations,
some photos) that pass the article contract.  Deterministic for a given seed.
``--flavour pelican`` and ``--flavour hugo`` write the same articles with the header
stock Pelican or Hugo reads.
"""

import argparse
import json
import random
from pathlib import Path

WORDS = (
    "hội khuyến học thành phố quận huyện phường xã trường học sinh sinh viên giáo viên "
    "học bổng khuyến tài xã hội học tập cộng đồng trung tâm phong trào gia đình dòng họ "
    "tuyên truyền vận động phối hợp chương trình kế hoạch năm học tổng kết sơ kết báo cáo "
    "kết quả hoạt động nhiệm vụ trọng tâm đề xuất chỉ đạo lãnh đạo đại biểu hội nghị buổi "
    "làm việc ký kết trao tặng khen thưởng tuyên dương gương sáng vượt khó vươn lên thư viện "
    "tủ sách quỹ heo đất tiết kiệm nâng cao chất lượng hiệu quả mô hình đánh giá công nhận "
    "phát triển hội viên chi hội ban chấp hành thường vụ thường trực mặt trận tổ quốc đoàn "
    "thanh niên phụ nữ cựu chiến binh người cao tuổi luật gia doanh nghiệp nhà tài trợ"
).split()
ORGS = [
    "Hội Khuyến học Thành phố Hồ Chí Minh",
    "Hội Khuyến học quận Cầu Giấy",
    "Đoàn TNCS Hồ Chí Minh quận Cầu Giấy",
    "Hội Cựu chiến binh quận Cầu Giấy",
    "Hội Liên hiệp Phụ nữ quận Cầu Giấy",
    "Phòng Giáo dục và Đào tạo quận Cầu Giấy",
    "Sở Giáo dục và Đào tạo TP. Hồ Chí Minh",
    "Hội Người cao tuổi quận Cầu Giấy",
    "Hội Luật gia quận Cầu Giấy",
    "Ủy ban Mặt trận Tổ quốc quận 3",
    "Hội Khuyến học quận 10",
    "Trường THCS Nguyễn Du",
    "Trường Tiểu học Lê Quý Đôn",
    "Công ty Cổ phần Sách Việt",
]
TAGS = [
    "khuyến học",
    "khuyến tài",
    "xã hội học tập",
    "học bổng",
    "ký kết",
    "hội nghị",
    "cộng đồng học tập",
    "heo đất",
    "thư viện",
    "gia đình học tập",
    "thanh niên",
    "cựu chiến binh",
    "phụ nữ",
    "người cao tuổi",
    "cầu giấy",
    "tp. hồ chí minh",
]
CATEGORIES = ["Hoạt động Hội", "Học bổng", "Phối hợp", "Tin tức"]
PLACES = [
    "Hội trường UBND quận Cầu Giấy",
    "56 Trương Định, phường 7, quận 3",
    "Nhà văn hóa quận 10",
    "Trường THCS Nguyễn Du",
]


def sentence(rng):
    words = rng.choices(WORDS, k=rng.randint(8, 18))
    return " ".join(words).capitalize() + "."


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def body(rng, photos):
    target = rng.randint(400, 1200)
    parts, count = [], 0
    while count < target:
        text = paragraph(rng)
        parts.append(text)
        count += len(text.split())
        if photos and rng.random() < 0.08:
            photo = rng.choice(photos)
            parts.append(f'![{sentence(rng)}](/images/{photo} "{sentence(rng)}")')
        if rng.random() < 0.1:
            parts.append("\n".join(f"- {sentence(rng)}" for _ in range(3)))
    return "\n\n".join(parts)


def event_block(rng, kind, when):
    lines = [
        "event:",
        f"  type: {kind}",
        f"  date: {when:%Y-%m-%d} {rng.randint(7, 15)}:00",
        f"  location: {rng.choice(PLACES)}",
        f"  organizer: {rng.choice(ORGS)}",
        f"  organizations: [{', '.join(rng.sample(ORGS, 2))}]",
    ]
    if kind == "signing":
        start = when.year
        lines += [
            f"  parties: [{', '.join(rng.sample(ORGS, rng.randint(2, 4)))}]",
            "  programme: Chương trình phối hợp khuyến học, khuyến tài",
            f"  period: {start}–{start + 2}",
        ]
    elif kind == "award":
        lines += [
            f"  award: Học bổng Khuyến tài năm {when.year}",
            f"  recipients: {rng.randint(10, 300)}",
            f"  value: {rng.randint(1, 300) * 1_000_000}",
            f"  sponsor: {rng.choice(ORGS)}",
        ]
    return lines


def pelican_header(lines):
    """The same article's header as stock Pelican's Markdown reader wants it (no event)."""
    import datetime

    fields = {}
    for line in lines[1:]:
        if line.startswith(" ") or ":" not in line:
            continue
        name, value = line.split(":", 1)
        fields[name] = value.strip()
    when = datetime.datetime.strptime(fields["date"], "%d/%m/%Y %H:%M")
    out = [
        f"Title: {fields['title']}",
        f"Date: {when:%Y-%m-%d %H:%M}",
        f"Category: {fields['category']}",
        f"Tags: {fields['tags'].strip('[]')}",
        f"Author: {fields['author']}",
        f"Summary: {fields['summary']}",
    ]
    return "\n".join(out) + "\n\n"


# tinhoi's event-type slugs (plugins/events EVENTS_TYPE_SLUGS): Hugo's event-type pages
# get the same URLs as tinhoi's, /su-kien/lam-viec/ and so on.
EVENT_TYPE_SLUGS = {"meeting": "lam-viec", "signing": "ky-ket", "award": "khen-thuong"}
# The event fields that name organisations, as tinhoi's organisations plugin reads them.
ORGANISATION_FIELDS = ("organizer", "parties", "sponsor", "organizations")


def header_fields(lines):
    """The tinhoi header's top-level fields and its ``event:`` block, as two dicts of strings."""
    fields, event = {}, {}
    for line in lines[1:]:
        if ":" not in line:
            continue
        name, value = line.split(":", 1)
        target = event if line.startswith(" ") else fields
        target[name.strip()] = value.strip()
    return fields, event


def yaml_value(value):
    """A YAML scalar or flow list; JSON strings are valid YAML and need no escaping rules."""
    if value.startswith("[") and value.endswith("]"):
        items = [item.strip() for item in value[1:-1].split(",")]
        return "[" + ", ".join(json.dumps(item, ensure_ascii=False) for item in items) + "]"
    if value.isdigit():
        return value
    return json.dumps(value, ensure_ascii=False)


def hugo_event(event):
    """The event as page params, with its type and organisations as taxonomy terms."""
    import datetime

    out = [f"event_type: {event['type']}", f"events: [{EVENT_TYPE_SLUGS[event['type']]}]"]
    names = []
    for field in ORGANISATION_FIELDS:
        value = event.get(field, "")
        names += value.strip("[]").split(", ") if value.startswith("[") else [value]
    organisations = list(dict.fromkeys(name for name in names if name))
    out.append(f"organisations: {yaml_value('[' + ', '.join(organisations) + ']')}")
    out.append("event:")
    for name, value in event.items():
        if name == "date":
            # A YAML timestamp, so that Hugo's templates get a time.Time with its zone.
            when = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M")
            out.append(f"  date: {when:%Y-%m-%dT%H:%M:%S}+07:00")
        else:
            out.append(f"  {name}: {yaml_value(value)}")
    return out


def hugo_header(lines):
    """The same article's front matter as Hugo reads it: ISO dates in +07:00, lists, params."""
    import datetime

    fields, event = header_fields(lines)
    when = datetime.datetime.strptime(fields["date"], "%d/%m/%Y %H:%M")
    out = [
        "---",
        f"title: {yaml_value(fields['title'])}",
        f"date: {when:%Y-%m-%dT%H:%M:%S}+07:00",
        f"categories: {yaml_value('[' + fields['category'] + ']')}",
        f"tags: {yaml_value(fields['tags'])}",
        f"author: {yaml_value(fields['author'])}",
        f"authors: {yaml_value('[' + fields['author'] + ']')}",
        f"summary: {yaml_value(fields['summary'])}",
    ]
    out += [f"{name}: {yaml_value(fields[name])}"
            for name in ("image", "image_caption", "image_alt") if name in fields]
    if event:
        out += hugo_event(event)
    return "\n".join(out) + "\n---\n"


def article(rng, index, photos):
    import datetime

    when = datetime.datetime(2015, 1, 1) + datetime.timedelta(
        days=rng.randint(0, 3650), minutes=rng.randint(0, 1439)
    )
    title = f"{sentence(rng)[:-1]} số {index}"
    lines = [
        "---",
        f"title: {title}",
        f"date: {when:%d/%m/%Y %H:%M}",
        f"category: {rng.choice(CATEGORIES)}",
        f"tags: [{', '.join(rng.sample(TAGS, rng.randint(3, 6)))}]",
        "author: PV",
        f"summary: {sentence(rng)}",
    ]
    if photos and rng.random() < 0.5:
        lines += [
            f"image: /images/{rng.choice(photos)}",
            f"image_caption: {sentence(rng)}",
            f"image_alt: {sentence(rng)}",
        ]
    if rng.random() < 0.8:
        lines += event_block(rng, rng.choice(["meeting", "signing", "award"]), when)
    lines.append("---")
    return when, "\n".join(lines) + "\n" + body(rng, photos) + "\n"


def make_photos(folder, count, rng):
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for index in range(count):
        image = Image.new("RGB", (1600, 1067), tuple(rng.randint(40, 220) for _ in range(3)))
        draw = ImageDraw.Draw(image)
        for _ in range(12):
            x, y = rng.randint(0, 1500), rng.randint(0, 1000)
            draw.ellipse(
                (x, y, x + 200, y + 200), fill=tuple(rng.randint(0, 255) for _ in range(3))
            )
        name = f"anh-{index:03d}.jpg"
        image.save(folder / name, quality=85)
        names.append(name)
    return names


def generate(out, articles, photos=20, seed=2018, flavour="tinhoi"):
    """Write the corpus into ``out/content`` and return that folder.

    ``flavour="pelican"`` writes the same articles (same bodies, titles, dates,
    categories, tags, summaries) with stock Pelican's ``Key: value`` header and no
    event block, for the comparison with Pelican without plugins.  ``flavour="hugo"``
    writes them with a YAML front matter Hugo reads, the event as page params and its
    type and organisations as taxonomy terms.  The flavour only rewrites the header
    after the article is drawn, so every flavour draws the same random sequence.
    """
    rng = random.Random(seed)
    content = Path(out) / "content"
    photo_names = make_photos(content / "images", photos, rng) if photos else []
    for index in range(articles):
        when, text = article(rng, index, photo_names)
        if flavour == "pelican":
            header, _, body_text = text.partition("\n---\n")
            text = pelican_header(header.split("\n")) + body_text
        elif flavour == "hugo":
            header, _, body_text = text.partition("\n---\n")
            text = hugo_header(header.split("\n")) + body_text
        path = content / str(when.year) / f"bai-{index:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return content


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--photos", type=int, default=20)
    parser.add_argument("--flavour", choices=("tinhoi", "pelican", "hugo"), default="tinhoi")
    args = parser.parse_args()
    print(generate(args.out, args.articles, args.photos, flavour=args.flavour))


if __name__ == "__main__":
    main()
