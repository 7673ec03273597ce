"""Show that exam variants are of comparable difficulty (a quick check; see below for the full one).

For each exam and a few skill levels, a simulated trainee answers each question right with
probability `skill` and otherwise makes one of the question's named typical mistakes, which
earns whatever credit the real judge (`Expected.credit`) gives it on that variant (none, on a
fair exam; part of the points on items scored in parts). The expected share of autograded
points is computed for many trainee ids (= variants); a fair exam shows a small spread.

The full evidence — reliability, item statistics, variant strata and targets, with an ability
model and rubric criteria — is ``cmacademy exam simulate EXAM`` (`grading.certification.sitting`).

Usage: python scripts/variant_fairness.py [--variants 200]
"""

from __future__ import annotations

import argparse

from grading.exams import EXAMS
from grading.exams.simulate import variant_spread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=200)
    args = parser.parse_args()
    print(f"{'exam':<8}{'skill':>6}{'variants':>10}{'mean':>8}{'stdev':>8}{'min':>8}{'max':>8}")
    for exam in EXAMS:
        for skill in (0.3, 0.5, 0.7, 0.9):
            s = variant_spread(exam, skill, args.variants)
            print(
                f"{exam:<8}{skill:>6.1f}{s.variants:>10}{s.mean:>8.3f}{s.stdev:>8.3f}{s.minimum:>8.3f}{s.maximum:>8.3f}"
            )


if __name__ == "__main__":
    main()
