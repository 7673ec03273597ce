"""Item statistics, reliability, pass rates and variant fairness for the cohort report.

Definitions (DOMAIN.md §7):

- difficulty ``p`` of an item = mean points earned ÷ the item's maximum (proportion correct for
  right/wrong items);
- discrimination = the point-biserial correlation, i.e. Pearson's r between the item score and
  the **total score excluding that item** (the "corrected" item-total correlation). Including the
  item would correlate it partly with itself, which inflates r most on short exams like ours;
  for a right/wrong item this r equals ``(M_p − M_q) / S · √(p·q)`` computed on the rest-score;
- reliability = Cronbach's alpha ``k/(k−1) · (1 − Σ var_i / var_total)``, which for right/wrong
  items is KR-20; population variances (the ratio does not depend on the choice);
- an item is flagged when its discrimination is negative (usually a wrong key), below
  `LOW_DISCRIMINATION`, or undefined because everyone scored the same; when ``p`` is above
  `TOO_EASY` or below `TOO_HARD`.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

TOO_EASY: Final = 0.90
TOO_HARD: Final = 0.20
LOW_DISCRIMINATION: Final = 0.20

FLAG_NEGATIVE: Final = "negative"
FLAG_LOW: Final = "low"
FLAG_CONSTANT: Final = "constant"
FLAG_EASY: Final = "easy"
FLAG_HARD: Final = "hard"


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
class StratumScores:
    """Scores of the trainees whose variants came from one stratum."""

    stratum: str
    """Stratum label (for example an industry)."""
    n: int
    """Trainees in the stratum."""
    mean: float
    """Mean share of points."""
    sd: float | None
    """Sample standard deviation (None for a single trainee)."""
    difference: float
    """Mean minus the mean of all trainees."""


@dataclass(frozen=True)
class Fairness:
    """Scores by variant stratum, with a one-way ANOVA where the strata allow one."""

    strata: tuple[StratumScores, ...]
    """One row per stratum, largest first."""
    f_statistic: float | None
    """ANOVA F (None when fewer than two strata have two or more trainees)."""
    p_value: float | None
    """ANOVA p-value."""


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Pearson's r, or None when either variable has no variance."""
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


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
        out.append(ItemStatistics(item, maximum, len(column), difficulty, r, tuple(flags)))
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
    if total_var <= 1e-12:
        return None
    return k / (k - 1) * (1 - item_var / total_var)


def pass_rate(
    statuses: Sequence[str], passed: str = "certified", decided: tuple[str, ...] = ("certified", "failed")
) -> float | None:
    """Share passed among decided statuses (None when nobody is decided)."""
    counted = [s for s in statuses if s in decided]
    return sum(s == passed for s in counted) / len(counted) if counted else None


def fairness(shares: Mapping[str, float], strata: Mapping[str, str]) -> Fairness:
    """Mean share by stratum and a one-way ANOVA across strata of two or more trainees.

    Args:
        shares: trainee -> share of points.
        strata: trainee -> stratum label.
    """
    groups: dict[str, list[float]] = {}
    for trainee, share in shares.items():
        groups.setdefault(strata.get(trainee, "?"), []).append(share)
    overall = statistics.fmean(shares.values()) if shares else 0.0
    rows = tuple(
        StratumScores(
            label,
            len(values),
            statistics.fmean(values),
            statistics.stdev(values) if len(values) > 1 else None,
            statistics.fmean(values) - overall,
        )
        for label, values in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    )
    testable = [values for values in groups.values() if len(values) >= 2]
    f_stat = p_value = None
    if len(testable) >= 2 and any(statistics.pvariance(v) > 0 for v in testable):
        from scipy.stats import f_oneway

        result = f_oneway(*testable)
        f_stat, p_value = float(result.statistic), float(result.pvalue)
    return Fairness(rows, f_stat, p_value)
