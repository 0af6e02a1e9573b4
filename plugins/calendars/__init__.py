from .calendars import register

__all__ = ["register"]
