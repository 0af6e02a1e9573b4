"""plugins/render/escape.py: the escaped form of short texts remembered, never changed."""

from jinja2 import DictLoader, Environment
from markupsafe import Markup
from render.escape import MemoEscapeTemplate, escape, forget_escaped, remember_escaped_texts

TEMPLATE = ("{{ text }}|{{ safe }}|{{ number }}|{{ none }}|{{ missing }}|{{ long }}"
            "|{{ text ~ '&' }}|{% autoescape false %}{{ text }}{% endautoescape %}"
            "|{{ text | e }}|{{ items | join(', ') }}")
VALUES = {"text": 'Hội "A" <b> & \'B\'', "safe": Markup("<em>đã an toàn</em>"), "number": 3,
          "none": None, "long": "<" * 300, "items": ["<a>", Markup("<b>")]}


def environment(memo):
    env = Environment(loader=DictLoader({"t.html": TEMPLATE}), autoescape=True)
    if memo:
        remember_escaped_texts(env)
    return env


def test_templates_escape_as_markupsafe_does():
    forget_escaped()
    stock = environment(False).get_template("t.html")
    memo = environment(True).get_template("t.html")
    assert isinstance(memo, MemoEscapeTemplate) and not isinstance(stock, MemoEscapeTemplate)
    expected = stock.render(VALUES)
    assert "Hội &#34;A&#34; &lt;b&gt; &amp; &#39;B&#39;" in expected
    assert memo.render(VALUES) == expected
    assert memo.render(VALUES) == expected  # the second time from the memo


def test_a_short_text_is_escaped_once_and_a_markup_is_not_escaped_again():
    forget_escaped()
    first = escape("a < b")
    assert first == "a &lt; b" and isinstance(first, Markup)
    assert escape("a < b") is first
    assert escape(Markup("a < b")) == "a < b"  # equal to the text, but already safe
    assert escape("x" * 300 + "<") is not escape("x" * 300 + "<")  # long: not kept
