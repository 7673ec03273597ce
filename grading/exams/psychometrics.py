"""Item statistics, reliability and variant comparability: one implementation for every sitting.

Used by the simulated sitting (`grading.exams.simulate`, ``cmacademy exam simulate``) and by the
cohort report of a real sitting (`grading.reports.cohort_sections`), so both print the same
numbers for the same scores. Definitions (DOMAIN.md §7):

- difficulty ``p`` of an item = mean points earned ÷ the item's maximum (proportion correct for
  right/wrong items);
- discrimination = the point-biserial correlation, i.e. Pearson's r between the item score and
  the **total score excluding that item** (the "corrected" item-rest correlation). Including the
  item would correlate it partly with itself, which inflates r most on short exams like ours;
  for a right/wrong item this r equals ``(M_p − M_q) / S · √(p·q)`` computed on the rest-score;
- reliability = Cronbach's alpha ``k/(k−1) · (1 − Σ var_i / var_total)``, which for right/wrong
  items is KR-20; population variances (the ratio does not depend on the choice);
- stratum index = a stratum's mean score ÷ the mean over all strata × 100 (100 = as hard as
  the exam on average);
- an item is flagged when its discrimination is negative (usually a wrong key), below
  `LOW_DISCRIMINATION`, or undefined because everyone scored the same; when ``p`` is above
  `TOO_EASY` or below `TOO_HARD`.

The targets of the certification scheme's evidence (issue #15): reliability at least
`MIN_RELIABILITY`, no item's point-biserial below `MIN_POINT_BISERIAL`, every stratum's index
within `MAX_STRATUM_DEVIATION` points of 100.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

TOO_EASY: Final = 0.90
TOO_HARD: Final = 0.20
MIN_RELIABILITY: Final = 0.80
MIN_POINT_BISERIAL: Final = 0.15
MAX_STRATUM_DEVIATION: Final = 3.0
#: Items below this point-biserial are flagged for review (the scheme's target).
LOW_DISCRIMINATION: Final = MIN_POINT_BISERIAL
#: Index of a stratum as hard as the exam on average.
INDEX_BASE: Final = 100.0

FLAG_NEGATIVE: Final = "negative"
FLAG_LOW: Final = "low"
FLAG_CONSTANT: Final = "constant"
FLAG_EASY: Final = "easy"
FLAG_HARD: Final = "hard"

METHOD_KR20: Final = "KR-20"
METHOD_ALPHA: Final = "Cronbach's alpha"
_EPSILON: Final = 1e-12


@dataclass(frozen=True)
class ItemStatistics:
    """Statistics of one item over the cohort."""

    item: str
    """Question id."""
    max_points: float
    """Points available."""
    n: int
    """Trainees counted."""
    difficulty: float
    """Mean points ÷ max points (proportion correct for right/wrong items)."""
    discrimination: float | None
    """Point-biserial r with the total excluding the item; None when undefined (no variance)."""
    flags: tuple[str, ...]
    """Reasons to review the item (`FLAG_*`)."""


@dataclass(frozen=True)
class StratumIndex:
    """Mean score of one variant stratum, scaled so that the mean over all strata is 100."""

    dimension: str
    """What the strata split by (for example ``role value: industry``)."""
    stratum: str
    """The stratum's label (for example an industry)."""
    n: int
    """Trainees (or variants) in the stratum."""
    mean: float
    """Mean share of points."""
    index: float
    """``mean`` ÷ the overall mean × 100."""


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Pearson's r, or None when either variable has no variance."""
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx <= _EPSILON or syy <= _EPSILON:
        return None
    return sxy / math.sqrt(sxx * syy)


def _flags(difficulty: float, r: float | None) -> tuple[str, ...]:
    flags: list[str] = []
    if r is None:
        flags.append(FLAG_CONSTANT)
    elif r < 0:
        flags.append(FLAG_NEGATIVE)
    elif r < LOW_DISCRIMINATION:
        flags.append(FLAG_LOW)
    if difficulty > TOO_EASY:
        flags.append(FLAG_EASY)
    elif difficulty < TOO_HARD:
        flags.append(FLAG_HARD)
    return tuple(flags)


