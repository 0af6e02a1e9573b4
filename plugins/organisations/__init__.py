"""organisations: see organisations.py."""

from .organisations import register

__all__ = ["register"]
