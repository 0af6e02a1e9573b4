"""structured_data: see structured_data.py."""

from .structured_data import register

__all__ = ["register"]