def item_statistics(
    scores: Sequence[Sequence[float]], items: Sequence[str], max_points: Sequence[float]
) -> list[ItemStatistics]:
    """Difficulty, corrected point-biserial discrimination and review flags of every item.

    Args:
        scores: one row per trainee, one column per item (points earned).
        items: item ids (column order).
        max_points: points available per item.
    """
    totals = [sum(row) for row in scores]
    out = []
    for j, (item, maximum) in enumerate(zip(items, max_points, strict=True)):
        column = [row[j] for row in scores]
        difficulty = (sum(column) / len(column)) / maximum
        rest = [total - value for total, value in zip(totals, column, strict=True)]
        r = pearson(column, rest)
        out.append(ItemStatistics(item, maximum, len(column), difficulty, r, _flags(difficulty, r)))
    return out


def cronbach_alpha(scores: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha (KR-20 for right/wrong items); None when undefined.

    Undefined with fewer than two items or trainees, or when every total is the same.
    """
    if len(scores) < 2 or len(scores[0]) < 2:
        return None
    k = len(scores[0])
    item_var = sum(statistics.pvariance([row[j] for row in scores]) for j in range(k))
    total_var = statistics.pvariance([sum(row) for row in scores])
    if total_var <= _EPSILON:
        return None
    return k / (k - 1) * (1 - item_var / total_var)


def reliability_method(scores: Sequence[Sequence[float]], max_points: Sequence[float]) -> str:
    """`METHOD_KR20` when every score is 0 or its item's maximum, else `METHOD_ALPHA`."""
    right_wrong = all(
        abs(value) <= _EPSILON or abs(value - maximum) <= _EPSILON
        for row in scores
        for value, maximum in zip(row, max_points, strict=True)
    )
    return METHOD_KR20 if right_wrong else METHOD_ALPHA


def strata_index(
    shares: Mapping[str, float], strata: Mapping[str, str], dimension: str = ""
) -> list[StratumIndex]:
    """Each stratum's mean share scaled so that the mean over all units is 100, largest first.

    Args:
        shares: unit (trainee or variant) -> share of points (or expected share).
        strata: unit -> stratum label; units without one count as ``?``.
        dimension: what the strata split by, carried into each row.
    """
    groups: dict[str, list[float]] = {}
    for unit, share in shares.items():
        groups.setdefault(strata.get(unit, "?"), []).append(share)
    overall = statistics.fmean(shares.values()) if shares else 0.0
    return [
        StratumIndex(
            dimension,
            label,
            len(values),
            statistics.fmean(values),
            INDEX_BASE * statistics.fmean(values) / overall if overall > _EPSILON else INDEX_BASE,
        )
        for label, values in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


def target_failures(
    reliability: float | None, items: Sequence[ItemStatistics], strata: Sequence[StratumIndex]
) -> list[str]:
    """The evidence targets a sitting misses, one line each (empty: all met)."""
    failures = []
    if reliability is None or reliability < MIN_RELIABILITY:
        shown = "undefined" if reliability is None else f"{reliability:.3f}"
        failures.append(f"reliability {shown} < {MIN_RELIABILITY:.2f}")
    for s in items:
        if s.discrimination is None or s.discrimination < MIN_POINT_BISERIAL:
            shown = "undefined" if s.discrimination is None else f"{s.discrimination:.3f}"
            failures.append(f"item {s.item}: point-biserial {shown} < {MIN_POINT_BISERIAL:.2f}")
    for row in strata:
        if abs(row.index - INDEX_BASE) > MAX_STRATUM_DEVIATION:
            failures.append(
                f"stratum {row.dimension} = {row.stratum} (n={row.n}): index {row.index:.1f}, "
                f"more than {MAX_STRATUM_DEVIATION:g} points from {INDEX_BASE:g}"
            )
    return failures
