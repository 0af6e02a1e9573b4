"""events: see events.py."""

from .events import register

__all__ = ["register"]
