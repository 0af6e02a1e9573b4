"""Writing an imported article: a front-matter with marked guesses, then Markdown."""

import json
import re

import yaml

from .blocks import MARKDOWN_SPECIAL

CHECK = "KIỂM TRA"


def yaml_scalar(text):
    """``text`` as a YAML value that reads back (with BaseLoader) as exactly ``text``."""
    text = str(text)
    try:
        plain = yaml.load(f"k: {text}", Loader=yaml.BaseLoader) == {"k": text}
    except yaml.YAMLError:
        plain = False
    if plain and " #" not in text and not text.startswith(("'", '"', "#", "-", "[", "{")):
        return text
    return json.dumps(text, ensure_ascii=False)


def field_line(name, value, note="", indent=""):
    """``name: value`` with an optional ``# KIỂM TRA: note`` at the end."""
    line = f"{indent}{name}: {yaml_scalar(value)}" if value != "" else f"{indent}{name}:"
    return line + (f"  # {CHECK}: {_one_line(note)}" if note else "")


def list_lines(name, values, note="", indent=""):
    """A block list (one value per line), empty ``[]`` when there is none."""
    head = f"{indent}{name}:" + (" []" if not values else "")
    lines = [head + (f"  # {CHECK}: {_one_line(note)}" if note else "")]
    lines.extend(f"{indent}  - {yaml_scalar(v)}" for v in values)
    return lines


def people_lines(name, people, second, note="", indent=""):
    """A block list of ``{name, role|note}`` mappings."""
    lines = [f"{indent}{name}:" + (" []" if not people else "")
             + (f"  # {CHECK}: {_one_line(note)}" if note else "")]
    for person in people:
        lines.append(f"{indent}  - name: {yaml_scalar(person['name'])}")
        if person.get(second):
            lines.append(f"{indent}    {second}: {yaml_scalar(person[second])}")
    return lines


def body_mark(text):
    """A note in the body that Markdown does not show: ``[//]: # (KIỂM TRA: …)``."""
    text = _one_line(text).replace("(", "[").replace(")", "]").replace('"', "'")
    return f"[//]: # ({CHECK}: {text})"


def escape(text):
    """Plain text made safe as one Markdown paragraph."""
    text = MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"^(#|[-+=]\s|\d+[.)]\s)", r"\\\1", text)


def render_body(blocks, images):
    """Markdown for the body blocks; ``images`` maps a photo block to its content path."""
    out = []
    previous = None
    for index, block in enumerate(blocks):
        text = block.md or escape(block.text)
        in_list = block.kind == "item" and previous == "item"
        if out and not in_list:
            out.append("")
        out.extend(body_mark(m) for m in block.marks)
        if block.kind == "item":
            out.append(f"- {text}")
        elif block.kind == "quote":
            out.append(f"> {text}")
        elif block.kind == "heading":
            out.append(f"## {text}")
        elif block.kind == "caption":
            out.append(f"*{text}*")
        elif block.kind == "image":
            caption = _caption_after(blocks, index)
            path = images.get(id(block))
            alt = block.alt or (caption.text if caption else "")
            if path:
                title = f' "{caption.text.replace(chr(34), chr(39))}"' if caption else ""
                out.append(body_mark("ảnh của trang cũ — kiểm tra mô tả ảnh [alt] và chú thích"))
                out.append(f"![{escape(alt) or 'ảnh'}]({path}{title})")
                if caption:
                    caption.kind = "used"
            else:
                out.append(body_mark(f"ảnh {block.src} của trang cũ chưa có trong content/ — "
                                     "chép ảnh vào content/images/ rồi chèn ảnh theo mục 7 "
                                     "của hướng dẫn biên tập"))
        elif block.kind == "used":
            if out and out[-1] == "":
                out.pop()
            previous = block.kind
            continue
        else:
            out.append(text)
        previous = block.kind
    return "\n".join(out).strip("\n") + "\n"


def _caption_after(blocks, index):
    for block in blocks[index + 1:index + 2]:
        if block.kind == "caption":
            return block
    return None


def _one_line(text):
    return " ".join(str(text).split())
