"""organisations: one page per organisation an event names, and an index of them.

Every name in an event's ``organizer``, ``parties``, ``sponsor`` and
``organizations`` is an organisation.  Names are matched after NFC
normalisation, case folding, whitespace folding and the alias map, so one
organisation never splits into two pages; the page shows the most common
spelling among the articles (ties: not all in capitals, then code-point order).
Different names that slugify alike ("Anh Dương", "Ánh Dương") stay apart: the
first in Vietnamese order gets the plain slug, the others ``-2``, ``-3``….

Sets on every article (published, hidden and draft) during
``article_generator_finalized``: ``article.organisations``, a list of dicts
``{"name", "slug", "url", "roles", "names"}`` — display name, slug, page URL
(``""`` when the organisation has no page, i.e. only drafts or hidden articles
name it), roles in the order organizer, party, sponsor, participant, and the
spellings this article used.  The list is ordered organiser first, then
parties, sponsor and participating units, each in the order the article names
them.  ``article.organisation_links`` is ``{spelling: page URL}`` of the same
organisations (those with a page), for linking a name as the article spells it.
``organisations`` in the template context is the sorted list of every
organisation with a page, and ``organisations_index`` the same list as plain
``{"name", "url", "count"}`` dicts: what the index shows.  The index reads that one,
so the render plugin renders it again only when a name, an address or a count changes
(reading ``organisations``, it depended on every entry's event too).

Pages (written by :class:`OrganisationsGenerator`):
``organisations.html`` — the index, in Vietnamese alphabetical order with event counts;
``organisation.html`` — one organisation: its events, newest first, with its
role in each (paginated as ``entries``: ``{"article", "roles"}`` dicts, the event read
from the article, so that a page's listing is digested by its articles' identities and
roles, not by a copy of each event: see the render plugin).

Settings (defaults in ``DEFAULTS``):
``ORGANISATIONS_ALIASES`` (``{}``) — ``{"other name": "canonical name"}``,
matched after folding, chains followed;
``ORGANISATIONS_URL`` (``"to-chuc/"``), ``ORGANISATIONS_SAVE_AS``
(``"to-chuc/index.html"``) — the index, like ``TAGS_URL``/``TAGS_SAVE_AS``;
``ORGANISATIONS_PAGE_URL`` (``"to-chuc/{slug}/"``), ``ORGANISATIONS_PAGE_SAVE_AS``
(``"to-chuc/{slug}/index.html"``) — one organisation, like ``TAG_URL``/``TAG_SAVE_AS``;
``ORGANISATIONS_PAGINATION`` (``None``) — events per organisation page, put in
``PAGINATED_TEMPLATES["organisation"]`` unless that is set already; ``None`` means
``DEFAULT_PAGINATION``.  Slugs come from Pelican's ``slugify`` with
``SLUG_REGEX_SUBSTITUTIONS`` (Vietnamese letters folded, đ → d).
"""

import importlib
import importlib.util
import logging
import unicodedata
from pathlib import Path

from pelican import signals
from pelican.generators import Generator
from pelican.utils import slugify

logger = logging.getLogger(__name__)


DEFAULTS = {
    "ORGANISATIONS_ALIASES": {},
    "ORGANISATIONS_URL": "to-chuc/",
    "ORGANISATIONS_SAVE_AS": "to-chuc/index.html",
    "ORGANISATIONS_PAGE_URL": "to-chuc/{slug}/",
    "ORGANISATIONS_PAGE_SAVE_AS": "to-chuc/{slug}/index.html",
    "ORGANISATIONS_PAGINATION": None,
}

ROLES = ("organizer", "party", "sponsor", "participant")
# Where each role is read from in the article's ``event`` dict.
ROLE_FIELDS = (("organizer", "organizer"), ("parties", "party"), ("sponsor", "sponsor"),
               ("organizations", "participant"))


class OrganisationsConfigError(Exception):
    """The ORGANISATIONS_* settings cannot be used."""


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


