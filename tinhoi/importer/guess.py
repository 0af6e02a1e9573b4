"""Guessing an old article's event: its type, organisations, place, parties and people.

Every guess is only a proposal: the front-matter marks each one ``# KIỂM TRA``
with the words it came from, for the editor to confirm or correct.
"""

import re
from dataclasses import dataclass, field

from .article import sentences

# (type, words); the title decides first, then the body's most frequent words.
EVENT_WORDS = (
    ("signing", ("ký kết", "lễ ký", "ký chương trình", "ký quy chế")),
    ("award", ("trao học bổng", "khen thưởng", "tuyên dương", "trao thưởng", "trao giải",
               "trao tặng", "tôn vinh", "học bổng", "phần thưởng")),
    ("meeting", ("làm việc", "hội nghị", "buổi họp", "giao ban", "tọa đàm", "sơ kết", "tổng kết",
                 "đại hội")),
)
CATEGORIES = {"meeting": "Hoạt động Hội", "signing": "Phối hợp", "award": "Học bổng",
              None: "Tin tức"}
STANDARD_TAGS = ("khuyến học", "khuyến tài", "xã hội học tập", "học tập suốt đời", "học bổng",
                 "heo đất khuyến học", "khen thưởng", "ký kết", "giao ban", "thanh niên")

# Organisations whose name is fixed; "Sở …", "Ban …", "Phòng …" are read by shape below.
KNOWN_ORGANISATIONS = (
    "Hội Khuyến học", "Hội Cựu chiến binh", "Hội Liên hiệp Phụ nữ", "Hội Người cao tuổi",
    "Hội Luật gia", "Hội Nông dân", "Hội Chữ thập đỏ", "Hội Cựu giáo chức", "Hội Doanh nhân trẻ",
    "Đoàn TNCS Hồ Chí Minh", "Đoàn Thanh niên", "Thành đoàn", "Quận đoàn", "Huyện đoàn",
    "Thành ủy", "Quận ủy", "Huyện ủy", "Tỉnh ủy", "Đảng ủy",
    "Ủy ban Nhân dân", "UBND", "HĐND", "Hội đồng Nhân dân", "Mặt trận Tổ quốc", "MTTQ",
    "Liên đoàn Lao động", "Trung tâm học tập cộng đồng",
)
SHAPED = r"(?:Sở|Ban|Phòng|Trung tâm|Trường|Công ty|Quỹ)"
CAP = r"[A-ZĐÂĂÊÔƠƯÀ-Ỹ][\wÀ-ỹ]*"
LOW = r"[a-zđà-ỹ][\wà-ỹ]*"
# A capitalised word with at most one lower-case syllable after it, repeated, "và" between.
NAME_WORDS = rf"{CAP}(?: {LOW})?(?:(?: và| –| -)? {CAP}(?: {LOW})?)*"
QUALIFIER = (r"(?: (?:[Tt]hành phố|TP\.)(?: Hồ Chí Minh| HCM| Hà Nội| Đà Nẵng| Cần Thơ)?"
             r"| [Qq]uận(?: \d+| " + CAP + r"(?: " + CAP + r")?)?"
             r"| [Hh]uyện " + CAP + r"(?: " + CAP + r")?| Việt Nam| Q\d+)?")
NOT_ORGANISATIONS = ("Ban Thường vụ", "Ban tổ chức", "Ban Tổ chức", "Ban ngành", "Ban Chấp hành")
PERSON = re.compile(
    r"(?P<title>\b(?:[Bb]à|[Ôô]ng|[Đđ]ồng chí|[Đđ]/c|[Tt]hầy|[Cc]ô|PGS\.?\s?TS\.?|GS\.?|TS\.?"
    r"|ThS\.?))\s+(?P<name>(?:" + CAP + r"\s){1,4}" + CAP + r")"
    r"\s*(?:[–—-]\s*|,\s*)(?P<role>(?:Nguyên |Phó |Tổng |Trưởng |Chủ |Bí |Giám |Hiệu |Ủy |"
    r"Thường |Đại diện |Trưởng ban |Chánh )[^,;.()]*?)"
    r"(?=\s*(?:,|;|\.|\(| phát biểu| báo cáo| đánh giá| đã | cùng | trao | ký | tại | chủ trì"
    r"| nhấn mạnh| cho biết| khẳng định| đề nghị|$))")
PLACE = re.compile(r"\btại (?P<place>(?!buổi|hội nghị|các |nhiều |đây|đó)[^.;:]{6,160}?)"
                   r"(?=\.\s|\.$|;|$| nhằm | với sự | để | do )")
