"""plugins/render/states.py: an article whose state is the same has its reads trusted."""

import datetime
from zoneinfo import ZoneInfo

from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Tag
from render.states import ContentStates, links_free

from tests.perf.test_content_cache import assert_same_site
from tests.render.test_render import ARTICLE, PARALLEL, build, edit, plain_build

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


SETTINGS = dict(DEFAULT_CONFIG)


def article(body="<p>Nội dung.</p>", title="Trao học bổng", source="/site/content/a.md",
            settings=SETTINGS, **fields):
    made = Article(body, metadata={"title": title, "date": datetime.datetime(
        2024, 5, 1, 8, 30, tzinfo=TZ), "tags": [Tag("khuyến học", settings)]},
        settings=settings, source_path=source, context={})
    for name, value in fields.items():
        setattr(made, name, value)
    return made


class Organisation:
    def __init__(self, name, entries):
        self.name, self.entries = name, entries


def state(content):
    return ContentStates(SETTINGS).of(content)


def test_equal_articles_made_apart_have_one_state():
    assert state(article()) is not None
    assert state(article()) == state(article())


def test_what_a_page_may_show_changes_the_state():
    base = state(article())
    assert state(article(body="<p>Nội dung mới.</p>")) != base
    assert state(article(title="Trao học bổng năm 2024")) != base
    other = article(source="/site/content/b.md")
    assert state(article(related=[other])) != state(article(related=[]))
    # Another article is taken by identity: its own state is its own.
    assert state(article(related=[other])) == state(article(related=[article(
        source="/site/content/b.md", title="Tên khác")]))


def test_an_object_an_article_holds_is_looked_into():
    """An organisation's entries (what its card on the article's page may count) are part
    of the state of each article that holds it, each digested once for all of them."""
    entries = [{"role": "ký kết", "date": datetime.date(2024, 5, 1)}]
    one = state(article(organisations=[Organisation("Hội Khuyến học", entries)]))
    same = state(article(organisations=[Organisation("Hội Khuyến học", list(entries))]))
    more = state(article(organisations=[Organisation(
        "Hội Khuyến học", [*entries, {"role": "tài trợ", "date": None}])]))
    assert one == same != more


def test_a_set_is_taken_in_order_and_an_opaque_value_gives_no_state():
    assert state(article(marks={"b", "a", "c"})) == state(article(marks={"c", "b", "a"}))
    assert state(article(lock=object())) is None  # nothing to sum it up by


def test_an_article_with_settings_of_its_own_gives_no_state():
    """The build's settings are in its fingerprint; other settings are not."""
    assert state(article(settings={**SETTINGS, "ARTICLE_URL": "{date:%Y}/{slug}/"})) is None


def test_a_body_linking_to_other_content_is_not_free_of_the_context():
    assert links_free(article())
    assert not links_free(article(body='<p><a href="{filename}/2018/b.md">b</a></p>'))
    assert not links_free(article(body="<img src='{static}/images/a.jpg'>"))
    custom = article(body='<a href="@@filename/b.md">b</a>')
    assert links_free(custom)
    custom.settings = {**SETTINGS, "INTRASITE_LINK_REGEX": "@@(?P<what>[a-z]+)"}
    assert not links_free(custom)


def checked_identities(monkeypatch):
    """The articles whose stored reads the next builds check (digested again)."""
    import render.memo

    checked = set()
    original = render.memo.RenderMemo._stale_among

    def recording(self, env, indices):
        checked.update(self._identity_of(index).rsplit("/", 1)[-1] for index in indices)
        return original(self, env, indices)

    monkeypatch.setattr(render.memo.RenderMemo, "_stale_among", recording)
    return checked


def test_after_an_edit_only_the_edited_articles_reads_are_checked(site, caplog, monkeypatch):
    # The one page whose body links to another page ("Liên hệ"): its reads follow the
    # other page's URL, and are always checked.
    linking = "gioi-thieu.md"
    build(site, "site", caplog, **PARALLEL)
    checked = checked_identities(monkeypatch)
    build(site, "site", caplog, **PARALLEL)
    assert checked == {linking}  # every article in the state its pages were made from

    edit(site, ARTICLE, "Sau một năm,", "Sau mười hai tháng,")
    after, (rendered, reused) = build(site, "site", caplog, **PARALLEL)
    assert checked == {linking, ARTICLE.name}
    assert rendered >= 1 and reused > 100
    assert_same_site(plain_build(site), after)


def test_a_link_follows_the_article_it_links_to(site, caplog, monkeypatch):
    """An article's body links to another by its file: Pelican makes the link from the
    other article's URL each time the body is read, so the linking article's page is
    checked (and rendered again) when the other one moves, its own state unchanged."""
    target = "2018/cau-giay-ra-mat-tu-sach-cong-dong.md"
    path = site / "content" / ARTICLE
    link = "[tủ sách cộng đồng](../2018/cau-giay-ra-mat-tu-sach-cong-dong.md)"
    path.write_text(path.read_text(encoding="utf-8") + f"\nXem thêm {link}.\n",
                    encoding="utf-8")
    build(site, "site", caplog, **PARALLEL)
    checked = checked_identities(monkeypatch)
    edit(site, target, "slug: cau-giay-ra-mat-tu-sach-cong-dong",
         "slug: tu-sach-cong-dong-cau-giay")
    after, _ = build(site, "site", caplog, **PARALLEL)
    assert ARTICLE.name in checked
    assert_same_site(plain_build(site), after)
    page = next(data.decode("utf-8") for name, data in after.items()
                if "so-ket-mot-nam" in name and name.endswith(".html"))
    assert "tu-sach-cong-dong-cau-giay" in page
    assert "cau-giay-ra-mat-tu-sach-cong-dong" not in page


def test_a_process_taking_states_that_dies_leaves_its_half_to_the_build(site, caplog,
                                                                       monkeypatch):
    """Half of the states are taken in a forked process: when it ends without them
    (killed, out of memory), the build takes them itself and finds the edit."""
    import os

    import render.memo

    monkeypatch.setattr(render.memo, "PARALLEL_STATES", 1)
    build(site, "site", caplog, **PARALLEL)
    monkeypatch.setattr(render.memo, "_states_in_child", lambda names: os._exit(9))
    checked = checked_identities(monkeypatch)
    edit(site, ARTICLE, "Sau một năm,", "Sau mười hai tháng,")
    after, (rendered, _) = build(site, "site", caplog, **PARALLEL)
    assert ARTICLE.name in checked and len(checked) <= 2
    assert rendered >= 1
    assert_same_site(plain_build(site), after)
