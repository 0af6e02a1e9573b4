"""Pelican's ``slugify``, remembered for the build.

Every article gets new ``Tag``, ``Category`` and ``Author`` objects, and each one
slugifies its name again (for its URL, and for every hash and comparison): about
13,000 calls for 2,000 articles, of a few hundred names, at a quarter of a
millisecond each (tag stripping, NFKC, unidecode, the regex substitutions).  The
function is pure, so its results are kept by argument.
"""

import functools

from pelican import contents, urlwrappers, utils

_pelican_slugify = utils.slugify


@functools.lru_cache(maxsize=1 << 16)
def _remembered(value, regex_subs, preserve_case, use_unicode):
    return _pelican_slugify(value, regex_subs=regex_subs, preserve_case=preserve_case,
                            use_unicode=use_unicode)


def slugify(value, regex_subs=(), preserve_case=False, use_unicode=False):
    """Pelican's ``slugify(value, …)``, computed once per distinct arguments."""
    try:
        key = tuple((source, target) for source, target in regex_subs)
        return _remembered(str(value), key, bool(preserve_case), bool(use_unicode))
    except (TypeError, ValueError):  # arguments of a shape Pelican would not pass
        return _pelican_slugify(value, regex_subs=regex_subs, preserve_case=preserve_case,
                                use_unicode=use_unicode)


def remember_slugs():
    """Make Pelican's content and URL wrappers use :func:`slugify`."""
    contents.slugify = urlwrappers.slugify = slugify
