from .feeds import register

# Imported when the feeds are made (in a forked copy of the build), not with the plugin:
# the live preview loads them ahead of its next build (see ``tinhoi.build.preload``).
PRELOAD = ("feedgen.feed", "lxml.html")

__all__ = ["PRELOAD", "register"]
