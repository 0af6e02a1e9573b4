"""A Markdown extension that links editors' plain paths and adds photo captions.

``![alt](images/x.jpg "Caption")`` alone in a paragraph becomes
``<figure><img …><figcaption>Caption</figcaption></figure>``; the ``src`` is
rewritten to Pelican's ``{static}/images/x.jpg`` so the file is copied and the
URL is right wherever the article is written.  A photo that cannot be resolved
is left out (the contract has already reported it with its line).  A link to
another article by its file, ``[lễ ký kết](../2018/ky-ket.md)``, becomes
Pelican's ``{filename}`` link, so editors never type ``{static}`` or ``{filename}``.
"""

import xml.etree.ElementTree as etree  # noqa: N813 (Markdown’s own name)

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .contract import resolve_content_link, resolve_photo


class ContentLinkTreeprocessor(Treeprocessor):
    """Rewrites photo sources and article links, and wraps captioned photos in figures."""

    def __init__(self, md, extension):
        super().__init__(md)
        self.extension = extension

    def run(self, root):
        """Resolve every ``<img>`` below ``root`` and build figures."""
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag == "img":
                    self._link(parent, child)
                elif child.tag == "a":
                    self._link_article(child)
        for paragraph in list(root.iter("p")):
            self._make_figure(paragraph)
        return None

    def _link(self, parent, img):
        src = img.get("src", "")
        if not src or src.startswith("{"):
            return
        problem, path = resolve_photo(src, self.extension.source_dir,
                                      self.extension.content_root, self.extension.probes)
        if problem:
            _remove_keeping_tail(parent, img)
        else:
            img.set("src", "{static}/" + path)

    def _link_article(self, anchor):
        href = anchor.get("href", "")
        path = resolve_content_link(href, self.extension.source_dir,
                                    self.extension.content_root, self.extension.probes)
        if path:
            fragment = href[href.index("#"):] if "#" in href else ""
            anchor.set("href", "{filename}/" + path + fragment)

    @staticmethod
    def _make_figure(paragraph):
        children = list(paragraph)
        if len(children) != 1 or children[0].tag != "img":
            return
        img = children[0]
        caption = img.get("title")
        if not caption or (paragraph.text or "").strip() or (img.tail or "").strip():
            return
        del img.attrib["title"]
        paragraph.tag = "figure"
        figcaption = etree.SubElement(paragraph, "figcaption")
        figcaption.text = caption


def _remove_keeping_tail(parent, element):
    tail = element.tail or ""
    index = list(parent).index(element)
    if tail:
        if index:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


class ContentLinkExtension(Extension):
    """Registers :class:`ContentLinkTreeprocessor`; set ``source_dir`` and ``probes``
    before each convert."""

    def __init__(self, content_root, **kwargs):
        super().__init__(**kwargs)
        self.content_root = content_root
        self.source_dir = content_root
        # Files looked for during the last conversion: {absolute path: existed}.
        self.probes = {}

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API name)
        """Run after inline parsing so ``<img>`` elements exist."""
        md.treeprocessors.register(ContentLinkTreeprocessor(md, self), "tinhoi_links", 5)
