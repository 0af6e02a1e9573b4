from .site_extras import register

__all__ = ["register"]