VERBS = re.compile(r"(?i)\b(làm việc|tổ chức|chủ trì|diễn ra|khai mạc|trao|ký|họp|gặp)\b")
ORGANIZER = re.compile(r"(?P<who>.{0,80}?)\s*"
                       r"(?P<verb>chủ trì|phối hợp tổ chức|tổ chức|làm việc với)\b")


@dataclass
class EventGuess:
    """What the text suggests about the event, each fact with the words it came from."""

    kind: str | None = None
    reason: str = ""
    organizer: str = ""
    organizations: list = field(default_factory=list)
    location: str = ""
    parties: list = field(default_factory=list)
    participants: list = field(default_factory=list)
    period: str = ""
    programme: str = ""
    recipients: int | None = None
    sponsor: str = ""
    value: int | None = None
    notes: dict = field(default_factory=dict)


def event_type(title, text):
    """``(type, the words that decided)``; ``(None, "")`` for plain news."""
    lowered = title.lower()
    for kind, words in EVENT_WORDS:
        for word in words:
            if word in lowered:
                return kind, f"tiêu đề có '{word}'"
    body = text.lower()
    counts = [(sum(body.count(w) for w in words), kind, words) for kind, words in EVENT_WORDS]
    best = max(counts, key=lambda c: c[0])
    if best[0] >= 2:
        word = max(best[2], key=body.count)
        return best[1], f"bài nhắc '{word}' {body.count(word)} lần"
    return None, ""


def organisations(text):
    """Organisation names in order of first mention, each once (the fullest form kept)."""
    found = []
    known = "|".join(re.escape(name) for name in sorted(KNOWN_ORGANISATIONS, key=len,
                                                          reverse=True))
    pattern = re.compile(rf"(?:(?i:{known})|\b{SHAPED} {NAME_WORDS}){QUALIFIER}")
    for match in pattern.finditer(text):
        name = _canonical(match.group(0).strip(" –-"))
        if any(name.startswith(bad) for bad in NOT_ORGANISATIONS) or len(name.split()) < 2 \
                and name not in ("UBND", "HĐND", "MTTQ"):
            continue
        found.append(name)
    names, keys = [], set()
    for name in found:
        longer = [o for o in found if o != name and _key(o).startswith(_key(name) + " ")]
        if longer:
            name = longer[0]
        if _key(name) not in keys:
            keys.add(_key(name))
            names.append(name)
    return names


def _key(name):
    """One key for the spellings of one organisation (``TP.`` = ``thành phố``)."""
    key = name.casefold().replace("tp.", "thành phố").replace("hcm", "hồ chí minh")
    return " ".join(key.replace("–", "-").split())


def _same(name, other):
    return bool(other) and (_key(name) == _key(other) or _key(other).startswith(_key(name) + " ")
                            or _key(name).startswith(_key(other) + " "))


def _canonical(name):
    for known in KNOWN_ORGANISATIONS:
        if name.lower().startswith(known.lower()):
            return known + name[len(known):]
    return name


def guess_event(title, paragraphs, items, captions):
    """An :class:`EventGuess` from the title, the body's paragraphs, list items and captions."""
    text = " ".join([title, *paragraphs, *items])
    guess = EventGuess()
    guess.kind, guess.reason = event_type(title, " ".join([*paragraphs, *items]))
    if guess.kind is None:
        return guess
    first = sentences(" ".join(paragraphs[:2]))
    for sentence in first[:3]:
        match = ORGANIZER.search(sentence.split(",", 1)[-1] if re.match(
            r"(?i)^(sáng|chiều|tối|ngày|hôm)", sentence) else sentence)
        if match:
            named = organisations(match.group("who"))
            if named:
                guess.organizer = named[-1]  # the one right before the verb
                guess.notes["organizer"] = f"đơn vị đứng trước '{match.group('verb')}' ở đầu bài"
                break
    for sentence in first[:4]:
        place = PLACE.search(sentence)
        if place:
            location = place.group("place").strip(" ,")
            if not VERBS.search(sentence[:place.start()]):
                location = location.split(",")[0]  # "Sáng 5/12, tại X, Hội … tổ chức …"
            guess.location = location[:1].upper() + location[1:]
            guess.notes["location"] = "lấy từ chữ 'tại …' ở đầu bài"
            break
    names = organisations(text)
    guess.organizations = [n for n in names if not _same(n, guess.organizer)][:8]
    if guess.organizations:
        guess.notes["organizations"] = "các đơn vị được nhắc tên trong bài — bỏ những đơn vị " \
                                       "không dự"
    if guess.kind == "signing":
        heads = []
        for item in items:
            head = item.split(":", 1)[0] if ":" in item[:80] else ""
            heads.extend(organisations(head) if head else [])
            for extra in re.findall(r"(?i)\bvới (hội [^:;,]{3,40}):", item):
                heads.extend(organisations(extra))
        parties = [guess.organizer] if guess.organizer else []
        parties += [h for h in heads if h not in parties]
        if len(parties) < 2:
            parties += [n for n in names if n not in parties][:2 - len(parties) + 1]
        guess.parties = parties
        guess.notes["parties"] = "đơn vị chủ trì và các đơn vị đứng đầu các mục của danh sách" \
                                 " phối hợp" if heads else "các đơn vị được nhắc đầu tiên"
    people = {}
    for source in [*paragraphs, *captions]:
        for match in PERSON.finditer(source):
            name = " ".join(match.group("name").split())
            role = " ".join(match.group("role").split()).strip(" –-")
            if name not in people:
                people[name] = role
    guess.participants = [{"name": n, "role": r} for n, r in people.items()]
    if guess.participants:
        guess.notes["participants"] = "người được nhắc tên kèm chức vụ trong bài và chú thích " \
                                      "ảnh — kiểm tra chức vụ"
    if not guess.location:
        guess.notes["location"] = "không tìm thấy địa điểm ('tại …') — điền nếu biết"
    _kind_facts(guess, title, text)
    return guess


