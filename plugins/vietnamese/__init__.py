from .vietnamese import register

__all__ = ["register"]
