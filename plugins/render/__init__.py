from .render import register

__all__ = ["register"]