def _kind_facts(guess, title, text):
    if guess.kind == "signing":
        period = re.search(r"(?i)giai đoạn\s+(\d{4})\s*[-–—]\s*(\d{4})", f"{title} {text}")
        if period:
            guess.period = f"{period.group(1)}–{period.group(2)}"
            guess.notes["period"] = f"lấy từ '{period.group(0)}'"
        programme = re.search(r"[Cc]hương trình phối hợp[^“\".;]{0,40}[“\"]([^”\"]{5,120})[”\"]",
                              text)
        if programme:
            guess.programme = (programme.group(0)[:1].upper() + programme.group(0)[1:]) \
                .replace("“", '"').replace("”", '"')
            guess.notes["programme"] = "tên chương trình trong ngoặc kép ở bài"
    elif guess.kind == "award":
        count = re.search(r"(\d[\d.]*)\s+(?:suất học bổng|suất quà|học sinh|sinh viên|em|"
                          r"gia đình|dòng họ|cá nhân|tập thể)", f"{title} {text}")
        if count:
            guess.recipients = int(count.group(1).replace(".", ""))
            guess.notes["recipients"] = f"lấy từ '{count.group(0)}'"
        value = re.search(r"(?i)(?:tổng (?:giá trị|số tiền|trị giá)|trị giá)[^\d]{0,20}"
                          r"(\d+(?:[.,]\d+)*)\s*(tỷ|triệu|nghìn|ngàn)?\s*đồng", text)
        if value:
            number = float(value.group(1).replace(".", "").replace(",", ".")) \
                if value.group(2) else int(re.sub(r"[.,]", "", value.group(1)))
            scale = {"tỷ": 10**9, "triệu": 10**6, "nghìn": 10**3, "ngàn": 10**3}
            guess.value = int(round(number * scale.get(value.group(2), 1)))
            guess.notes["value"] = f"lấy từ '{value.group(0)}'"
        sponsor = re.search(r"\bdo ((?:[A-ZĐ]\w*\s?){1,2}[^,.;]{2,60}?) (?:tài trợ|trao tặng|"
                            r"hỗ trợ)", text)
        if sponsor:
            guess.sponsor = sponsor.group(1).strip()
            guess.notes["sponsor"] = f"lấy từ '{sponsor.group(0)}'"


def category_for(kind):
    """The standard category of an event type (``Tin tức`` for plain news)."""
    return CATEGORIES.get(kind, CATEGORIES[None])


def tags_for(kind, text):
    """Up to five standard tags that the text mentions, the event's own first."""
    lowered = text.lower()
    own = {"signing": ["ký kết"], "award": ["học bổng"], "meeting": []}.get(kind, [])
    tags = own + [t for t in STANDARD_TAGS if t in lowered and t not in own]
    return tags[:5]


def summary_for(paragraphs):
    """The first sentence of the first paragraph that tells the news (not a quotation)."""
    for paragraph in paragraphs:
        first = sentences(paragraph)[0] if paragraph else ""
        if 40 <= len(first) <= 400:
            return first
    return ""
