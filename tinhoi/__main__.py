"""``python -m tinhoi COMMAND``: the editors' and builders' commands.

check      report every content problem (``make check``)
new        start a new article from the template of its type (``make new``)
import     turn old articles (text or saved HTML pages) into articles (``make import``)
build      build the site, swapping it into place when done (``make html``)
devserver  preview with drafts, rebuilt and reloaded on every change (``make devserver``)
publish    check, build with publishconf.py, precompress, swap in; refuse on any error
           (``make publish``)
"""

import argparse
import logging
import os
import sys

from . import build as build_module
from . import check as check_module
from .settings import load


def main(argv=None):
    """Run one command; return its exit status."""
    parser = argparse.ArgumentParser(prog="tinhoi", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="kiểm tra toàn bộ nội dung")
    check.add_argument("-s", "--settings", default="pelicanconf.py")
    check.add_argument("--strict", action="store_true", help="cảnh báo cũng tính là lỗi")

    new = commands.add_parser("new", help="tạo bài mới từ mẫu")
    new.add_argument("-s", "--settings", default="pelicanconf.py")
    new.add_argument("--title", "-t", default="", help="tiêu đề bài")
    new.add_argument("--type", default="news", help="meeting | signing | award | news")

    importer = commands.add_parser("import", help="nhập bài cũ (tệp .txt hoặc .html)")
    importer.add_argument("-s", "--settings", default="pelicanconf.py")
    importer.add_argument("sources", nargs="*", help="tệp hoặc thư mục")
    importer.add_argument("--publish", action="store_true",
                          help="ghi 'status: published' thay vì bản nháp")

    for name, default in (("build", "pelicanconf.py"), ("publish", "publishconf.py")):
        sub = commands.add_parser(name)
        sub.add_argument("-s", "--settings", default=default)
        sub.add_argument("-o", "--output", default=None)
        sub.add_argument("-v", "--verbose", action="store_true", help="in từng tệp được ghi")
        sub.add_argument("--full", action="store_true",
                         help="dựng lại cả khi không có gì thay đổi từ lần dựng trước")
        if name == "build":
            sub.add_argument("--drafts", action="store_true",
                             help="dựng cả bản nháp và bài hẹn đăng (để xem trước)")
            sub.add_argument("--previous", default=None, metavar="THƯ_MỤC",
                             help="bản dựng trước, khi không ở OUTPUT (bản xem trước): "
                                  "trang không đổi lấy lại từ đó, không dựng lại")
            sub.add_argument("--no-keep-unchanged", action="store_true",
                             help="không giữ tệp cũ thay cho tệp dựng lại giống hệt (thời "
                                  "gian sửa của tệp đổi theo lần dựng; bản xem trước)")
            sub.add_argument("--wait", action="store_true",
                             help="nạp sẵn Pelican và plugin, chờ dòng 'go' trên stdin rồi "
                                  "mới dựng (bản xem trước dựng trước lần sửa sau)")
        else:
            sub.add_argument("--no-compress", action="store_true",
                             help="không tạo bản nén .gz/.br")

    devserver = commands.add_parser("devserver", help="xem trước, tự dựng lại và tải lại trang")
    devserver.add_argument("-s", "--settings", default="pelicanconf.py")
    devserver.add_argument("-o", "--output", default=None,
                           help="thư mục bản xem trước (mặc định .cache/xem-truoc)")
    devserver.add_argument("-b", "--bind", default="127.0.0.1")
    devserver.add_argument("-p", "--port", type=int, default=8000,
                           help="cổng (8000; 0: một cổng còn trống, địa chỉ in ra cho biết "
                                "cổng nào)")
    args = parser.parse_args(argv)

    if args.command == "check":
        settings = load(args.settings)
        problems, files = check_module.check_content(settings)
        return check_module.report(problems, files, strict=args.strict)
    if args.command == "new":
        return _new(args)
    if args.command == "import":
        from .importer import import_sources

        return import_sources(args.sources, load(args.settings), publish=args.publish)
    if args.command == "devserver":
        from .devserver import serve

        return serve(args.settings, args.output, args.bind, args.port)
    return _build(args, publish=args.command == "publish")


def _new(args):
    from .new import ScaffoldError, create

    settings = load(args.settings)
    try:
        path = create(args.title, args.type, settings)
    except ScaffoldError as error:
        print(f"Không tạo bài: {error}")
        return 1
    print(f"Đã tạo {os.path.relpath(path)} (bản nháp). Mở tệp để viết; xem trước bằng "
          "'make devserver'; đổi 'status: draft' thành 'status: published' khi đăng.")
    return 0


