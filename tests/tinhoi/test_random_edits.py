"""tinhoi build after a run of random edits: the site is byte for byte that of a plain build.

Each step makes one to three edits an editor or a site's maintainer makes (a body, a
title, tags, an event, a date in the future, an article added, renamed, deleted or made
a draft, a photo, a page, a template, the CSS, a setting, a day passing), then builds
the project as ``make html`` does (its caches, its snapshot, the last site beside it)
and, in a fresh copy of the project (so its caches start empty), a plain build: every
cache and shortcut with a switch off. Every file of the two sites must have the same
bytes. The live preview's builds run the same edits too: with drafts, beside the preview
in place (``--previous``), each put in place as ``make devserver`` does, against a plain
build with drafts. The edits come from a seeded generator, so a failure names its seed and the edits
that led to it, and replays the same way. ``TINHOI_RANDOM_EDITS=SEED:STEPS`` runs
another seed for longer (``5:60``): the suite runs a short one.
"""

import datetime
import os
import random
import re
import shutil
import subprocess
import sys

import pytest
from PIL import Image

from tests.conftest import ROOT
from tinhoi.build import swap_into_place
from tinhoi.devserver import preview_build_command

sys.path.insert(0, str(ROOT / "bench"))
from gen_corpus import event_block, generate  # noqa: E402

SEED, STEPS = (int(part) for part in os.environ.get("TINHOI_RANDOM_EDITS", "2026:8").split(":"))
START = datetime.datetime(2024, 6, 15, 3, 0, tzinfo=datetime.UTC)
# Every cache and shortcut with a switch off (the others start empty in the fresh copy):
# the reference a build with them must match.
PLAIN = (
    "TINHOI_CONTENT_CACHE = False\nTINHOI_SNAPSHOT = False\nTINHOI_MARKDOWN_PREFILTER = False\n"
    "RENDER_CACHE = False\nRENDER_PROCESSES = 1\nRENDER_TEMPLATE_CACHE = False\n"
    "RENDER_ESCAPE_MEMO = False\nRENDER_PERIOD_ARCHIVES = False\n"
    "SEARCH_CACHE_PATH = None\nSEARCH_EARLY = False\n"
    "FEEDS_CACHE_PATH = None\nCALENDARS_CACHE_PATH = None\n"
)
TAGS = ["khuyến học", "học bổng", "ký kết", "thư viện", "Đà Nẵng", "tin mới"]
ORGANISATIONS = ["Hội Khuyến học quận 10", "Trường THCS Nguyễn Du", "Hội Khuyến học Đà Nẵng"]


