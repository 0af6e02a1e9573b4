"""taxonomy: see taxonomy.py."""

from .taxonomy import register

__all__ = ["register"]