def _build(args, publish):
    if not publish and args.wait:
        build_module.preload(args.settings)
        if sys.stdin.readline().strip() != "go":
            return 0  # not needed after all (the preview stopped, or changed its mind)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s: %(message)s")
    # How many photos were processed and how many came from the cache: always worth a line.
    logging.getLogger("images").setLevel(logging.INFO)
    override = {}
    if not publish and args.drafts:
        override["SCHEDULE_SHOW_DRAFTS"] = True
        # Read on this machine: a search shard a year, kept apart from make html's.
        override["SEARCH_PREVIEW"] = True
        logging.getLogger("schedule").setLevel(logging.INFO)
        # The preview says how many pages a change rendered again, and how many it kept.
        logging.getLogger("render").setLevel(logging.INFO)
    settings = load(args.settings, override=override)
    output = args.output or settings["OUTPUT_PATH"]

    def check_before_publishing():
        problems, files = check_module.check_content(settings)
        if check_module.report(problems, files, strict=False) != 0:
            raise _ContentRefused

    try:
        if publish:
            from . import publish as publish_module

            # The content is checked once the site is to be built again: a site kept as
            # it is passed the same check when it was published.
            errors = publish_module.build(settings, output, refuse_on_errors=True,
                                          compress=not args.no_compress,
                                          skip_if_unchanged=not args.full,
                                          before_build=check_before_publishing)
        else:
            errors = build_module.build(settings, output, refuse_on_errors=False,
                                        previous=args.previous,
                                        keep_unchanged=not args.no_keep_unchanged,
                                        skip_if_unchanged=not args.full)
    except build_module.SiteUnchanged:
        print(f"Không có gì thay đổi từ lần dựng trước: '{output}' giữ nguyên "
              "('--full' để dựng lại).")
        _mention_leftovers(output, settings)
        return 0
    except _ContentRefused:
        print(f"Không xuất bản: nội dung còn lỗi; thư mục '{output}' được giữ nguyên.")
        return 1
    except build_module.BuildRefusedError as refused:
        print(f"Không xuất bản: bản dựng có {refused.errors} lỗi; '{output}' được giữ nguyên.")
        return 1
    except Exception as error:  # a template or plugin failure: keep the old site
        logging.getLogger(__name__).error("Dựng trang thất bại: %s", error)
        print(f"Dựng trang thất bại; thư mục '{output}' được giữ nguyên.")
        return 1
    if errors:
        print(f"Đã dựng trang vào '{output}', nhưng có {errors} lỗi nội dung (xem ở trên, "
              "hoặc chạy 'make check').")
    else:
        print(f"Đã dựng trang vào '{output}'.")
    _mention_leftovers(output, settings)
    return 0


class _ContentRefused(Exception):  # noqa: N818 — the check's report says what is wrong
    """``make publish``: the content check found errors (reported already)."""


def _mention_leftovers(output, settings):
    """Name the work folders interrupted builds left: the site's, beside the output, and
    the search index's of a build without a cache, beside ``content/``."""
    folders = dict.fromkeys(os.path.dirname(os.path.abspath(path))
                            for path in (output, settings.get("PATH") or "content"))
    for parent in folders:
        try:
            names = os.listdir(parent)
        except OSError:
            continue
        # (Not the folders of builds running now: a build beside this one, waiting for it.)
        leftovers = sorted(name for name in names if build_module.leftover(name))
        if leftovers:
            print(f"Còn {len(leftovers)} thư mục dở dang của lần dựng bị ngắt trước đây "
                  f"trong '{parent}' ({', '.join(leftovers)}); có thể xóa khi không có lần "
                  "dựng nào đang chạy.")


# Commands after which the process ends without Python's teardown (see
# :func:`exit_without_teardown`).
QUICK_EXIT = ("build", "publish")


def exit_without_teardown(status):
    """End the process with ``status`` once its logs and output are flushed, without
    freeing its objects one by one.

    A build holds some 150,000 objects to its end (every article, page context and
    digest); Python's teardown frees each of them, 0.4 s of a warm build of 2,000
    articles (a tenth of it), where the system takes the memory back at once.  Every
    pool, thread, background process and temporary folder of a build that finished is
    closed before it returns (exit handlers do not run).
    """
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    exit_status = main()
    # Only after a build that finished: a failed one may leave work that the plugins'
    # exit handlers stop (the search index's background Pagefind processes).
    if exit_status == 0 and sys.argv[1:2] and sys.argv[1] in QUICK_EXIT:
        exit_without_teardown(exit_status)
    sys.exit(exit_status)
