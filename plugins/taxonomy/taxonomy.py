"""taxonomy: folded tags, a weighted tag index, Vietnamese order and related articles.

During ``article_generator_finalized`` the tags of every article are folded in
place: names that are equal after NFC normalisation, case folding, whitespace
folding and ``TAGS_ALIASES`` become one :class:`~pelican.urlwrappers.Tag`,
named with the most common spelling among published articles (ties: not all
in capitals, then code-point order).  Different tags whose slugs are the same
("anh", "ánh") keep their own pages: the first in Vietnamese order has the
plain slug, the next ``-2``, and so on.  ``article.tags`` keeps Tag objects; the
generator's ``tags`` (which Pelican writes as tag pages, paginated like any
``tag`` page) and the context's ``tags`` are rebuilt in Vietnamese
alphabetical order, and categories are put in that order too.

Adds to the template context ``tag_cloud``: ``[{"tag", "articles", "count",
"weight"}]`` in Vietnamese order, ``weight`` from 1 (least used) to
``TAGS_CLOUD_STEPS`` (most used, on a logarithmic scale).

Once every generator has its context (``all_generators_finalized``), each
article (published, hidden or draft) gets ``article.related``: up to
``TAGS_RELATED_COUNT`` other published articles — "Các tin khác" — ranked by
shared tags and shared organisations (``article.organisations`` from the
organisations plugin, compared by slug), then by recency (newest first), then
slug.  Articles sharing nothing fill the list by recency.

Adds the Jinja filters ``vi_sort`` (sort in Vietnamese order, optionally by an
attribute) and ``vi_sort_key``.

Settings (defaults in ``DEFAULTS``):
``TAGS_ALIASES`` (``{}``) — ``{"other tag": "canonical tag"}``, matched after folding;
``TAGS_CLOUD_STEPS`` (``5``) — the number of weights in ``tag_cloud``;
``TAGS_RELATED_COUNT`` (``5``) — related articles per article (``0`` turns them off);
``TAGS_RELATED_TAG_WEIGHT`` (``1``) — what one shared tag adds to the score;
``TAGS_RELATED_ORGANISATION_WEIGHT`` (``1``) — what one shared organisation adds;
``TAGS_RELATED_CACHE_PATH`` (``".cache/related"``, relative to the folder holding
``PATH``; ``None``: no cache) — where the last ranking is kept, reused while the
articles' dates, slugs, tags and organisations and these settings are the same.
"""

import hashlib
import importlib
import importlib.util
import logging
import math
import os
import pickle
import tempfile
from collections import Counter
from pathlib import Path

from pelican import signals
from pelican.generators import ArticlesGenerator
from pelican.urlwrappers import Tag

logger = logging.getLogger(__name__)


DEFAULTS = {
    "TAGS_ALIASES": {},
    "TAGS_CLOUD_STEPS": 5,
    "TAGS_RELATED_COUNT": 5,
    "TAGS_RELATED_TAG_WEIGHT": 1,
    "TAGS_RELATED_ORGANISATION_WEIGHT": 1,
    "TAGS_RELATED_CACHE_PATH": os.path.join(".cache", "related"),
}


class TaxonomyConfigError(Exception):
    """The TAGS_* settings cannot be used."""


