"""The live preview's rebuilds (``make devserver``), timed as an editor waits for them.

    python bench/bench_preview.py --articles 2000 [--runs 3] [--tmpfs] [--fresh]

Generates the benchmark corpus (bench/gen_corpus.py), builds the preview once as
``make devserver`` does when it starts (``tinhoi.devserver.run_build``: a fresh ``python
-m tinhoi build --drafts`` process writing beside the preview, whose new folder then
replaces it), and then, in each run, rebuilds it with nothing changed and after one
sentence was added to one article.  As the devserver does, each rebuild is made by a
build process started once the last one was done (``tinhoi.devserver.SpareBuild``),
given ``PAUSE`` seconds to load before the change, as an editor takes to make one
(``--fresh``: a new process for each build instead, as before the spare builds).  Each
time is the devserver's: from the change seen to the new preview in place.  Prints every
build and the medians, with each median as a share of the first build (which converts
every article and renders every page).  After each edit the script checks that the
preview shows the new sentence.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from bench_build import compile_project, edit_one_article, tinhoi_settings  # noqa: E402
from gen_corpus import generate  # noqa: E402

from tinhoi.build import TRASH  # noqa: E402
from tinhoi.devserver import SpareBuild, run_build  # noqa: E402

# Seconds between a build and the next change: the spare build loads meanwhile.
PAUSE = 2.0


def timed_preview_build(settings, preview, spare=None):
    """Rebuild the preview as the devserver does (with ``spare``, the build started
    ahead, when given, and the replaced preview removed in the background from the
    project's cache); return the seconds it took."""
    started = time.perf_counter()
    trash = Path(settings).parent / ".cache" / TRASH
    put_in_place, errors, _ = run_build(str(settings), str(preview), out=lambda line: None,
                                        spare=spare, trash=str(trash))
    seconds = time.perf_counter() - started
    if not put_in_place:
        raise SystemExit(f"the preview build failed: {errors[:3]}")
    return seconds


def shows(preview, sentence):
    """Whether a page of the preview holds ``sentence``."""
    return any(sentence in page.read_text(encoding="utf-8")
               for page in preview.rglob("index.html"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tmpfs", action="store_true", help="work in /dev/shm")
    parser.add_argument("--fresh", action="store_true",
                        help="no build started ahead: a new process for each build")
    args = parser.parse_args()
    where = "/dev/shm" if args.tmpfs else None
    compile_project()
    with tempfile.TemporaryDirectory(prefix="tinhoi-preview-", dir=where) as base:
        work = Path(base)
        generate(work, args.articles, 0)
        settings = tinhoi_settings(work, work / "output")
        preview = work / ".cache" / "xem-truoc"
        print(f"articles: {args.articles}  runs: {args.runs}  "
              f"where: {'tmpfs' if args.tmpfs else 'disk'}  "
              f"builds: {'fresh' if args.fresh else 'started ahead'}", flush=True)
        first = timed_preview_build(settings, preview)
        print(f"  first build      {first:7.2f} s", flush=True)

        def rebuild():
            spare = None if args.fresh else SpareBuild(str(settings), str(preview))
            time.sleep(PAUSE)
            try:
                return timed_preview_build(settings, preview, spare)
            finally:
                if spare is not None:
                    spare.discard()

        times = {"unchanged": [], "edit": []}
        for run in range(args.runs):
            times["unchanged"].append(rebuild())
            sentence = edit_one_article(work, run)
            times["edit"].append(rebuild())
            if not shows(preview, sentence):
                raise SystemExit("the edited article is not in the rebuilt preview")
            print(f"  run {run + 1} unchanged {times['unchanged'][-1]:7.2f} s   "
                  f"edit {times['edit'][-1]:7.2f} s", flush=True)
        print(f"\n{'preview rebuild':18s} {'median s':>9s} {'÷ first':>8s}")
        for scenario, values in times.items():
            median = statistics.median(values)
            print(f"{scenario:18s} {median:9.2f} {median / first:8.2f}")


if __name__ == "__main__":
    main()
