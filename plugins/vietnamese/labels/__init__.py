"""Every word the theme shows a reader, in Vietnamese.

One module per area (``core``, and one per plugin that adds pages); each defines
a ``LABELS`` dict.  They are merged in module-name order, ``core`` first, and
``VIETNAMESE_LABELS`` from the settings goes over them.
"""

import importlib
import pkgutil


def all_labels():
    """The merged labels of every module in this package."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__))
    names.sort(key=lambda name: name != "core")
    merged = {}
    for name in names:
        module = importlib.import_module(f"{__name__}.{name}")
        for key, value in module.LABELS.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
    return merged
