"""plugins/render's building blocks: value digests and remembered slugs."""

import os
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Tag
from pelican.utils import SafeDatetime
from pelican.utils import slugify as pelican_slugify
from render import fingerprint as fingerprint_module
from render.fingerprint import Fingerprinter
from render.slugs import remember_slugs, slugify

from tests.conftest import ROOT

SUBS = DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"]


@pytest.mark.parametrize("value", [
    "Hội Khuyến học Đà Nẵng", "ĐOÀN TNCS Hồ Chí Minh", "<b>Học</b> bổng &amp; khen thưởng",
    "Anh Dương", "Ánh Dương", "  ", "C++ / Python: 100%",
])
@pytest.mark.parametrize("preserve_case", [False, True])
def test_remembered_slugs_are_pelicans(value, preserve_case):
    for _ in range(2):  # computed, then remembered
        assert slugify(value, SUBS, preserve_case) == pelican_slugify(
            value, regex_subs=SUBS, preserve_case=preserve_case)
    assert slugify(value, [], preserve_case) == pelican_slugify(
        value, regex_subs=[], preserve_case=preserve_case)


def test_tags_use_the_remembered_slugs():
    remember_slugs()
    tag = Tag("Hội Khuyến học Đà Nẵng", {"SLUG_REGEX_SUBSTITUTIONS": SUBS})
    assert tag.slug == "hoi-khuyen-hoc-da-nang"
    assert tag == "hội khuyến học đà nẵng"


def digest_in_new_process(expression):
    """The digest of ``expression`` made in a fresh interpreter (its own hash seed)."""
    plugins = str(ROOT / "plugins")
    code = (f"import sys; sys.path.insert(0, {plugins!r}); "
            f"from render.fingerprint import Fingerprinter; "
            f"print(Fingerprinter().digest({expression}).hex())")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


PLAIN = "{'type': 'signing', 'parties': ['Hội A', 'Đoàn B'], 'n': 3, 'x': 1.5, 'ok': True}"


def test_plain_data_digests_are_the_same_in_every_process():
    assert digest_in_new_process(PLAIN) == digest_in_new_process(PLAIN)
    # Sets are sorted, not taken in their (per-process) order.
    with_set = "{'tags': {'ký kết', 'khuyến học', 'học bổng', 'trao giải'}}"
    assert digest_in_new_process(with_set) == digest_in_new_process(with_set)


@pytest.mark.parametrize("other", [
    {"type": "signing", "parties": ["Hội A", "Đoàn C"], "n": 3, "x": 1.5, "ok": True},
    {"type": "signing", "parties": ["Hội A", "Đoàn B"], "n": 3, "x": 1.5, "ok": 1},
    {"parties": ["Hội A", "Đoàn B"], "type": "signing", "n": 3, "x": 1.5, "ok": True},
    {"type": "signing", "parties": ("Hội A", "Đoàn B"), "n": 3, "x": 1.5, "ok": True},
])
def test_plain_data_that_differs_has_another_digest(other):
    value = eval(PLAIN)  # noqa: S307 — a literal of this file
    assert Fingerprinter().digest(value) == Fingerprinter().digest(eval(PLAIN))  # noqa: S307
    assert Fingerprinter().digest(value) != Fingerprinter().digest(other)


def test_containers_of_other_objects_are_digested_value_by_value():
    class Box:
        def __init__(self, value):
            self.value = value

    assert Fingerprinter().digest([Box(1), "a"]) == Fingerprinter().digest([Box(1), "a"])
    assert Fingerprinter().digest([Box(1), "a"]) != Fingerprinter().digest([Box(2), "a"])


RECORD = ("{'type': 'signing', 'date': SafeDatetime(2024, 12, 29, 8, 0, "
          "tzinfo=ZoneInfo('Asia/Ho_Chi_Minh')), 'roles': ['Bên ký', 'Chủ trì'], "
          "'tags': [Tag('Khuyến học', DEFAULT_CONFIG)], 'note': Markup('<b>Hội</b>')}")
RECORD_WITH_SET = RECORD[:-1] + ", 'places': {'Cầu Giấy', 'Đống Đa', 'Quận 10', 'Ba Đình'}}"


