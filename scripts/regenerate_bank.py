"""Regenerate the committed case bank and its assessor key from the manifest's seed.

Usage: python scripts/regenerate_bank.py [--seed S]

Writes casebank/data (facts) and grading/key (assessor key) in place, then rebuilds the
practice self-check digests, which depend on the bank.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from casebank.load import load_bank
from grading.casegen import generate_bank
from grading.practice import build_checks

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    manifest = json.loads((ROOT / "casebank/data/manifest.json").read_text(encoding="utf-8"))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=manifest["seed"])
    args = parser.parse_args()
    generate_bank(ROOT / "casebank/data", ROOT / "grading/key", seed=args.seed)
    written = build_checks(load_bank(ROOT / "casebank/data"))
    print(f"bank regenerated with seed {args.seed}; {len(written)} self-check files rebuilt")


if __name__ == "__main__":
    main()
