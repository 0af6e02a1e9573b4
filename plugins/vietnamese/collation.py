"""Vietnamese alphabetical order and name folding, with no OS locale and no ICU.

A public utility for every plugin that sorts or matches Vietnamese names
(organisations, tags, categories)::

    from vietnamese.collation import sort_key, fold

    sorted(names, key=sort_key)          # "Anh" < "Ánh" < "Ăn" < "Dân" < "Đoàn"
    fold("  KHUYẾN   học ") == fold("khuyến học")

:func:`sort_key` follows the Vietnamese alphabet
``a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y`` (the foreign
letters f, j, w, z sit where the Latin alphabet puts them).  Tones are a
secondary difference, in dictionary order (ngang, huyền, hỏi, ngã, sắc, nặng),
so "Ánh" comes right after "Anh" and before "Ao"; case is a tertiary
difference (lower case first).  Spaces sort before punctuation, punctuation
before numbers, numbers before letters, so names sort word by word; a run of
digits counts as one number ("quận 3" before "quận 10").

:func:`fold` is the matching key: NFC, case folding and whitespace collapsed.
:func:`fold_with_aliases` adds a configurable alias map on top.
"""

import unicodedata

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}

# Marks that make a different letter (primary) and tone marks (secondary).
_LETTER_BY_MARK = {
    ("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư",
}
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

_SPACE, _PUNCT, _DIGIT, _LETTER, _OTHER = range(5)


def _characters(text):
    """Yield ``(base, marks)`` for each character of ``text`` decomposed (NFD)."""
    base, marks = None, []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and base is not None:
            marks.append(char)
            continue
        if base is not None:
            yield base, marks
        base, marks = char, []
    if base is not None:
        yield base, marks


def sort_key(text):
    """A key that sorts ``text`` in Vietnamese alphabetical order.

    Returns a tuple (primary, secondary, tertiary, the NFC text) so equal keys
    only come from equal strings and every sort is deterministic.
    """
    text = unicodedata.normalize("NFC", str(text or ""))
    primary, secondary, tertiary = [], [], []
    was_digit = False
    for base, marks in _characters(text):
        lower = base.lower()
        tone = 0
        letter = lower
        for mark in marks:
            if mark in _TONE_RANK:
                tone = _TONE_RANK[mark]
            elif (letter, mark) in _LETTER_BY_MARK:
                letter = _LETTER_BY_MARK[(letter, mark)]
        previous_digit, was_digit = was_digit, base.isdigit()
        if letter in _LETTER_RANK:
            primary.append((_LETTER, _LETTER_RANK[letter]))
        elif base.isspace():
            if primary and primary[-1] == (_SPACE, 0):
                continue  # runs of spaces count once
            primary.append((_SPACE, 0))
        elif base.isdigit():
            digit = unicodedata.digit(base, 0)
            if primary and primary[-1][0] == _DIGIT and previous_digit:
                primary[-1] = (_DIGIT, primary[-1][1] * 10 + digit)  # "quận 3" < "quận 10"
                continue
            primary.append((_DIGIT, digit))
        elif unicodedata.category(base).startswith(("P", "S")):
            primary.append((_PUNCT, ord(base)))
        else:
            primary.append((_OTHER, ord(lower)))
        secondary.append(tone)
        tertiary.append(0 if base == lower else 1)
    return tuple(primary), tuple(secondary), tuple(tertiary), text


# Folded names, by text: a build folds the same few hundred names (tags, organisations)
# tens of thousands of times (54,000 at 2,000 articles).
_folded = {}
FOLDED_KEPT = 100_000


def fold(text):
    """The matching form of a name: NFC, case-folded, whitespace collapsed."""
    if type(text) is not str:  # a tag, a category…: folded by its text, each time
        return _fold(text)
    folded = _folded.get(text)
    if folded is None:
        if len(_folded) >= FOLDED_KEPT:
            _folded.clear()
        folded = _folded[text] = _fold(text)
    return folded


def _fold(text):
    text = unicodedata.normalize("NFC", str(text or ""))
    return unicodedata.normalize("NFC", " ".join(text.split()).casefold())


def fold_aliases(aliases):
    """Turn ``{"alias": "canonical name"}`` into ``{fold(alias): fold(canonical)}``.

    Chains (a → b → c) are followed; a cycle stops at the first repeated name.
    """
    folded = {fold(alias): fold(target) for alias, target in (aliases or {}).items()}
    resolved = {}
    for alias, target in folded.items():
        seen = {alias}
        while target in folded and target not in seen:
            seen.add(target)
            target = folded[target]
        if target != alias:
            resolved[alias] = target
    return resolved


def fold_with_aliases(text, folded_aliases):
    """:func:`fold`, then map through ``folded_aliases`` (from :func:`fold_aliases`)."""
    key = fold(text)
    return folded_aliases.get(key, key)


def display_name(spellings):
    """The spelling to show for a group of names: the most common one.

    ``spellings`` is an iterable of strings (one per use).  Ties go to the
    spelling not written in capitals only, then to the one that sorts first by
    code point (capitalised before lower case), so the choice never depends on
    the order articles were read.
    """
    counts = {}
    for spelling in spellings:
        spelling = " ".join(unicodedata.normalize("NFC", spelling).split())
        counts[spelling] = counts.get(spelling, 0) + 1
    if not counts:
        return ""
    return min(counts, key=lambda s: (-counts[s], s.isupper(), s))


def vi_sort(items, attribute=None, reverse=False):
    """Jinja filter: sort ``items`` in Vietnamese order (by ``attribute`` if given).

    ``attribute`` may be dotted (``"0.name"``) like Jinja's own ``sort``.
    """

    def value(item):
        for part in (attribute.split(".") if attribute else []):
            if isinstance(item, (list, tuple)) and part.isdigit():
                item = item[int(part)]
            elif isinstance(item, dict):
                item = item.get(part)
            else:
                item = getattr(item, part, None)
        return sort_key(str(item) if item is not None else "")

    return sorted(items, key=value, reverse=reverse)


def add_jinja_filters(settings):
    """Add ``vi_sort`` and ``vi_sort_key`` to a copy of ``JINJA_FILTERS`` (idempotent)."""
    filters = dict(settings.get("JINJA_FILTERS", {}))
    filters.setdefault("vi_sort", vi_sort)
    filters.setdefault("vi_sort_key", sort_key)
    settings["JINJA_FILTERS"] = filters
