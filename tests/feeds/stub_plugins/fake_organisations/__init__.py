"""A test-only stand-in for the organisations plugin (issue 3).

It honours the shared contract: during ``article_generator_finalized`` every
article gets ``article.organisations``, a list in a stable order of
``{"name", "slug", "url", "roles"}`` built from its event's organiser, parties,
sponsor and organisations.
"""

from pelican import signals
from pelican.utils import slugify

SUBS = [(r"[^\w\s-]", ""), (r"(?u)\A\s*", ""), (r"(?u)\s*\Z", ""), (r"[-\s]+", "-")]


def set_organisations(generator):
    for article in generator.articles + generator.drafts:
        event = getattr(article, "event", None) or {}
        named = [(event["organizer"], "organizer")] if event.get("organizer") else []
        named += [(name, "party") for name in event.get("parties", [])]
        named += [(event["sponsor"], "sponsor")] if event.get("sponsor") else []
        named += [(name, "participant") for name in event.get("organizations", [])]
        found = {}
        for name, role in named:
            slug = slugify(name, regex_subs=SUBS)
            entry = found.setdefault(slug, {"name": name, "slug": slug,
                                            "url": f"to-chuc/{slug}/", "roles": []})
            if role not in entry["roles"]:
                entry["roles"].append(role)
        article.organisations = list(found.values())


def register():
    signals.article_generator_finalized.connect(set_organisations)
