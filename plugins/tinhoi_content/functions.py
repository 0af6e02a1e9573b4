"""A value of the settings (a function among them), as the fingerprints of the caches
name it.

A function of the plugins or of a library is named by its code: the plugins' sources
and the libraries' versions are part of the fingerprints already.  A function of the
settings file (a ``slugify`` for a Markdown extension, say) may do something else with
the same code: a default argument, a value its closure holds or a global of the
settings file it reads changed.  Those values are part of its name too.
"""

import datetime
import functools
import hashlib
import json
import marshal
import os
import re
import sys
import sysconfig
import types

# The functions being named, so that one reading itself (or two reading each other)
# is named once.
_naming = set()


class UnstableSettingError(ValueError):
    """A setting has no text that stays the same from one build to the next."""


def stable_text(value):
    """``value`` (one JSON cannot write) as JSON can, the same in every build (json's
    ``default``); :class:`UnstableSettingError` when it has no such text (an object
    known only by its address)."""
    if isinstance(value, (set, frozenset)):
        return ["set", sorted(json.dumps(item, sort_keys=True, default=stable_text)
                              for item in value)]
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type,
                          types.MethodType)):
        return ["code", *function_text(value)]
    if isinstance(value, re.Pattern):
        return ["re", value.pattern if isinstance(value.pattern, str)
                else value.pattern.hex(), value.flags]
    if isinstance(value, bytes):
        return ["bytes", value.hex()]
    text = repr(value)
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta,
                          datetime.tzinfo)) or " at 0x" not in text:
        return [type(value).__qualname__, text]
    raise UnstableSettingError(f"{type(value).__name__} {text[:60]}")


def function_text(function):
    """``[qualified name, digest of the code, values]`` of ``function`` (a method: of its
    function), the values (defaults, closure, the globals its code names, as
    :func:`stable_text` names them) only for a function that is not the plugins' or a
    library's; :class:`UnstableSettingError` for a value that cannot be named."""
    function = getattr(function, "__func__", function)
    name = f"{getattr(function, '__module__', '')}.{getattr(function, '__qualname__', '')}"
    code = getattr(function, "__code__", None)
    if code is None:
        return [name]
    try:
        parts = [name, hashlib.sha256(marshal.dumps(code)).hexdigest()]
    except ValueError:  # a code object marshal cannot write
        parts = [name]
    if _is_known_code(code.co_filename) or id(function) in _naming:
        return parts
    _naming.add(id(function))
    try:
        cells = []
        for cell in function.__closure__ or ():
            try:
                cells.append(cell.cell_contents)
            except ValueError:  # a cell not filled yet
                cells.append(None)
        found = function.__globals__
        read = {key: found[key] for key in sorted(_global_names(code)) if key in found}
        parts.append(json.dumps([function.__defaults__, function.__kwdefaults__, cells, read],
                                sort_keys=True, default=stable_text, ensure_ascii=False))
    finally:
        _naming.discard(id(function))
    return parts


def _global_names(code):
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _global_names(constant)
    return names


@functools.cache
def _known_roots():
    roots = {os.path.dirname(os.path.dirname(os.path.abspath(__file__)))}  # the plugins
    roots.update(os.path.abspath(path) for key in ("stdlib", "platstdlib", "purelib", "platlib")
                 if (path := sysconfig.get_paths().get(key)))
    roots.update(os.path.abspath(path) for path in (sys.prefix, sys.base_prefix))
    return tuple(sorted(roots))


def _is_known_code(filename):
    """Whether ``filename`` is a source of the plugins or of a library (or Python's)."""
    if filename.startswith("<frozen "):
        return True  # Python's own modules, frozen into it
    if not os.path.isabs(filename):
        return False  # "<string>" and the like: code of the settings file's making
    return any(os.path.commonpath([filename, root]) == root for root in _known_roots())
