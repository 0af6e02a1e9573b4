"""JSON-LD on articles: NewsArticle always, Event on event reports, never breaking out."""

import json

import pytest

from tests.conftest import parse_html, run_build

PLUGINS = ["tinhoi_content", "vietnamese", "taxonomy", "structured_data"]
EVIL = "Ký kết </script><script>alert(1)</script> <!-- & hết"

SIGNING = f"""---
title: '{EVIL}'
date: 17/08/2018 11:07
category: Phối hợp
tags: [ký kết, KHUYẾN HỌC]
author: PV
summary: Hội ký kết với **năm** đơn vị.
event:
  type: signing
  date: 2018-08-17 8:00
  end: 11:30
  location: Hội trường UBND quận Cầu Giấy
  organizer: Hội Khuyến học quận Cầu Giấy
  parties: [Hội Khuyến học quận Cầu Giấy, Đoàn TNCS Hồ Chí Minh]
---
Nội dung.
"""

PLAIN = """---
title: Tin thường
date: 2018-09-01
tags: [khuyến học]
---
Nội dung.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("jsonld")
    folder = root / "content" / "2018"
    folder.mkdir(parents=True)
    (folder / "ky-ket.md").write_text(SIGNING, encoding="utf-8")
    (folder / "tin-thuong.md").write_text(PLAIN, encoding="utf-8")
    return run_build(root / "content", root / "out", PLUGINS=PLUGINS,
                     SITEURL="https://khuyenhoc.example", RELATIVE_URLS=False)


def json_ld(path):
    page = parse_html(path)
    scripts = page.xpath("//script[@type='application/ld+json']")
    assert len(scripts) == 1
    return page, json.loads(scripts[0].text)


def signing_page(site):
    return next((site / "2018").glob("ky-ket-*/index.html"))


def test_title_with_a_closing_script_tag_cannot_break_out(site):
    path = signing_page(site)
    raw = path.read_text(encoding="utf-8")
    start = raw.index('<script type="application/ld+json">')
    end = raw.index("</script>", start)
    inside = raw[start:end]
    assert "<" not in inside[len('<script type="application/ld+json">'):]
    assert "alert(1)" in inside  # the title is in the JSON, escaped …
    page, data = json_ld(path)
    # … and no script element was injected anywhere.
    assert not [s for s in page.xpath("//script") if "alert(1)" in (s.text or "")
                and s.get("type") != "application/ld+json"]
    assert data["@graph"][0]["headline"] == EVIL


def test_news_article_on_every_article(site):
    _, data = json_ld(site / "2018" / "tin-thuong" / "index.html")
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Tin thường"
    assert data["datePublished"] == "2018-09-01T00:00:00+07:00"
    assert data["inLanguage"] == "vi"
    assert data["url"] == "https://khuyenhoc.example/2018/tin-thuong/"
    assert "about" not in data


def test_event_report_has_an_event_with_offset_place_and_organizer(site):
    _, data = json_ld(signing_page(site))
    article, event = data["@graph"]
    assert article["@type"] == "NewsArticle"
    assert article["about"] == {"@id": event["@id"]}
    assert article["description"] == "Hội ký kết với năm đơn vị."
    assert article["author"] == [{"@type": "Person", "name": "PV"}]
    # Tags as folded by the taxonomy plugin.
    assert article["keywords"] == ["ký kết", "khuyến học"]
    assert event["@type"] == "Event"
    assert event["startDate"] == "2018-08-17T08:00:00+07:00"
    assert event["endDate"] == "2018-08-17T11:30:00+07:00"
    assert event["location"] == {"@type": "Place", "name": "Hội trường UBND quận Cầu Giấy",
                                 "address": "Hội trường UBND quận Cầu Giấy"}
    assert event["organizer"] == [{"@type": "Organization",
                                   "name": "Hội Khuyến học quận Cầu Giấy"}]


def test_escaping_round_trips_every_character():
    from structured_data.structured_data import dumps_for_html

    value = {"a": "</script><!-- & > \u2028 \u2029 \"x\" Đ"}
    text = dumps_for_html(value)
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == value


def test_the_json_ld_text_is_made_by_the_page_that_shows_it(tmp_path, monkeypatch):
    """Once the plugins' passes are done, no article's JSON-LD text is made yet (2,000
    of them took a tenth of a second there, with the other core idle); each is made
    once, when its article's page is rendered, and the page holds the same JSON."""
    import structured_data.structured_data as plugin
    from pelican import signals

    made, after_the_passes = [], []
    original = plugin.structured_data

    def counted(article, settings):
        made.append(article.title)
        return original(article, settings)

    monkeypatch.setattr(plugin, "structured_data", counted)
    content = tmp_path / "content" / "2018"
    content.mkdir(parents=True)
    (content / "ky-ket.md").write_text(SIGNING, encoding="utf-8")
    (content / "tin-thuong.md").write_text(PLAIN, encoding="utf-8")

    def note(_sender, **_):
        after_the_passes.append(len(made))

    # get_writer: sent once every generator's context and every plugin's pass is done.
    from tests.conftest import pelican_settings, reset_pelican_signals

    reset_pelican_signals()
    signals.get_writer.connect(note)
    from pelican import Pelican

    Pelican(pelican_settings(tmp_path / "content", tmp_path / "out", PLUGINS=PLUGINS,
                             SITEURL="https://khuyenhoc.example",
                             RELATIVE_URLS=False)).run()
    assert after_the_passes == [0]
    assert sorted(made) == sorted([EVIL, "Tin thường"])
    _, data = json_ld(next((tmp_path / "out" / "2018").glob("ky-ket-*/index.html")))
    assert data["@graph"][0]["headline"] == EVIL


def test_a_json_ld_value_renders_compares_and_digests_as_its_text():
    from markupsafe import Markup
    from structured_data.structured_data import JsonLd

    class Article:
        title = "Tin"

    value = JsonLd(Article(), {})
    value._text = '{"a":"\\u003c"}'  # as made by structured_data()
    assert str(value) == Markup(value) == value.render_fingerprint() == '{"a":"\\u003c"}'
    assert value and value == '{"a":"\\u003c"}' and hash(value) == hash(value.text)
    value._text = ""
    assert not value


def test_a_json_ld_value_is_digested_by_its_text():
    """The render plugin reuses a page whose reads have the same digests: two texts
    give two digests, the same text the same one in any object."""
    from render.fingerprint import Fingerprinter
    from structured_data.structured_data import JsonLd

    def value(text):
        made = JsonLd(object(), {})
        made._text = text
        return made

    digest = Fingerprinter().digest
    assert digest(value('{"a":1}')) == Fingerprinter().digest(value('{"a":1}'))
    assert digest(value('{"a":1}')) != digest(value('{"a":2}'))
    assert None not in (digest(value('{"a":1}')), digest(value("")))
