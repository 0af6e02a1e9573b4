"""Vietnamese alphabetical order and name folding (vietnamese.collation)."""

import unicodedata

from vietnamese.collation import display_name, fold, fold_aliases, fold_with_aliases, sort_key


def test_alphabet_order_with_the_vietnamese_letters():
    words = ["y", "x", "v", "ư", "u", "t", "s", "r", "q", "p", "ơ", "ô", "o", "n", "m", "l",
             "k", "i", "h", "g", "ê", "e", "đ", "d", "c", "b", "â", "ă", "a"]
    assert sorted(words, key=sort_key) == list(reversed(words))


def test_d_with_stroke_comes_after_d():
    assert sorted(["Đoàn", "Dân", "Dũng", "Đại"], key=sort_key) == ["Dân", "Dũng", "Đại", "Đoàn"]


def test_tone_is_a_secondary_difference():
    # "Ánh" right after "Anh": the tone only matters when the letters are equal.
    assert sorted(["Ao", "Ánh", "Anh", "Ăn"], key=sort_key) == ["Anh", "Ánh", "Ao", "Ăn"]
    # Dictionary order of tones: ngang, huyền, hỏi, ngã, sắc, nặng.
    assert sorted(["má", "mạ", "mã", "mả", "mà", "ma"], key=sort_key) == [
        "ma", "mà", "mả", "mã", "má", "mạ"]


def test_words_and_numbers():
    assert sorted(["Anhx", "Anh Đào", "Anh"], key=sort_key) == ["Anh", "Anh Đào", "Anhx"]
    assert sorted(["quận 10", "quận 3", "quận Ba Đình"], key=sort_key) == [
        "quận 3", "quận 10", "quận Ba Đình"]


def test_same_text_in_nfd_sorts_like_nfc():
    nfc = "Đoàn Thanh niên"
    assert sort_key(unicodedata.normalize("NFD", nfc)) == sort_key(nfc)


def test_fold_ignores_normal_form_case_and_spaces():
    nfd = unicodedata.normalize("NFD", "khuyến  học")
    assert fold(" KHUYẾN HỌC ") == fold("khuyến học") == fold(nfd) == "khuyến học"
    assert fold("khuyen hoc") != fold("khuyến học")


def test_a_name_folded_again_is_folded_alike_and_other_values_by_their_text(monkeypatch):
    """Folded names are remembered by text (a build folds the same names thousands of
    times): asked again, also after the memory is full, a name folds as the first time,
    and a value that is not a plain text (a tag) folds by its text as it is now."""
    from vietnamese import collation

    monkeypatch.setattr(collation, "FOLDED_KEPT", 3)
    collation._folded.clear()
    names = ["Hội Khuyến học", "HỘI  KHUYẾN HỌC", unicodedata.normalize("NFD", "Đoàn TN"),
             "Đoàn tn", " hội khuyến học "]
    first = [fold(name) for name in names]
    assert first == ["hội khuyến học", "hội khuyến học", "đoàn tn", "đoàn tn",
                     "hội khuyến học"]
    assert len(collation._folded) <= 3  # the memory was emptied when full
    assert [fold(name) for name in names] == first

    class Named:
        def __init__(self, name):
            self.name = name

        def __str__(self):
            return self.name

    tag = Named("Học Bổng")
    assert fold(tag) == "học bổng"
    tag.name = "Khen  Thưởng"
    assert fold(tag) == "khen thưởng"
    collation._folded.clear()


def test_aliases_are_folded_and_followed():
    aliases = fold_aliases({"Đoàn Thanh niên": "Đoàn TNCS", "ĐTN": "đoàn thanh niên"})
    assert fold_with_aliases("đoàn  thanh NIÊN", aliases) == "đoàn tncs"
    assert fold_with_aliases("ĐTN", aliases) == "đoàn tncs"
    assert fold_with_aliases("Hội Khuyến học", aliases) == "hội khuyến học"


def test_display_name_is_the_most_common_spelling_with_stable_ties():
    assert display_name(["KHUYẾN HỌC", "khuyến học", "khuyến học"]) == "khuyến học"
    # Ties never depend on order: capitals-only loses, then code-point order.
    assert display_name(["KHUYẾN HỌC", "khuyến học"]) == "khuyến học"
    assert display_name(["khuyến học", "Khuyến học"]) == "Khuyến học"
    assert display_name(["Khuyến học", "khuyến học"]) == "Khuyến học"


def test_vi_sort_filter_sorts_by_a_dotted_attribute():
    from types import SimpleNamespace

    from vietnamese.collation import vi_sort

    items = [(SimpleNamespace(name=n), []) for n in ["Đoàn", "Ánh", "Dân", "Anh"]]
    assert [i[0].name for i in vi_sort(items, "0.name")] == ["Anh", "Ánh", "Dân", "Đoàn"]
    assert vi_sort(["b", "ă", "a"], reverse=True) == ["b", "ă", "a"]