def record_in_new_process(record, seed):
    """The digest and the one-pass pickle's bytes (hex, or ``None``) of ``record``, in a
    new process with ``PYTHONHASHSEED=seed``."""
    plugins = str(ROOT / "plugins")
    code = (f"import sys; sys.path.insert(0, {plugins!r}); "
            "from zoneinfo import ZoneInfo; from markupsafe import Markup; "
            "from pelican.settings import DEFAULT_CONFIG; from pelican.urlwrappers import Tag; "
            "from pelican.utils import SafeDatetime; "
            "from render.fingerprint import Fingerprinter, _plain_pickle; "
            f"value = {record}; fingerprinter = Fingerprinter(); "
            "plain = _plain_pickle(value, fingerprinter.identity); "
            "print(fingerprinter.digest(value).hex(), plain and plain.hex())")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ, "PYTHONHASHSEED": str(seed)}
                          ).stdout.split()


def test_records_with_dates_tags_and_markup_digest_alike_in_every_process():
    """An event's dict (a date, tags, Markup) is summed up in one pickle pass, the same
    in every process (string hashes differ from one to the other)."""
    first, second = record_in_new_process(RECORD, 1), record_in_new_process(RECORD, 2)
    assert first[1] != "None"  # the one-pass path, not the value-by-value one
    assert first == second


def test_records_holding_a_set_are_digested_alike_in_every_process():
    """A set's order differs between processes: its record goes value by value."""
    first = record_in_new_process(RECORD_WITH_SET, 1)
    assert first[1] == "None"
    assert first[0] == record_in_new_process(RECORD_WITH_SET, 2)[0]


def test_a_record_has_one_digest_wherever_it_is_found_first():
    """A record inside one the one-pass pickle refuses (it holds another kind of value)
    is digested as it would be alone: digests are remembered by id, so the first way
    of summing it up is the one every later page gets."""

    class Box:
        def __init__(self, value):
            self.value = value

    inner = {"type": "award", "value": 1_000_000, "parties": ["Hội A"],
             "date": SafeDatetime(2024, 9, 5, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))}
    fingerprinter = Fingerprinter()
    assert fingerprinter.digest([{"odd": Box(1), "inner": inner}]) is not None
    assert fingerprinter.digest(inner) == Fingerprinter().digest(inner)


def test_a_list_of_records_is_digested_in_one_pass():
    """An organisation's entries (a listing's whole list, digested once a build: its
    pages are digested by their paginator and number) are pickled in one pass, not entry
    by entry (Python's calls for each of 6,000 entries took a third of the checks of a
    build after an edit, at 2,000 articles); a slice alone gives the same digest whether
    or not the whole list was met before, and another for other or changed entries."""
    entries = [{"article": _article(f"/noi-dung/bai-{n}.md", "Bài"), "roles": ["party"],
                "date": SafeDatetime(2024, 9, n, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))}
               for n in range(1, 6)]
    fresh = Fingerprinter().digest(entries[1:3])
    pickled = []
    original = fingerprint_module._plain_pickle
    fingerprint_module._plain_pickle = lambda *args: pickled.append(args) or original(*args)
    try:
        fingerprinter = Fingerprinter()
        fingerprinter.digest(entries)
        assert len(pickled) == 1  # the whole list at once
        assert fingerprinter.digest(entries[1:3]) == fresh  # a slice
    finally:
        fingerprint_module._plain_pickle = original
    assert Fingerprinter().digest([entries[2], entries[1]]) != fresh
    entries[2]["roles"] = ["organizer"]  # one record of the slice changed
    assert Fingerprinter().digest(entries[1:3]) != fresh


def _article(path, title):
    return Article("<p>Thân bài</p>", metadata={"title": title},
                   settings=dict(DEFAULT_CONFIG), source_path=path)