class Organisation:
    """One organisation: its display name, page and the events it took part in."""

    def __init__(self, name, slug, settings):
        self.name = name
        self.slug = slug
        self.url = settings["ORGANISATIONS_PAGE_URL"].format(slug=slug)
        self.save_as = settings["ORGANISATIONS_PAGE_SAVE_AS"].format(slug=slug)
        # [{"article", "roles"}], newest event (``article.event``) first.
        self.entries = []

    @property
    def count(self):
        """How many events name the organisation."""
        return len(self.entries)

    @property
    def articles(self):
        return [entry["article"] for entry in self.entries]

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"<Organisation {self.name!r}>"


def apply_settings(pelican):
    """Apply defaults, check the settings, and let organisation pages paginate."""
    settings = pelican.settings
    for name, default in DEFAULTS.items():
        settings.setdefault(name, default)
    aliases = settings["ORGANISATIONS_ALIASES"]
    if not isinstance(aliases, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in aliases.items()):
        raise OrganisationsConfigError(
            "ORGANISATIONS_ALIASES must be a dict of names: {'other name': 'canonical name'}")
    for name in ("ORGANISATIONS_PAGE_URL", "ORGANISATIONS_PAGE_SAVE_AS"):
        if "{slug}" not in settings[name]:
            raise OrganisationsConfigError(f"{name} must contain '{{slug}}'")
    paginated = dict(settings.get("PAGINATED_TEMPLATES") or {})
    paginated.setdefault("organisation", settings["ORGANISATIONS_PAGINATION"])
    settings["PAGINATED_TEMPLATES"] = paginated
    collation.add_jinja_filters(settings)


def _mentions(article):
    """``[(name, role)]`` for every organisation the article's event names."""
    event = getattr(article, "event", None)
    if not isinstance(event, dict):
        return []
    found = []
    for field, role in ROLE_FIELDS:
        value = event.get(field)
        names = value if isinstance(value, list) else [value]
        found.extend((name, role) for name in names if isinstance(name, str) and name.strip())
    return found


def _slug(name, settings):
    return slugify(name, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
                   preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
                   use_unicode=settings.get("SLUGIFY_USE_UNICODE", False))


def _where(article, name, settings):
    """``path:line`` of the first line of the article that names ``name``, for messages."""
    path = Path(article.source_path)
    shown = str(path)
    for root in (Path(settings["PATH"]).resolve(), Path(settings["PATH"])):
        try:
            shown = path.relative_to(root).as_posix()
            break
        except ValueError:
            continue
    try:
        lines = unicodedata.normalize("NFC", path.read_text(encoding="utf-8")).split("\n")
    except (OSError, UnicodeDecodeError):
        return shown
    for number, line in enumerate(lines, start=1):
        if name in line:
            return f"{shown}:{number}"
    return shown


def unique_slug(slug, taken):
    """``slug``, or ``slug-2``, ``slug-3``… when another name has it; marks it taken."""
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    taken.add(candidate)
    return candidate


def build_registry(articles, settings):
    """Group every name in ``articles`` into :class:`Organisation` objects.

    Returns ``({folded key: Organisation}, folded aliases)``.  Two different
    names whose slugs are the same ("Anh Dương", "Ánh Dương") stay two
    organisations: the one first in Vietnamese order keeps the plain slug, the
    next gets ``-2``, and so on.
    """
    aliases = collation.fold_aliases(settings["ORGANISATIONS_ALIASES"])
    alias_targets = {collation.fold(target): target
                     for target in settings["ORGANISATIONS_ALIASES"].values()}
    spellings = {}  # folded key -> [spellings used under that exact key]
    sources = {}  # folded key -> (the first article naming it, the name), for messages
    for article in articles:
        for name, _role in _mentions(article):
            key = collation.fold_with_aliases(name, aliases)
            used = spellings.setdefault(key, [])
            sources.setdefault(key, (article, name))
            if collation.fold(name) == key:
                used.append(name)
    displays = {key: collation.display_name(used) or alias_targets.get(key, key)
                for key, used in spellings.items()}
    registry, taken = {}, set()
    for key in sorted(spellings, key=lambda k: (collation.sort_key(displays[k]), k)):
        slug = _slug(displays[key], settings)
        if not any(char.isalnum() for char in slug):
            logger.warning("%s: tên tổ chức %r không tạo được địa chỉ trang — cần tên có "
                           "chữ cái hoặc số; tổ chức này không có trang riêng",
                           _where(*sources[key], settings), displays[key])
            continue
        slug = unique_slug(slug, taken)
        registry[key] = Organisation(displays[key], slug, settings)
    return registry, aliases


