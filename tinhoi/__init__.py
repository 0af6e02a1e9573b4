"""tinhoi: command-line tools around the Pelican build (check, build, publish)."""

import os
import sys

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def use_plugins(settings):
    """Make the project's plugin folders importable, as Pelican does for a build."""
    for path in settings.get("PLUGIN_PATHS", []):
        if path not in sys.path:
            sys.path.insert(0, path)