def _event(hour, article, parties):
    return {"type": "signing", "has_time": True, "article": article, "parties": parties,
            "date": SafeDatetime(2024, 12, 29, hour, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
            "tags": [Tag("Khuyến học", DEFAULT_CONFIG)]}


def test_records_are_digested_by_their_values_and_their_articles_identity():
    article = _article("/noi-dung/ky-ket.md", "Ký kết")
    digest = Fingerprinter().digest
    same = digest([_event(8, article, ["Hội A", "Đoàn B"])])
    # Equal values from other objects, and the article by its file, not its fields.
    assert digest([_event(8, _article("/noi-dung/ky-ket.md", "Tên khác"),
                          ["Hội " + "A", "Đoàn B"])]) == same
    for other in (_event(9, article, ["Hội A", "Đoàn B"]),
                  _event(8, _article("/noi-dung/khac.md", "Ký kết"), ["Hội A", "Đoàn B"]),
                  _event(8, article, ["Hội A"])):
        assert digest([other]) != same
    # A value held twice gives the bytes of two equal values (nothing refers back).
    name = "".join(["Hội ", "A"])
    assert digest(_event(8, article, [name, name])) == digest(
        _event(8, article, [name, "".join(["Hội ", "A"])]))
    with_set = {**_event(8, article, []), "places": {"Cầu Giấy"}}
    assert digest(with_set) != digest({**_event(8, article, []), "places": {"Đống Đa"}})


def test_traced_templates_read_dict_keys_as_jinja_does():
    """``d.name`` on a plain dict takes the key at once; dict's own names (``items``),
    missing keys and dict subclasses still go Jinja's way."""
    from collections import OrderedDict, defaultdict

    from jinja2 import Environment
    from render.trace import patch_environment

    source = ("{{ d.type }}|{{ d.items is callable }}|{{ d.missing is defined }}|"
              "{{ o.type }}|{{ dd.type }}|{{ dd | length }}")
    values = {"d": {"type": "meeting", "items": "shadowed"},
              "o": OrderedDict(type="signing"), "dd": defaultdict(str, type="award")}
    plain = Environment().from_string(source).render(values)
    traced_env = Environment()
    patch_environment(traced_env)
    assert traced_env.from_string(source).render(values) == plain
    assert plain == "meeting|True|False|signing|award|1"


def test_slugs_are_kept_for_the_next_build(tmp_path, monkeypatch):
    """A title is slugified once a build: the next build (a new process) takes the slugs
    of the last one from their file."""
    import pickle

    import render.slugs as slugs

    path = str(tmp_path / "cache" / "slugs.pickle")
    titles = ["Hội Khuyến học Đà Nẵng trao học bổng", "Ký kết chương trình phối hợp 2018–2020"]
    monkeypatch.setattr(slugs, "_known", {})
    slugs.load_slugs(path)  # none yet
    made = [slugify(title, SUBS) for title in titles]
    slugs.save_slugs(path)

    monkeypatch.setattr(slugs, "_known", {})  # a new process
    computed = []
    monkeypatch.setattr(slugs, "_pelican_slugify",
                        lambda *a, **k: computed.append(a) or pelican_slugify(*a, **k))
    monkeypatch.setattr(slugs, "_version", lambda: kept_version)
    with open(path, "rb") as handle:
        kept_version = pickle.load(handle)["version"]
    slugs.load_slugs(path)
    assert [slugify(title, SUBS) for title in titles] == made
    assert computed == []
    assert made == [pelican_slugify(title, regex_subs=SUBS) for title in titles]

    # Made by another Pelican or unidecode: not used.
    monkeypatch.setattr(slugs, "_known", {})
    monkeypatch.setattr(slugs, "_version", lambda: ("another", "version"))
    slugs.load_slugs(path)
    assert slugify(titles[0], SUBS) == made[0] and len(computed) == 1


def test_a_damaged_slugs_file_only_means_slugifying_again(tmp_path, monkeypatch):
    import render.slugs as slugs

    path = tmp_path / "slugs.pickle"
    path.write_bytes(b"\x80\x05not a pickle")
    monkeypatch.setattr(slugs, "_known", {})
    slugs.load_slugs(str(path))
    assert slugify("Hội Khuyến học", SUBS) == "hoi-khuyen-hoc"
    slugs.save_slugs(str(path))  # replaced by a good one
    monkeypatch.setattr(slugs, "_known", {})
    slugs.load_slugs(str(path))
    assert slugs._known


def test_an_objects_attributes_are_digested_once_a_build_and_paginators_kept():
    """A list page of a later batch shows articles an earlier batch showed: the digest of
    the attributes read from each is kept when a batch's digests are dropped (its fields'
    own digests are not), and so is a listing's paginator, which its pages share."""
    from pelican.paginator import Paginator

    article = Article("<p>Thân bài</p>", metadata={
        "title": "Ký kết", "date": SafeDatetime(2018, 8, 17, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))},
        settings=DEFAULT_CONFIG, source_path="/nd/ky-ket.md")
    reads = []

    def read(obj, name):
        reads.append(name)
        return getattr(obj, name)

    fingerprinter = Fingerprinter()
    names = ("date", "title")
    first = fingerprinter.attributes(article, names, read)
    assert reads == ["date", "title"]
    paginator = Paginator("index.html", "", [article], DEFAULT_CONFIG, 10)
    listed = fingerprinter.digest(paginator)
    fingerprinter.forget()
    assert fingerprinter.attributes(article, names, read) == first
    assert reads == ["date", "title"]  # not read (nor digested) again
    assert fingerprinter._field_digests == {}  # the fields' own digests were dropped
    assert fingerprinter._shared[id(paginator)][1] == listed
    fingerprinter.attributes(article, ("title",), read)  # another set: its field again
    assert reads == ["date", "title", "title"]


