"""``make html`` / ``make publish``: build into a fresh folder, then swap it into place.

The site is written to a sibling folder of the output; only a build that
finished (and, when publishing, one without content errors) replaces the old
output, so a failed or interrupted build never leaves a half-written site.
"""

import logging
import os
import shutil
import tempfile

from pelican import Pelican

logger = logging.getLogger(__name__)


class ErrorCounter(logging.Handler):
    """Counts records at ERROR and above while a build runs."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record):
        """Count one error record."""
        self.count += 1


def build(settings, output_path, refuse_on_errors=False, before_swap=None):
    """Build the site with ``settings`` into ``output_path``; return the number of errors.

    With ``refuse_on_errors`` a build that logged any error leaves ``output_path``
    untouched and raises :class:`BuildRefusedError`.  ``before_swap(staging)``, when
    given, finishes the new site (e.g. precompression) before it replaces the old one.
    """
    output_path = os.path.abspath(output_path)
    parent = os.path.dirname(output_path)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".tinhoi-build-", dir=parent)
    counter = ErrorCounter()
    logging.getLogger().addHandler(counter)
    try:
        Pelican({**settings, "OUTPUT_PATH": staging, "DELETE_OUTPUT_DIRECTORY": False}).run()
        if refuse_on_errors and counter.count:
            raise BuildRefusedError(counter.count)
        if before_swap is not None:
            before_swap(staging)
        swap_into_place(staging, output_path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        logging.getLogger().removeHandler(counter)
    return counter.count


class BuildRefusedError(Exception):
    """A publish build logged errors, so the previous site was kept."""

    def __init__(self, errors):
        super().__init__(f"{errors} lỗi")
        self.errors = errors


def swap_into_place(staging, output_path):
    """Replace ``output_path`` by ``staging`` with two renames, then drop the old site."""
    os.chmod(staging, 0o755)
    old = None
    if os.path.exists(output_path):
        old = tempfile.mkdtemp(prefix=".tinhoi-old-", dir=os.path.dirname(output_path))
        os.rmdir(old)
        os.rename(output_path, old)
    os.rename(staging, output_path)
    if old:
        shutil.rmtree(old, ignore_errors=True)
