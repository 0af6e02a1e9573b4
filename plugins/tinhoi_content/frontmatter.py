"""Split an article into its YAML front-matter and Markdown body.

The YAML is read with PyYAML's ``BaseLoader``: every scalar stays the string the
editor typed.  That sidesteps the YAML 1.1 traps (``9:00`` read as the integer
540, ``2018-08-17 11:07:00`` as a naive datetime, ``no`` as ``False``) and lets
the contract give each value the meaning an editor had in mind.  Every value is
wrapped in a :class:`Field` that remembers its line, so problems can say where.
"""

import unicodedata
from dataclasses import dataclass

import yaml

FENCE = "---"
# libyaml's parser when PyYAML has it (its wheels do): the same nodes and line marks,
# about ten times faster than the pure-Python one, which was most of reading an article.
_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


@dataclass
class Field:
    """One front-matter value: plain ``str``, ``list`` of Field or ``dict`` of str → Field."""

    value: object
    line: int

    def plain(self):
        """The value with every nested Field unwrapped."""
        if isinstance(self.value, list):
            return [item.plain() for item in self.value]
        if isinstance(self.value, dict):
            return {key: item.plain() for key, item in self.value.items()}
        return self.value


class FrontMatterError(ValueError):
    """The front-matter cannot be read; ``line`` is 1-based in the source file."""

    def __init__(self, line, message):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Document:
    """An article split in two: ``fields`` by key, ``body`` and the line it starts on."""

    fields: dict
    fields_line: int
    body: str
    body_line: int


def normalise_text(text):
    """NFC-normalise text and drop a byte-order mark and Windows line ends."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def split_document(text):
    """Split normalised source text into a :class:`Document`.

    Raises :class:`FrontMatterError` when the front-matter is missing, not closed,
    not valid YAML, or not a mapping of fields.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        raise FrontMatterError(
            1,
            "thiếu phần thông tin đầu bài (front-matter) — "
            "tệp phải bắt đầu bằng một dòng '---', các trường YAML, rồi một dòng '---'",
        )
    for index in range(1, len(lines)):
        if lines[index].strip() in (FENCE, "..."):
            closing = index
            break
    else:
        raise FrontMatterError(
            1, "phần thông tin đầu bài không được đóng — cần một dòng '---' sau các trường"
        )
    yaml_text = "\n".join(lines[1:closing])
    root = _compose(yaml_text, first_line=2)
    body = "\n".join(lines[closing + 1 :])
    if root is None:
        return Document({}, 2, body, closing + 2)
    field = _to_field(root, first_line=2)
    if not isinstance(field.value, dict):
        raise FrontMatterError(
            field.line,
            "phần thông tin đầu bài phải là danh sách 'tên: giá trị' — "
            "ví dụ 'title: Lễ trao học bổng'",
        )
    return Document(field.value, field.line, body, closing + 2)


def _compose(yaml_text, first_line):
    try:
        return yaml.compose(yaml_text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line if mark else 0)
        problem = error.problem or "không đọc được"
        raise FrontMatterError(
            line,
            f"YAML sai cú pháp ({problem}) — kiểm tra dấu ':' và thụt lề; "
            "giá trị có dấu ':' hoặc bắt đầu bằng ký tự đặc biệt cần đặt trong ngoặc kép",
        ) from None
    except yaml.YAMLError as error:
        raise FrontMatterError(first_line, f"YAML sai cú pháp ({error})") from None


def _to_field(node, first_line):
    line = first_line + node.start_mark.line
    if isinstance(node, yaml.ScalarNode):
        return Field(node.value.strip(), line)
    if isinstance(node, yaml.SequenceNode):
        return Field([_to_field(item, first_line) for item in node.value], line)
    if isinstance(node, yaml.MappingNode):
        mapping = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise FrontMatterError(
                    first_line + key_node.start_mark.line,
                    "tên trường phải là một từ — ví dụ 'title:'",
                )
            key = key_node.value.strip().lower()
            if key in mapping:
                raise FrontMatterError(
                    first_line + key_node.start_mark.line,
                    f"trường '{key}' được khai báo hai lần — chỉ giữ một lần",
                )
            value = _to_field(value_node, first_line)
            # Point at the key: for a block list or mapping that is where the editor looks.
            value.line = first_line + key_node.start_mark.line
            mapping[key] = value
        return Field(mapping, line)
    raise FrontMatterError(line, "giá trị không đọc được")
