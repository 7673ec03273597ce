"""Pass rates and variant fairness for the cohort report; item statistics and reliability.

The item statistics (difficulty, corrected point-biserial, flags) and the reliability (Cronbach's
alpha, KR-20 for right/wrong items) are those of `grading.exams.psychometrics`, the one
implementation the simulated sitting (``cmacademy exam simulate``) uses too; they are imported
here under their old names for the report's sections.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from grading.exams.psychometrics import (
    FLAG_CONSTANT,
    FLAG_EASY,
    FLAG_HARD,
    FLAG_LOW,
    FLAG_NEGATIVE,
    LOW_DISCRIMINATION,
    TOO_EASY,
    TOO_HARD,
    ItemStatistics,
    cronbach_alpha,
    item_statistics,
    pearson,
)

__all__ = [
    "FLAG_CONSTANT",
    "FLAG_EASY",
    "FLAG_HARD",
    "FLAG_LOW",
    "FLAG_NEGATIVE",
    "LOW_DISCRIMINATION",
    "TOO_EASY",
    "TOO_HARD",
    "Fairness",
    "ItemStatistics",
    "StratumScores",
    "cronbach_alpha",
    "fairness",
    "item_statistics",
    "pass_rate",
    "pearson",
]


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
