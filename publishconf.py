"""Settings for the public site (``make publish``): absolute URLs on the real domain."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("TINHOI_SITEURL", "https://tinhoi.example.org")
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
