"""``python -m graph.reference [TABLES] [-o OUT]``: regenerate the reference layer's TriG files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import graph.reference
from graph.reference.layer import DEFAULT_TABLES, OUT_DIR, convert, write
from graph.reference.terms import ReferenceError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m graph.reference", description=graph.reference.__doc__
    )
    parser.add_argument(
        "tables",
        nargs="?",
        type=Path,
        default=DEFAULT_TABLES,
        help="folder with the reference CSV tables (default: ../shared/reference)",
    )
    parser.add_argument("-o", "--out", type=Path, default=OUT_DIR, help="output folder")
    args = parser.parse_args(argv)
    try:
        written = write(convert(args.tables), args.out)
    except ReferenceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(written)} TriG files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
