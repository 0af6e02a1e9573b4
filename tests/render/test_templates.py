"""plugins/render/templates.py: compiled templates shared by the generators and kept
between builds, never at the cost of a stale or broken page."""

import jinja2
import pytest
from jinja2 import pass_context
from jinja2.bccache import bc_magic

from tests.perf.test_content_cache import assert_same_site
from tests.render.test_render import build, plain_build

TEMPLATES = (".cache", "render", "templates")


@pytest.fixture
def compiles(monkeypatch):
    """The names of the templates Jinja compiles from source, in order."""
    compiled = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return compiled


def kept_files(site):
    folder = site.joinpath(*TEMPLATES)
    return sorted(path for path in folder.rglob("*") if path.is_file())


def test_each_template_is_compiled_once_and_not_again_next_build(site, compiles):
    plain = plain_build(site)  # no cache: every generator compiles what it uses
    compiled_without = len(compiles)
    compiles.clear()

    first, _ = build(site, "site")
    assert_same_site(plain, first)
    # Several generators use the same templates (base.html, the partials): each is
    # compiled by the first of them only.
    assert len(compiles) == len(set(compiles)) < compiled_without
    assert kept_files(site)

    compiles.clear()
    second, _ = build(site, "site")
    assert compiles == []
    assert_same_site(plain, second)


def test_an_edited_template_is_compiled_again(site, compiles):
    build(site, "site")
    base = site / "theme" / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace(
        "</footer>", "<p>Chân trang mới</p></footer>"), encoding="utf-8")
    compiles.clear()
    after, _ = build(site, "site")
    assert compiles == ["base.html"]
    footers = [data for name, data in after.items() if name.endswith(".html")
               and b"<footer" in data]
    assert footers and all("Chân trang mới".encode() in data for data in footers)


def test_damaged_compiled_templates_are_compiled_again(site, compiles):
    build(site, "site")
    for number, path in enumerate(kept_files(site)):
        # Cut inside the source checksum (which Jinja does not guard), emptied, or
        # cut inside the code.
        data = path.read_bytes()
        path.write_bytes((data[:len(bc_magic) + 3], b"", data[:len(data) // 2])[number % 3])
    compiles.clear()
    after, _ = build(site, "site")
    assert compiles  # the damaged ones, at least
    assert_same_site(plain_build(site), after)


def test_other_options_compile_into_a_folder_of_their_own(site, compiles):
    build(site, "site")
    (before,) = site.joinpath(*TEMPLATES).iterdir()
    compiles.clear()
    # Whitespace control changes the code compiled from the same sources.
    jinja = {"trim_blocks": False, "lstrip_blocks": False, "autoescape": True}
    after, _ = build(site, "site", JINJA_ENVIRONMENT=jinja)
    assert compiles
    folders = {path.name for path in site.joinpath(*TEMPLATES).iterdir()}
    assert len(folders) == 2 and before.name in folders  # the other settings' kept
    plain, _ = build(site, "plain", RENDER_CACHE=False, RENDER_PROCESSES=1,
                     JINJA_ENVIRONMENT=jinja)
    assert_same_site(plain, after)


def test_switching_between_settings_compiles_nothing_again(site, compiles):
    """The live preview, make html and make publish each have their own settings (and so
    their own folder of compiled templates): going from one to another and back compiles
    nothing, but more settings than ``RENDER_CACHE_KEEP`` drop the one used longest ago."""
    preview = {"SCHEDULE_SHOW_DRAFTS": True}
    for settings in ({}, preview):
        build(site, "site", **settings)
    compiles.clear()
    for settings in ({}, preview, {}):
        build(site, "site", **settings)
    assert compiles == []
    assert len(list(site.joinpath(*TEMPLATES).iterdir())) == 2

    build(site, "site", RENDER_CACHE_KEEP=1)
    (kept,) = site.joinpath(*TEMPLATES).iterdir()
    compiles.clear()
    build(site, "site", **preview)
    assert compiles  # its folder was the one dropped


def test_nothing_is_kept_without_the_render_cache(site, compiles):
    build(site, "site", RENDER_CACHE=False)
    assert not site.joinpath(*TEMPLATES).exists()
    build(site, "site2", RENDER_TEMPLATE_CACHE=False)
    assert not site.joinpath(*TEMPLATES).exists()


def hoa_v1(text):
    return text.upper()


def hoa_v2(text):
    return text.upper() + "!"


@pass_context
def hoa_v3(context, text):
    return text.upper() + "?"


def test_a_changed_filter_compiles_the_templates_again(site, compiles):
    """A filter of a literal runs when the template is compiled, and a filter taking the
    context is called another way: the compiled code follows the filters."""
    base = site / "theme" / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace(
        "</footer>", '<p class="hoa">{{ "abc"|hoa }}</p></footer>'), encoding="utf-8")
    for function, shown in ((hoa_v1, "ABC"), (hoa_v2, "ABC!"), (hoa_v3, "ABC?")):
        after, _ = build(site, "site", JINJA_FILTERS={"hoa": function})
        footers = [data for name, data in after.items() if name.endswith(".html")
                   and b'class="hoa"' in data]
        assert footers and all(f'<p class="hoa">{shown}</p>'.encode() in data
                               for data in footers)


def test_every_optional_include_of_the_theme_exists():
    """``{% include … ignore missing %}`` of a template that is not there is looked for
    again on every page (the loaders' search and an exception each time: a second of a
    cold build at 2,000 articles); the theme ships each one, empty if need be, for a
    site to override."""
    import re

    from tests.conftest import ROOT

    templates = ROOT / "theme" / "templates"
    optional = set()
    for path in templates.rglob("*.html"):
        optional.update(re.findall(r'{%-?\s*include\s+"([^"]+)"\s+ignore missing',
                                   path.read_text(encoding="utf-8")))
    assert optional, "the theme has optional includes"
    missing = sorted(name for name in optional if not (templates / name).is_file())
    assert missing == []
