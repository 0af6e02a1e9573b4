from .calendars import register
from .events import PRELOAD

__all__ = ["PRELOAD", "register"]