class Project:
    """A generated project, the edits made to it, and its clock."""

    def __init__(self, folder, rng):
        self.folder, self.rng, self.now, self.settings = folder, rng, START, []
        generate(folder, 16, 2, seed=SEED)
        shutil.copytree(ROOT / "theme", folder / "theme")
        self.write_settings()

    def write_settings(self, folder=None, extra=""):
        (folder or self.folder).joinpath("pelicanconf.py").write_text(
            f"exec(open({str(ROOT / 'pelicanconf.py')!r}, encoding='utf-8').read())\n"
            "PATH = 'content'\nOUTPUT_PATH = 'output'\nTHEME = 'theme'\n"
            f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n"
            "SITEURL = 'https://tinhoi.example.org'\nRELATIVE_URLS = False\n"
            "SEARCH_SHARD_SIZE = 5\n" + "".join(self.settings) + extra, encoding="utf-8")

    def build(self, folder=None, preview=False):
        """``tinhoi build`` of the project (or of ``folder``) at the project's clock; with
        ``preview``, as the live preview builds it: with drafts, beside the preview in
        ``xem-truoc/`` (reusing its pages), then put in its place."""
        folder = folder or self.folder
        if not preview:
            return self._tinhoi(folder, "-o", "output")
        command, _ = preview_build_command("pelicanconf.py", "xem-truoc")  # the devserver's own
        built = self._run(folder, command)
        if built.returncode == 0:
            (folder / "xem-truoc").mkdir(exist_ok=True)
            swap_into_place(str(folder / "xem-truoc.moi"), str(folder / "xem-truoc"),
                            trash=str(folder / ".cache" / "rac"))
        return built

    def plain_build(self, folder, drafts=False):
        """A plain build (of :meth:`plain_copy`), with drafts for the preview's."""
        return self._tinhoi(folder, "-o", "output", *(["--drafts"] if drafts else []))

    def _tinhoi(self, folder, *arguments):
        return self._run(folder, [sys.executable, "-m", "tinhoi", "build", "-s",
                                  "pelicanconf.py", *arguments])

    def _run(self, folder, command):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TINHOI_NOW": self.now.isoformat()}
        return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                              timeout=300, check=False)

    def plain_copy(self, folder):
        """A fresh copy of the project (no cache, no site) set to build with no shortcut."""
        for part in ("content", "theme"):
            shutil.copytree(self.folder / part, folder / part)
        self.write_settings(folder, PLAIN)
        return folder

    def articles(self):
        return sorted((self.folder / "content").glob("2*/*.md"))

    # The edits: each takes a serial number (for new names and texts) and an article.

    def body(self, n, article):
        with open(article, "a", encoding="utf-8") as handle:
            handle.write(f"\nCâu thêm số {n} về [Hội](https://vi.wikipedia.org) học.\n")

    def title(self, n, article):
        set_field(article, "title", f"Tiêu đề mới số {n} của Hội Khuyến học Đà Nẵng")

    def summary(self, n, article):
        set_field(article, "summary", f"Tóm tắt số {n}.")

    def tags(self, n, article):
        set_field(article, "tags", "[" + ", ".join(self.rng.sample(TAGS, 2)) + "]")

    def category(self, n, article):
        set_field(article, "category", self.rng.choice(["Học bổng", "Tin tức", f"Mục {n}"]))

    def author(self, n, article):
        set_field(article, "author", self.rng.choice(["PV", "Nguyễn Văn Đức"]))

    def slug(self, n, article):
        set_field(article, "slug", f"duong-dan-{n}")

    def past_date(self, n, article):
        year = self.rng.randint(2015, 2023)
        day, month = self.rng.randint(1, 28), self.rng.randint(1, 9)
        set_field(article, "date", f"{day:02d}/{month:02d}/{year} 09:{n % 60:02d}")
        set_event_field(article, "date", f"{year}-05-1{n % 10} 08:00")

    def future_date(self, n, article):
        """Scheduled: published once the clock passes it."""
        when = self.now + datetime.timedelta(days=self.rng.choice([2, 10]))
        set_field(article, "date", f"{when:%d/%m/%Y} 10:{n % 60:02d}")
        set_event_field(article, "date", f"{when:%Y-%m-%d} 10:00")

    def event_type(self, n, article):
        """Another kind of event: a whole new event block, with the fields its kind needs."""
        kind = self.rng.choice(["meeting", "signing", "award"])
        head, separator, body = read(article).partition("\n---\n")
        lines = head.split("\n")
        if "event:" in lines:  # the block and its indented lines, not the fields after it
            start = end = lines.index("event:")
            while end + 1 < len(lines) and lines[end + 1].startswith(" "):
                end += 1
            lines = lines[:start] + lines[end + 1:]
        when = datetime.date(self.rng.randint(2015, 2023), 5, 1 + n % 28)
        article.write_text("\n".join(lines + event_block(self.rng, kind, when)) + separator
                           + body, encoding="utf-8")

    def event_organiser(self, n, article):
        set_event_field(self.with_event(article), "organizer", self.rng.choice(ORGANISATIONS))

    def event_place(self, n, article):
        set_event_field(self.with_event(article), "location", f"Hội trường số {n}, Đà Nẵng")

    def with_event(self, article):
        """``article`` when it reports an event, else an article that does."""
        if "\nevent:" in read(article):
            return article
        return self.rng.choice([a for a in self.articles() if "\nevent:" in read(a)])

    def new_article(self, n, article):
        copy = article.with_name(f"moi-{n}.md")
        shutil.copyfile(article, copy)
        set_field(copy, "title", f"Bài mới số {n} ở Đà Nẵng")
        set_field(copy, "slug", None)  # its own, made of its title

    def rename(self, n, article):
        article.rename(article.with_name(f"doi-ten-{n}.md"))

    def delete(self, n, article):
        if len(self.articles()) > 8:
            article.unlink()

    def draft(self, n, article):
        set_field(article, "status", "draft" if "status: draft" not in read(article) else None)

    def touch(self, n, article):
        os.utime(article)

    def photo(self, n, article):
        """A new photo for the article, or one of its photos turned on its side."""
        images = self.folder / "content" / "images"
        if self.rng.random() < 0.5:
            Image.new("RGB", (640, 480), (n * 20 % 256, 90, 40)).save(images / f"moi-{n}.jpg")
            set_field(article, "image", f"/images/moi-{n}.jpg")
            set_field(article, "image_alt", f"Ảnh số {n}")
        else:
            photo = self.rng.choice(sorted(images.glob("*.jpg")))
            Image.open(photo).convert("RGB").rotate(90, expand=True).save(photo)

    def page(self, n, article):
        page = self.folder / "content" / "pages" / self.rng.choice(["gioi-thieu.md", "lien-he.md"])
        page.parent.mkdir(exist_ok=True)
        if page.exists() and self.rng.random() < 0.3:
            page.unlink()
        else:
            page.write_text(f"---\ntitle: Trang {page.stem} {n}\n---\nHội Khuyến học {n}.\n",
                            encoding="utf-8")

    def template(self, n, article):
        partial = self.folder / "theme" / "templates" / "partials" / self.rng.choice(
            ["footer_extra.html", "article_after.html"])
        partial.write_text(read(partial) + f"\n<p>Thêm {n}</p>\n", encoding="utf-8")

    def css(self, n, article):
        sheet = self.folder / "theme" / "static" / "css" / "site.css"
        sheet.write_text(read(sheet) + f"\n/* {n} */\n", encoding="utf-8")

    def setting(self, n, article):
        self.settings.append(self.rng.choice([f"SITENAME = 'Tin hội {n}'\n",
                                              f"DEFAULT_PAGINATION = {self.rng.randint(3, 9)}\n",
                                              f"SEARCH_SHARD_SIZE = {self.rng.randint(3, 9)}\n"]))
        self.write_settings()

    def day_passes(self, n, article):
        self.now += datetime.timedelta(days=self.rng.choice([1, 3, 12]), hours=5)

    EDITS = ("body", "body", "title", "summary", "tags", "category", "author", "slug",
             "past_date", "future_date", "event_type", "event_organiser", "event_place",
             "new_article", "rename", "delete", "draft", "touch", "photo", "page",
             "template", "css", "setting", "day_passes")

    def edit(self, n):
        """One random edit; its name and the article it touched."""
        name, article = self.rng.choice(self.EDITS), self.rng.choice(self.articles())
        getattr(self, name)(n, article)
        return f"{name} {article.name}"


