from .tinhoi_content import register

__all__ = ["register"]
