"""A Markdown extension that links editors' plain photo paths and adds captions.

``![alt](images/x.jpg "Caption")`` alone in a paragraph becomes
``<figure><img …><figcaption>Caption</figcaption></figure>``; the ``src`` is
rewritten to Pelican's ``{static}/images/x.jpg`` so the file is copied and the
URL is right wherever the article is written.  A photo that cannot be resolved
is left out (the contract has already reported it with its line).
"""

import xml.etree.ElementTree as etree  # noqa: N813 (Markdown’s own name)

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .contract import resolve_photo


class PhotoTreeprocessor(Treeprocessor):
    """Rewrites photo sources and wraps captioned photos in figures."""

    def __init__(self, md, extension):
        super().__init__(md)
        self.extension = extension

    def run(self, root):
        """Resolve every ``<img>`` below ``root`` and build figures."""
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag == "img":
                    self._link(parent, child)
        for paragraph in list(root.iter("p")):
            self._make_figure(paragraph)
        return None

    def _link(self, parent, img):
        src = img.get("src", "")
        if not src or src.startswith("{"):
            return
        problem, path = resolve_photo(src, self.extension.source_dir, self.extension.content_root)
        if problem:
            _remove_keeping_tail(parent, img)
        else:
            img.set("src", "{static}/" + path)

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


class PhotoExtension(Extension):
    """Registers :class:`PhotoTreeprocessor`; set ``source_dir`` before each convert."""

    def __init__(self, content_root, **kwargs):
        super().__init__(**kwargs)
        self.content_root = content_root
        self.source_dir = content_root

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API name)
        """Run after inline parsing so ``<img>`` elements exist."""
        md.treeprocessors.register(PhotoTreeprocessor(md, self), "tinhoi_photos", 5)
