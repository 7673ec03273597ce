"""Rebuild the practice self-check digests in casebank/practice from the reference methods.

Usage: python scripts/build_practice_checks.py [m04 m05 ...]
"""

from __future__ import annotations

import sys

from casebank.load import load_bank
from grading.practice import build_checks


def main() -> None:
    modules = sys.argv[1:] or None
    for path in build_checks(load_bank(), modules=modules):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