def _import_collation():
    """``vietnamese.collation``, also when ``plugins/`` is only on PLUGIN_PATHS."""
    try:
        return importlib.import_module("vietnamese.collation")
    except ImportError:
        path = Path(__file__).resolve().parents[1] / "vietnamese" / "collation.py"
        spec = importlib.util.spec_from_file_location("tinhoi_vietnamese_collation", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module


collation = _import_collation()


def apply_settings(pelican):
    """Apply defaults, check them and add the Vietnamese sort filters."""
    settings = pelican.settings
    for name, default in DEFAULTS.items():
        settings.setdefault(name, default)
    aliases = settings["TAGS_ALIASES"]
    if not isinstance(aliases, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in aliases.items()):
        raise TaxonomyConfigError("TAGS_ALIASES must be a dict of tag names: "
                                  "{'other tag': 'canonical tag'}")
    for name in ("TAGS_CLOUD_STEPS", "TAGS_RELATED_COUNT", "TAGS_RELATED_TAG_WEIGHT",
                 "TAGS_RELATED_ORGANISATION_WEIGHT"):
        value = settings[name]
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise TaxonomyConfigError(f"{name} must be a number, 0 or more (it is {value!r})")
    if settings["TAGS_CLOUD_STEPS"] < 1:
        raise TaxonomyConfigError("TAGS_CLOUD_STEPS must be 1 or more")
    collation.add_jinja_filters(settings)


# -- tags -------------------------------------------------------------------------

def _all_articles(generator):
    return [*generator.articles, *getattr(generator, "translations", []),
            *getattr(generator, "hidden_articles", []),
            *getattr(generator, "hidden_translations", []),
            *getattr(generator, "drafts", []),
            *getattr(generator, "drafts_translations", [])]


def fold_tags(generator):
    """Merge tags that only differ in form, and rebuild the tag and category lists."""
    settings = generator.settings
    aliases = collation.fold_aliases(settings["TAGS_ALIASES"])
    alias_targets = {collation.fold(t): t for t in settings["TAGS_ALIASES"].values()}
    everything = _all_articles(generator)
    published = {id(article) for article in generator.articles}

    spellings = {}  # folded key -> spellings (one per published use) under that exact key
    for article in everything:
        for tag in getattr(article, "tags", None) or []:
            key = collation.fold_with_aliases(tag.name, aliases)
            used = spellings.setdefault(key, [])
            if id(article) in published and collation.fold(tag.name) == key:
                used.append(tag.name)

    displays = {key: collation.display_name(used) or alias_targets.get(key, key)
                for key, used in spellings.items()}
    canonical, taken = {}, set()  # folded key -> Tag; slugs given out
    for key in sorted(spellings, key=lambda k: (collation.sort_key(displays[k]), k)):
        tag = Tag(displays[key], settings)
        slug = unique_slug(tag.slug, taken) if tag.slug else tag.slug
        if slug != tag.slug:
            tag.slug = slug
        canonical[key] = tag

    for article in everything:
        if getattr(article, "tags", None):
            folded = (canonical[collation.fold_with_aliases(t.name, aliases)]
                      for t in article.tags)
            article.tags = list({t.slug: t for t in folded}.values())

    tags = {}
    for article in generator.articles:
        for tag in getattr(article, "tags", None) or []:
            tags.setdefault(tag, ArticleList()).append(article)
    ordered = sorted(tags.items(), key=lambda item: (collation.sort_key(item[0].name),
                                                    item[0].slug))
    generator.tags = dict(ordered)
    generator.context["tags"] = ordered
    generator.context["tag_cloud"] = tag_cloud(ordered, settings["TAGS_CLOUD_STEPS"])

    categories = sorted(((category, ArticleList(articles))
                         for category, articles in generator.categories),
                        key=lambda item: (collation.sort_key(item[0].name), item[0].slug),
                        reverse=settings.get("REVERSE_CATEGORY_ORDER", False))
    generator.categories = categories
    generator.context["categories"] = categories
    generator.authors = [(author, ArticleList(articles))
                         for author, articles in generator.authors]
    generator.context["authors"] = generator.authors
    logger.debug("taxonomy: %d tags after folding %d spellings", len(ordered),
                 sum(len(v) for v in spellings.values()))


class ArticleList(list):
    """A list of articles that answers ``article in it`` at once.

    For each tag, category and author, Pelican picks the site's articles that are in its
    list (``[a for a in dates if a in articles]``): a scan of the list per article, a
    quarter of a second of every build of 2,000 articles.  Articles are equal only to
    themselves, so membership is by identity, as a list's own test finds it.
    """

    def __contains__(self, item):
        # One list's identities are kept at a time (Pelican asks of one list, then the
        # next): a set per list stayed for the whole build, 5 MiB at 5,000 articles.
        last = _MEMBERS["last"]
        if last is None or last[0] is not self or last[1] != len(self):
            last = _MEMBERS["last"] = (self, len(self), {id(article) for article in self})
        return id(item) in last[2]


# The list whose members were last asked for, its length then and their identities.
_MEMBERS = {"last": None}


def unique_slug(slug, taken):
    """``slug``, or ``slug-2``, ``slug-3``… when another tag has it; marks it taken."""
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    taken.add(candidate)
    return candidate


def tag_cloud(ordered, steps):
    """``[{"tag", "articles", "count", "weight"}]``, weight 1…steps by use (log scale)."""
    if not ordered:
        return []
    most = max(len(articles) for _, articles in ordered)
    cloud = []
    for tag, articles in ordered:
        count = len(articles)
        share = math.log(count) / math.log(most) if most > 1 else 1.0
        weight = 1 + int(math.floor((steps - 1) * share + 1e-9))
        cloud.append({"tag": tag, "articles": articles, "count": count, "weight": weight})
    return cloud


# -- related articles ------------------------------------------------------------------

def _organisation_slugs(article):
    return {o.get("slug") for o in getattr(article, "organisations", None) or []
            if isinstance(o, dict) and o.get("slug")}


def _tag_slugs(article):
    return {t.slug for t in getattr(article, "tags", None) or []}


def _recency(article):
    return (article.date, article.slug)


def relate_articles(generators):
    """Set ``article.related`` on every article, once organisations are known."""
    if not generators:
        return
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            _relate_with_cache(generator)


def _relate_with_cache(generator):
    """Rank related articles, or take the last build's ranking when nothing it depends
    on changed: which articles there are, their dates, slugs, tags and organisations,
    and the settings.  (An edit of an article's text leaves it as it was; ranking
    2,000 articles sharing a few tags costs seconds.)"""
    everything = _all_articles(generator)
    path = _related_cache_path(generator.settings)
    signature = _related_signature(generator, everything)
    by_source = {article.source_path: article for article in everything}
    if path:
        kept = _load_related(path)
        if kept and kept[0] == signature and set(kept[1]) == set(by_source):
            for article in everything:
                article.related = [by_source[source] for source in kept[1][article.source_path]]
            return
    _relate(generator)
    if path:
        _store_related(path, signature, {article.source_path: [r.source_path for r in
                                                               article.related]
                                         for article in everything})


def _related_signature(generator, everything):
    published = {id(article) for article in generator.articles}
    digest = hashlib.sha256(repr(tuple(generator.settings[name] for name in (
        "TAGS_RELATED_COUNT", "TAGS_RELATED_TAG_WEIGHT",
        "TAGS_RELATED_ORGANISATION_WEIGHT"))).encode())
    digest.update(Path(__file__).read_bytes())
    for article in sorted(everything, key=lambda a: a.source_path):
        digest.update(repr((article.source_path, id(article) in published,
                            article.date.isoformat(), article.slug,
                            sorted(_tag_slugs(article)),
                            sorted(_organisation_slugs(article)))).encode())
    return digest.hexdigest()


def _related_cache_path(settings):
    folder = settings.get("TAGS_RELATED_CACHE_PATH")
    if not folder:
        return None
    if not os.path.isabs(folder):
        folder = os.path.join(os.path.dirname(os.path.abspath(settings["PATH"])), folder)
    return os.path.join(folder, "related.pickle")


def _load_related(path):
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        return None


def _store_related(path, signature, related):
    """Keep the ranking (renamed into place: never half-written)."""
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle, partial = tempfile.mkstemp(prefix=".related-", dir=os.path.dirname(path))
        with os.fdopen(handle, "wb") as stream:
            pickle.dump((signature, related), stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
    except OSError as error:
        logger.debug("taxonomy: related articles not cached: %s", error)


def _relate(generator):
    settings = generator.settings
    count = int(settings["TAGS_RELATED_COUNT"])
    tag_weight = settings["TAGS_RELATED_TAG_WEIGHT"]
    org_weight = settings["TAGS_RELATED_ORGANISATION_WEIGHT"]
    # Articles are named by their place in recency order (0 = newest).
    recent = sorted(generator.articles, key=_recency, reverse=True)
    by_tag, by_org = {}, {}
    for place, article in enumerate(recent):
        for slug in _tag_slugs(article):
            by_tag.setdefault(slug, []).append(place)
        for slug in _organisation_slugs(article):
            by_org.setdefault(slug, []).append(place)
    place_of = {id(article): place for place, article in enumerate(recent)}
    if all(isinstance(weight, int) for weight in (tag_weight, org_weight)):
        rank = _bit_ranker(by_tag, tag_weight, by_org, org_weight)
    else:
        rank = _counting_ranker(by_tag, tag_weight, by_org, org_weight, len(recent))

    for article in _all_articles(generator):
        if count <= 0:
            article.related = []
            continue
        places = rank(_tag_slugs(article), _organisation_slugs(article),
                      place_of.get(id(article)), count)
        chosen = set(places)
        for place in range(len(recent)):
            if len(places) >= count:
                break
            if place not in chosen and recent[place] is not article:
                places.append(place)
        article.related = [recent[place] for place in places]


def _bit_ranker(by_tag, tag_weight, by_org, org_weight):
    """Ranking with integer weights: each tag and organisation is the set of places of its
    articles, as the bits of an integer, and the places scoring at least ``j`` are found
    with a few operations on those integers (in C) instead of a count per candidate.

    Returns ``rank(tag slugs, organisation slugs, place to leave out, count)``: the
    ``count`` places with the highest positive score, the newest first among equals."""
    tag_bits = {slug: _bits(places) for slug, places in by_tag.items()}
    org_bits = {slug: _bits(places) for slug, places in by_org.items()}

    def rank(tags, organisations, excluded, count):
        weighted = [(tag_weight, tag_bits[slug]) for slug in sorted(tags) if slug in tag_bits]
        weighted += [(org_weight, org_bits[slug]) for slug in sorted(organisations)
                     if slug in org_bits]
        return _best_by_bits([(w, b) for w, b in weighted if w > 0], excluded, count)

    return rank


def _bits(places):
    value = 0
    for place in places:
        value |= 1 << place
    return value


def _best_by_bits(weighted, excluded, count):
    """The ``count`` lowest places of the highest scores, where a place scores the sum of
    the weights of the sets (``(weight, bits)``) holding it."""
    top = sum(weight for weight, _ in weighted)
    # at_least[j]: the places scoring at least j (at_least[0]: every place, all bits set).
    at_least = [-1] + [0] * top
    for weight, bits in weighted:
        for j in range(top, 0, -1):  # downwards: each set is counted once per place
            at_least[j] |= (at_least[j - weight] if j > weight else -1) & bits
    keep = ~(1 << excluded) if excluded is not None else -1
    places = []
    above = 0  # the places of the higher scores, already taken
    for j in range(top, 0, -1):
        level = at_least[j] & ~above & keep
        above |= at_least[j]
        while level and len(places) < count:
            lowest = level & -level
            places.append(lowest.bit_length() - 1)
            level ^= lowest
        if len(places) >= count:
            break
    return places


def _counting_ranker(by_tag, tag_weight, by_org, org_weight, total):
    """Ranking with any weights: each other article's score is counted."""

    def rank(tags, organisations, excluded, count):
        scores = _shared_scores(((by_tag, tag_weight, tags), (by_org, org_weight,
                                                             organisations)))
        scores.pop(excluded, None)
        ranked = sorted((place for place, score in scores.items() if score > 0),
                        key=lambda place: (-scores[place], place))
        return ranked[:count]

    return rank


def _shared_scores(indexes):
    """``{place: score}``: what each other article shares with one article, weighted."""
    scores = Counter()
    for index, weight, slugs in indexes:
        shared = Counter()
        for slug in slugs:
            shared.update(index.get(slug, ()))  # counting in C
        if weight == 1:
            scores.update(shared)
        elif weight:
            for place, times in shared.items():
                scores[place] += times * weight
    return scores


def register():
    """Connect the settings check, the tag folding and the related articles."""
    signals.initialized.connect(apply_settings)
    signals.article_generator_finalized.connect(fold_tags)
    signals.all_generators_finalized.connect(relate_articles)
