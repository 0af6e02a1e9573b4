"""taxonomy.ArticleList: Pelican's ``article in articles`` answered at once, as a list would."""

from taxonomy.taxonomy import ArticleList


class Article:
    """Like Pelican's content objects: equal only to itself."""


def test_membership_is_a_lists_own():
    articles = [Article() for _ in range(50)]
    members = ArticleList(articles[::3])
    plain = list(articles[::3])
    assert [a in members for a in articles] == [a in plain for a in articles]
    assert Article() not in members
    assert members == plain and isinstance(members, list)


def test_a_list_that_grew_is_asked_again():
    first, second = Article(), Article()
    members = ArticleList([first])
    assert second not in members
    members.append(second)
    assert second in members


def test_lists_asked_in_turn_answer_each_for_itself():
    one, two = Article(), Article()
    first, second = ArticleList([one]), ArticleList([two])
    assert [one in first, one in second, two in first, two in second, one in first] == \
        [True, False, False, True, True]
