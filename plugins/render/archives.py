"""Pelican's period archives, grouped in one pass instead of one pass per period.

``ArticlesGenerator._build_period_archives`` (Pelican 4.x) gives each year's, month's
and day's archive its articles as ``[a for a in articles if a in dates]``: every
article tested against the period's list, for every period.  That is quadratic: 0.85 s
of a cold build of 5,000 articles (and of every warm one), four times as long for twice
as many.  :func:`fast_period_archives` calls Pelican's own method with no articles to
test, then gives each archive the same list, in the same order, by looking each of the
period's articles up in a table of positions.  Articles are compared by identity, as
Pelican's test does (a content object has no ``__eq__`` of its own).

Setting: ``RENDER_PERIOD_ARCHIVES`` (``True``); ``False`` leaves Pelican's method at work.
"""

from pelican.contents import Content
from pelican.generators import ArticlesGenerator

_pelicans = ArticlesGenerator._build_period_archives


def fast_period_archives(self, sorted_articles, articles, settings):
    """Pelican's ``_build_period_archives``, with each archive's ``articles`` found in one
    pass."""
    if not settings.get("RENDER_PERIOD_ARCHIVES", True) or Content.__eq__ is not object.__eq__:
        return _pelicans(self, sorted_articles, articles, settings)
    archives = _pelicans(self, sorted_articles, [], settings)
    position = {id(article): place for place, article in enumerate(articles)}
    for period_archives in archives.values():
        for archive in period_archives:
            found = [article for article in archive["dates"] if id(article) in position]
            found.sort(key=lambda article: position[id(article)])
            archive["articles"] = found
    return archives


def install():
    """Put :func:`fast_period_archives` in place of Pelican's method (once)."""
    if ArticlesGenerator._build_period_archives is not fast_period_archives:
        ArticlesGenerator._build_period_archives = fast_period_archives
