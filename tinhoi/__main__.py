"""``python -m tinhoi COMMAND``: the editors' and builders' commands.

check    report every content problem (``make check``)
build    build the site, swapping it into place when done (``make html``)
publish  check, then build with publishconf.py; refuse on any error (``make publish``)
"""

import argparse
import logging
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
    for name, default in (("build", "pelicanconf.py"), ("publish", "publishconf.py")):
        sub = commands.add_parser(name)
        sub.add_argument("-s", "--settings", default=default)
        sub.add_argument("-o", "--output", default=None)
        sub.add_argument("-v", "--verbose", action="store_true", help="in từng tệp được ghi")
    args = parser.parse_args(argv)

    if args.command == "check":
        settings = load(args.settings)
        problems, files = check_module.check_content(settings)
        return check_module.report(problems, files, strict=args.strict)
    return _build(args, publish=args.command == "publish")


def _build(args, publish):
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s: %(message)s")
    settings = load(args.settings)
    output = args.output or settings["OUTPUT_PATH"]
    if publish:
        problems, files = check_module.check_content(settings)
        if check_module.report(problems, files, strict=False) != 0:
            print(f"Không xuất bản: nội dung còn lỗi; thư mục '{output}' được giữ nguyên.")
            return 1
    try:
        errors = build_module.build(settings, output, refuse_on_errors=publish)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
