"""Reading the project's Pelican settings for the command-line tools."""

import os

from pelican.settings import read_settings

from . import use_plugins


def load(settings_file="pelicanconf.py", override=None):
    """Read ``settings_file`` with Pelican's defaults and make its plugins importable."""
    if not os.path.isfile(settings_file):
        raise SystemExit(f"không tìm thấy tệp cấu hình '{settings_file}'")
    settings = read_settings(settings_file, override=override or {})
    use_plugins(settings)
    return settings
