"""plugins/feeds/formats.py: each article's entry made once for every feed of a build."""

import datetime

from plugins.feeds import formats
from plugins.feeds.entries import FeedItem, Photo

TZ = datetime.timezone(datetime.timedelta(hours=7))
META = {"title": "Tin hội", "subtitle": "Mọi tin", "page_url": "https://tinhoi.example.org/",
        "author": "Hội Khuyến học", "language": "vi"}


def item(number, photo=True):
    """An article as the feeds see it: a photo, two authors, categories with and without
    a scheme, markup to escape."""
    day = datetime.datetime(2024, 5, number, 8, 30, tzinfo=TZ)
    return FeedItem(
        id=f"tag:tinhoi.example.org,2024:bai-{number}", url=f"https://tinhoi.example.org/{number}/",
        title=f"Trao học bổng <{number}> & khen thưởng", published=day, updated=day,
        content_html=f"<p>Nội dung {number} &amp; <a href='https://x.example/'>liên kết</a></p>",
        summary_html=f"<p>Tóm tắt {number}</p>", summary_text=f"Tóm tắt {number}",
        authors=["Minh Anh", "Thu Hà"],
        categories=[("Trao thưởng", "https://tinhoi.example.org/su-kien/"), ("học bổng", None)],
        photo=Photo(url=f"https://tinhoi.example.org/anh/{number}.jpg", length=1234 + number,
                    type="image/jpeg", alt="Các em nhận học bổng") if photo else None)


def feeds_of(items):
    """Three feeds sharing articles, in Atom and in RSS."""
    lists = [items, items[1:4], [items[4], items[0], items[2]]]
    return [render({**META, "self_url": f"https://tinhoi.example.org/feeds/{n}.{name}"}, chosen)
            for n, chosen in enumerate(lists)
            for name, render in (("atom.xml", formats.render_atom),
                                 ("rss.xml", formats.render_rss))]


def test_entries_shared_by_the_feeds_of_a_build_give_the_same_bytes():
    items = [item(n, photo=n % 2 == 0) for n in range(1, 6)]
    alone = feeds_of(items)
    made = []
    original = formats._fill_entry

    def counting(entry, one, fmt):
        made.append((one.id, fmt))
        return original(entry, one, fmt)

    formats._fill_entry = counting
    try:
        with formats.shared_entries():
            shared = feeds_of(items)
    finally:
        formats._fill_entry = original
    assert shared == alone
    # Each article's entry made once a format, though the feeds list it 2 or 3 times.
    assert sorted(made) == sorted({(one.id, fmt) for one in items for fmt in ("atom", "rss")})
    assert b"<media:content" in shared[0] and b"<dc:creator>Thu H" in shared[1]


def test_outside_a_build_each_feed_makes_its_own_entries():
    items = [item(n) for n in range(1, 6)]
    with formats.shared_entries():
        feeds_of(items)
    assert formats._shared["entries"] is None
    # Changed after the build: a feed made now shows the change (nothing kept).
    items[0].title = "Tiêu đề mới"
    assert b"Ti\xc3\xaau \xc4\x91\xe1\xbb\x81 m\xe1\xbb\x9bi" in formats.render_atom(
        {**META, "self_url": "https://tinhoi.example.org/feeds/a.atom.xml"}, items)