def article_organisations(article, registry, aliases, settings):
    """The ``article.organisations`` list for one article."""
    merged = {}
    for name, role in _mentions(article):
        key = collation.fold_with_aliases(name, aliases)
        organisation = registry.get(key)
        if organisation is not None:
            ident = organisation.slug
            entry = merged.setdefault(ident, {
                "name": organisation.name, "slug": organisation.slug,
                "url": organisation.url, "roles": [], "names": []})
        else:
            display = " ".join(name.split())
            ident = "?" + key
            entry = merged.setdefault(ident, {
                "name": display, "slug": _slug(display, settings), "url": "",
                "roles": [], "names": []})
        if role not in entry["roles"]:
            entry["roles"].append(role)
        if name not in entry["names"]:
            entry["names"].append(name)
    for entry in merged.values():
        entry["roles"].sort(key=ROLES.index)
    return list(merged.values())


def organisation_links(organisations):
    """``{spelling: page URL}`` for every spelling an article used of an organisation with
    a page (the last organisation listed wins, as a loop over ``organisations`` would):
    what an event card needs to link a name, in one look-up instead of a loop over the
    article's organisations for each name (1.3% of a cold build's instructions)."""
    return {name: entry["url"] for entry in organisations if entry["url"]
            for name in entry["names"]}


def collect_organisations(generator):
    """Set ``article.organisations`` and put the sorted organisations in the context."""
    settings = generator.settings
    published = list(generator.articles)
    registry, aliases = build_registry(published, settings)
    everything = [*generator.articles, *getattr(generator, "translations", []),
                  *getattr(generator, "hidden_articles", []),
                  *getattr(generator, "hidden_translations", []),
                  *getattr(generator, "drafts", []),
                  *getattr(generator, "drafts_translations", [])]
    for article in everything:
        article.organisations = article_organisations(article, registry, aliases, settings)
        article.organisation_links = organisation_links(article.organisations)
    for article in published:
        for entry in article.organisations:
            organisation = registry.get(collation.fold_with_aliases(entry["names"][0], aliases))
            if organisation is not None:
                organisation.entries.append({"article": article, "roles": entry["roles"]})
    organisations = list(registry.values())
    for organisation in organisations:
        organisation.entries.sort(key=_entry_order, reverse=True)
    organisations.sort(key=lambda o: (collation.sort_key(o.name), o.slug))
    generator.context["organisations"] = organisations
    generator.context["organisations_index"] = index_entries(organisations)
    logger.debug("organisations: %d from %d articles", len(organisations), len(published))


def index_entries(organisations):
    """``[{"name", "url", "count"}]`` of ``organisations``, in their order: plain data."""
    return [{"name": organisation.name, "url": organisation.url, "count": organisation.count}
            for organisation in organisations]


def _entry_order(entry):
    article = entry["article"]
    return ((article.event or {}).get("date") or article.date, article.date, article.slug)


class OrganisationsGenerator(Generator):
    """Writes the organisation index and one page per organisation."""

    def generate_context(self):
        self.organisations = self.context.get("organisations", [])

    def generate_output(self, writer):
        relative = self.settings["RELATIVE_URLS"]
        index = self.get_template("organisations")
        writer.write_file(self.settings["ORGANISATIONS_SAVE_AS"], index, self.context,
                          relative_urls=relative, paginated={},
                          template_name="organisations",
                          url=self.settings["ORGANISATIONS_URL"],
                          page_name=self.settings["ORGANISATIONS_URL"].rstrip("/"))
        template = self.get_template("organisation")
        for organisation in self.organisations:
            writer.write_file(organisation.save_as, template, self.context,
                              relative_urls=relative,
                              paginated={"entries": organisation.entries},
                              template_name="organisation", url=organisation.url,
                              organisation=organisation, entries=organisation.entries,
                              page_name=organisation.url.rstrip("/"))


def get_generators(pelican):
    return OrganisationsGenerator


def register():
    """Connect the settings check, the grouping and the page generator."""
    signals.initialized.connect(apply_settings)
    signals.article_generator_finalized.connect(collect_organisations)
    signals.get_generators.connect(get_generators)
