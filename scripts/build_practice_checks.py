"""Rebuild the practice self-check digests in casebank/practice from the reference methods.

Run it after every regeneration of the canonical bank: each module's file holds salted digests
of the answers for every practice client a trainee can be drawn (`casebank.practice_pool`), and
refuses to build when a feedback text would state an answer.

Usage: python scripts/build_practice_checks.py [m04 m05 ...]
"""

from __future__ import annotations

import json
import sys

from casebank.load import load_bank
from grading.practice import build_checks


def main() -> None:
    modules = sys.argv[1:] or None
    for path in build_checks(load_bank(), modules=modules):
        doc = json.loads(path.read_text(encoding="utf-8"))
        print(f"wrote {path} ({len(doc['exercises'])} exercises, {len(doc['clients'])} drawable clients)")


if __name__ == "__main__":
    main()