def _listing(count, per_page=2):
    from pelican.paginator import Paginator

    articles = [_article(f"/nd/bai-{n}.md", f"Bài {n}") for n in range(count)]
    return articles, Paginator("chu-de/khuyen-hoc/index.html", "chu-de/khuyen-hoc/", articles,
                               {**DEFAULT_CONFIG, "DEFAULT_ORPHANS": 0}, per_page)


def test_a_listing_page_is_digested_by_its_paginator_and_number():
    """A listing page reads its own page, the next and the previous: three new objects
    for each page, summed up from the listing's remembered digest and their number, the
    same for a new object of the same page, another for another page or listing."""
    articles, paginator = _listing(5)
    fingerprinter = Fingerprinter()
    second = fingerprinter.digest(paginator.page(2))
    assert fingerprinter.digest(paginator.page(2)) == second  # a new object: not by id
    assert Fingerprinter().digest(paginator.page(2)) == second
    assert fingerprinter.digest(paginator.page(3)) != second
    _, other = _listing(5)
    other.object_list[4] = _article("/nd/bai-moi.md", "Bài mới")  # not on page 2
    assert Fingerprinter().digest(other.page(2)) != second  # the listing changed
    listed = []
    original = Fingerprinter._sequence
    Fingerprinter._sequence = lambda self, tag, items: listed.append(items) or original(
        self, tag, items)
    try:
        fingerprinter.digest(paginator.page(1))
    finally:
        Fingerprinter._sequence = original
    assert listed == []  # neither the page's articles nor the listing's summed up again


def test_the_page_a_number_gives_is_made_once_per_listing(monkeypatch):
    """Each page of a listing reads its own page and its neighbours, three new objects:
    what the paginator gives for a number is made once for the build, not for each read
    (the same digests), and a page whose list is not its number's is still told apart."""
    from pelican.paginator import Paginator

    articles, paginator = _listing(6)
    pages = [paginator.page(number) for number in (1, 2, 3, 2, 1, 3, 2)]
    expected = [Fingerprinter().digest(page) for page in pages]
    made = []
    original = Paginator.page
    monkeypatch.setattr(Paginator, "page",
                        lambda self, number: made.append(number) or original(self, number))
    fingerprinter = Fingerprinter()
    assert [fingerprinter.digest(page) for page in pages] == expected
    assert sorted(made) == [1, 2, 3]
    mine = original(paginator, 2)
    mine.object_list = [articles[0], articles[1]]  # page 1's articles as page 2
    assert fingerprinter.digest(mine) not in (expected[1], None)


def test_a_page_that_is_not_its_paginators_is_digested_whole():
    """A page whose list is its own (not the paginator's for its number), or that a
    plugin gave a field, is summed up from all of its fields."""
    articles, paginator = _listing(5)
    second = Fingerprinter().digest(paginator.page(2))
    mine = paginator.page(2)
    mine.object_list = [articles[0], articles[1]]
    assert Fingerprinter().digest(mine) not in (second, None)
    shown = paginator.page(2)
    shown.label = "Trang 2"
    labelled = Fingerprinter().digest(shown)
    shown.label = "Trang hai"
    assert Fingerprinter().digest(shown) not in (labelled, second)


def test_a_record_holding_an_article_is_not_given_to_marshal(monkeypatch):
    """An organisation's entry holds its article, which marshal refuses only once it
    has written what comes before it: the entry goes to the one-pass pickle at once."""
    tried = []
    original = fingerprint_module._plain_data
    monkeypatch.setattr(fingerprint_module, "_plain_data",
                        lambda value: tried.append(value) or original(value))
    article = _article("/nd/ky-ket.md", "Ký kết")
    entry = {"event": {"type": "signing", "location": "Hội trường"}, "roles": ["party"],
             "article": article}
    digest = Fingerprinter().digest(entry)
    assert digest is not None and entry not in tried
    assert Fingerprinter().digest({**entry, "roles": ["organizer"]}) != digest
    assert Fingerprinter().digest({"roles": ["party"], "type": "signing"}) is not None
    assert {"roles": ["party"], "type": "signing"} in tried  # plain data still is
