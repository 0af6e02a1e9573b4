"""plugins/render/archives.py: Pelican's period archives, the same lists in one pass."""

import random
from zoneinfo import ZoneInfo

from pelican.contents import Article
from pelican.generators import ArticlesGenerator
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import SafeDatetime
from render.archives import _pelicans, fast_period_archives, install

SETTINGS = {**DEFAULT_CONFIG, "YEAR_ARCHIVE_SAVE_AS": "luu-tru/{date:%Y}/index.html",
            "MONTH_ARCHIVE_SAVE_AS": "luu-tru/{date:%Y}/{date:%m}/index.html",
            "DAY_ARCHIVE_SAVE_AS": "luu-tru/{date:%Y}/{date:%m}/{date:%d}/index.html"}


def articles(count):
    rng = random.Random(5)
    made = []
    for index in range(count):
        when = SafeDatetime(2015 + rng.randint(0, 3), rng.randint(1, 12), rng.randint(1, 3),
                            tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
        made.append(Article("<p>Bài</p>", metadata={"title": f"Bài {rng.random()}",
                                                   "date": when, "slug": f"bai-{index}"},
                            settings=SETTINGS, source_path=f"/nd/bai-{index}.md"))
    return made


def test_each_archive_gets_the_articles_pelican_gives_it_in_the_same_order():
    made = articles(300)
    by_title = sorted(made, key=lambda a: a.title)  # the articles' order, not the dates'
    by_date = sorted(made, key=lambda a: a.date, reverse=True)
    for listed in (by_title, by_title[::3]):  # every article, or some of them
        pelicans = _pelicans(None, by_date, listed, SETTINGS)
        ours = fast_period_archives(None, by_date, listed, SETTINGS)
        assert set(ours) == set(pelicans) == {"year", "month", "day"}
        for granularity, archives in pelicans.items():
            assert len(ours[granularity]) == len(archives) > 3
            for mine, theirs in zip(ours[granularity], archives, strict=True):
                assert mine.keys() == theirs.keys()
                assert [a.slug for a in mine["articles"]] == [a.slug for a in theirs["articles"]]
                assert all(mine[key] == theirs[key] for key in theirs if key != "articles")
    turned_off = fast_period_archives(None, by_date, by_title[::3],
                                      {**SETTINGS, "RENDER_PERIOD_ARCHIVES": False})
    assert [a.slug for a in turned_off["year"][0]["articles"]] == \
        [a.slug for a in _pelicans(None, by_date, by_title[::3], SETTINGS)["year"][0]["articles"]]


def test_the_plugin_puts_it_in_place_of_pelicans():
    install()
    assert ArticlesGenerator._build_period_archives is fast_period_archives