def read(path):
    return path.read_text(encoding="utf-8")


def set_field(article, key, value):
    """Set (or with ``None`` remove) a field of the article's front-matter."""
    head, separator, body = read(article).partition("\n---\n")
    lines = [line for line in head.split("\n") if not line.startswith(key + ":")]
    if value is not None:
        lines.append(f"{key}: {value}")
    article.write_text("\n".join(lines) + separator + body, encoding="utf-8")


def set_event_field(article, key, value):
    article.write_text(re.sub(rf"^  {key}: .*$", f"  {key}: {value}", read(article), count=1,
                              flags=re.MULTILINE), encoding="utf-8")


def site(output):
    return {str(path.relative_to(output)): path.read_bytes()
            for path in sorted(output.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("preview", [False, True], ids=["make-html", "make-devserver"])
def test_a_run_of_random_edits_builds_the_site_of_a_plain_build(tmp_path, preview):
    project = Project(tmp_path / "du-an", random.Random(SEED))
    first = project.build(preview=preview)
    assert first.returncode == 0, first.stderr[-2000:]
    done = []
    for step in range(STEPS):
        edits = [project.edit(len(done) * 3 + i) for i in range(project.rng.randint(1, 3))]
        done.append(edits)
        built = project.build(preview=preview)
        plain_folder = project.plain_copy(tmp_path / f"tham-chieu-{step}")
        plain = project.plain_build(plain_folder, drafts=preview)
        context = f"seed {SEED}, edits so far: {done}"
        assert built.returncode == plain.returncode == 0, (
            f"{context}\n{built.stderr[-1500:]}\n{plain.stderr[-1500:]}")
        # Every edit is one the content check accepts: an article it refused would
        # leave both sites (and this test's coverage) without it.
        assert "ERROR" not in built.stderr + plain.stderr, f"{context}\n{built.stderr[-1500:]}"
        ours = site(project.folder / ("xem-truoc" if preview else "output"))
        reference = site(plain_folder / "output")
        assert sorted(ours) == sorted(reference), context
        different = [name for name in reference if ours[name] != reference[name]]
        assert different == [], context
        shutil.rmtree(plain_folder)
