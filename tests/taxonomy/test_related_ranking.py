"""The ranking of related articles with integer weights (sets of bits) against a plain
count of what each other article shares, on random tag and organisation sets."""

import random

from taxonomy.taxonomy import _bit_ranker, _counting_ranker


def random_site(seed, articles=60):
    rng = random.Random(seed)
    tags = [f"tag-{n}" for n in range(8)]
    organisations = [f"org-{n}" for n in range(4)]
    sites = []
    for _ in range(articles):
        sites.append((set(rng.sample(tags, rng.randint(0, 4))),
                      set(rng.sample(organisations, rng.randint(0, 2)))))
    return sites


def indexes(site):
    by_tag, by_org = {}, {}
    for place, (tags, organisations) in enumerate(site):
        for slug in tags:
            by_tag.setdefault(slug, []).append(place)
        for slug in organisations:
            by_org.setdefault(slug, []).append(place)
    return by_tag, by_org


def test_bit_ranking_equals_counting_for_any_integer_weights():
    for seed in range(30):
        site = random_site(seed)
        by_tag, by_org = indexes(site)
        for tag_weight, org_weight in ((1, 1), (2, 3), (0, 1), (1, 0), (3, 1)):
            bits = _bit_ranker(by_tag, tag_weight, by_org, org_weight)
            counting = _counting_ranker(by_tag, tag_weight, by_org, org_weight, len(site))
            for place, (tags, organisations) in enumerate(site):
                for count in (1, 3, 7, len(site)):  # every article with a score
                    expected = counting(tags, organisations, place, count)
                    assert bits(tags, organisations, place, count) == expected, (
                        seed, tag_weight, org_weight, place, count)


def test_highest_score_first_then_newest():
    # Place 0 is the newest article.  Article 4 shares two tags with places 2 and 3 and
    # one with place 1; an article sharing nothing is never ranked.
    site = [({"x"}, set()), ({"a"}, set()), ({"a", "b"}, set()), ({"a", "b"}, set()),
            ({"a", "b"}, set())]
    by_tag, by_org = indexes(site)
    rank = _bit_ranker(by_tag, 1, by_org, 1)
    assert rank({"a", "b"}, set(), 4, 5) == [2, 3, 1]
    assert rank({"a", "b"}, set(), None, 2) == [2, 3]
