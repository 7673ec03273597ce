"""Sweep an exam's typical mistakes over drawn variants: no mistake may earn full marks on any.

    python scripts/sweep_mistakes.py assoc --variants 500

Draws ``--variants`` variants of EXAM from the canonical exam pool (trainee ids ``sweep0000``,
``sweep0001``, ...), hands in each typical mistake of `grading.exams.<EXAM>.mistakes` and
prints, per question and mistake, on how many variants it scored full credit and the mean
credit it earned. Exits 1 when any mistake scored full credit on any variant, or a question
has no typical mistake.
"""

from __future__ import annotations

import argparse
import json
import sys

from grading.exams import EXAMS
from grading.exams.sweep import sweep


def main(argv: list[str] | None = None) -> int:
    """Run the sweep and print it; 1 when a mistake scores full credit somewhere."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("exam", choices=EXAMS)
    parser.add_argument("--variants", type=int, default=500)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    result = sweep(args.exam, args.variants)
    failed = [f"{q}: no typical mistake" for q, slips in result.items() if not slips]
    failed += [
        f"{q}.{m}: full credit on {r['full_credit']} of {r['variants']} variants"
        for q, slips in result.items()
        for m, r in slips.items()
        if r["full_credit"]
    ]
    if args.json:
        print(
            json.dumps(
                {"exam": args.exam, "variants": args.variants, "questions": result, "failed": failed},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for q, slips in result.items():
            for m, r in slips.items():
                print(
                    f"{q:<24} {m:<34} full credit on {r['full_credit']:>4} of {r['variants']:>4}  "
                    f"mean credit {r['mean_credit']:.2f}"
                )
        for line in failed:
            print(f"FAIL {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
