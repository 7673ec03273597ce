"""Regenerate the committed case bank and its assessor key from the manifest's seed.

Usage: python scripts/regenerate_bank.py [--seed S]

Writes casebank/data (facts) and grading/key (assessor key) in place, rebuilds the practice
self-check digests, which depend on the bank, and prints how many phrasings the notes use per
need type (issue 17 asks for at least 20; `grading.casegen.phrasing` counts them).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from casebank.load import load_bank
from grading.casegen import generate_bank
from grading.casegen.phrasing import MIN_PHRASINGS_PER_NEED, need_phrasings
from grading.practice import build_checks

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    manifest = json.loads((ROOT / "casebank/data/manifest.json").read_text(encoding="utf-8"))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=manifest["seed"])
    args = parser.parse_args()
    generate_bank(ROOT / "casebank/data", ROOT / "grading/key", seed=args.seed)
    bank = load_bank(ROOT / "casebank/data")
    written = build_checks(bank)
    print(f"bank regenerated with seed {args.seed}; {len(written)} self-check files rebuilt")
    counts = need_phrasings(bank.notes["text"])
    print("phrasings per need:", ", ".join(f"{code} {n}" for code, n in counts.items()))
    short = [code for code, n in counts.items() if n < MIN_PHRASINGS_PER_NEED]
    if short:
        print(f"warning: fewer than {MIN_PHRASINGS_PER_NEED} phrasings for {', '.join(short)}")


if __name__ == "__main__":
    main()
