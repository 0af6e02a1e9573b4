"""tinhoi_content: articles as editors write them.

Replaces Pelican's Markdown reader with one that reads a YAML front-matter and
checks it against the article contract (see ``contract.py``), and makes sure
every lead photo named in a front-matter is copied to the output.
"""

import logging

from pelican import signals

from .reader import TinhoiReader

logger = logging.getLogger(__name__)


def add_reader(readers):
    """Serve ``.md`` and ``.markdown`` files with :class:`TinhoiReader`."""
    for extension in TinhoiReader.file_extensions:
        readers.reader_classes[extension] = TinhoiReader


def link_lead_photos(generator):
    """Ask the static generator to copy each lead photo (the body's are linked already)."""
    contents = [
        *getattr(generator, "articles", []), *getattr(generator, "drafts", []),
        *getattr(generator, "pages", []), *getattr(generator, "draft_pages", []),
        *getattr(generator, "hidden_pages", []),
    ]
    for content in contents:
        image = getattr(content, "image", None)
        if image:
            generator.context["static_links"].add(image)


def register():
    """Connect the reader and the lead-photo linker to Pelican's signals."""
    signals.readers_init.connect(add_reader)
    signals.article_generator_finalized.connect(link_lead_photos)
    signals.page_generator_finalized.connect(link_lead_photos)
