"""How a level's pass mark is set: a modified-Angoff table of judges' ratings and its cut score.

Each level has a table ``grading/cut_scores/<level>.toml``: the panel (at least `MIN_JUDGES`
judges), and for every blueprint item each judge's rating, the probability that a *minimally
competent* candidate (one who just deserves the certificate) earns the item's points. For an
item scored in parts or by rubric, the rating is the expected share of its points. The cut
score is

    cut = Σ_items points × mean rating ÷ Σ_items points

and each judge's own cut (the same sum over that judge's ratings) shows the panel's spread:
their standard deviation and the standard error of the cut (SD ÷ √judges). The scheme's
``overall_min`` is the cut rounded to the table's ``precision`` (whole percents).

The table's items must be the blueprint's: `item_mismatches` names the missing and extra ones.
"""

from __future__ import annotations

import math
import statistics
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from casebank.errors import CmAcademyError
from grading.scheme import Level, Scheme, load_scheme

CUT_SCORES_DIR: Final = Path(__file__).resolve().parents[1] / "cut_scores"
MIN_JUDGES: Final = 5
DEFAULT_PRECISION: Final = 0.01


class AngoffError(CmAcademyError):
    """A cut-score table is missing, malformed or does not match its level's blueprint."""


@dataclass(frozen=True)
class Judge:
    """One member of the standard-setting panel."""

    id: str
    role: str


@dataclass(frozen=True)
class AngoffTable:
    """The judges' ratings of one level's items."""

    level: str
    method: str
    date: str
    panel: str
    precision: float
    judges: tuple[Judge, ...]
    ratings: dict[str, tuple[float, ...]]
    """Item (question id) -> one rating per judge, in the judges' order."""
    path: Path


@dataclass(frozen=True)
class CutScore:
    """The cut score a table gives for a level, with the panel's spread."""

    level: str
    cut: float
    """Share of the total points (0-1)."""
    rounded: float
    """``cut`` rounded to the table's precision: the scheme's ``overall_min``."""
    judge_cuts: dict[str, float]
    sd: float
    """Standard deviation of the judges' own cuts."""
    se: float
    """Standard error of the cut: ``sd ÷ √judges``."""
    item_means: dict[str, float]
    points: dict[str, float]
    scheme_overall_min: float

    @property
    def matches_scheme(self) -> bool:
        """Whether the scheme's ``overall_min`` is the rounded cut."""
        return math.isclose(self.rounded, self.scheme_overall_min, abs_tol=1e-9)

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "level": self.level,
            "cut": self.cut,
            "rounded": self.rounded,
            "scheme_overall_min": self.scheme_overall_min,
            "matches_scheme": self.matches_scheme,
            "judge_cuts": self.judge_cuts,
            "sd": self.sd,
            "se": self.se,
            "items": [
                {"item": q, "points": self.points[q], "mean_rating": m} for q, m in self.item_means.items()
            ],
        }


def table_path(level: str, directory: Path = CUT_SCORES_DIR) -> Path:
    """Where a level's cut-score table lives."""
    return directory / f"{level}.toml"


def _ratings(data: dict[str, Any], where: Path, judges: int) -> dict[str, tuple[float, ...]]:
    out: dict[str, tuple[float, ...]] = {}
    for i, row in enumerate(data.get("items", [])):
        item, values = row.get("item"), row.get("ratings")
        place = f"{where}: items[{i}]"
        if not isinstance(item, str) or not isinstance(values, list):
            raise AngoffError(f'{place}: needs item = "<question id>" and ratings = [one per judge]')
        if item in out:
            raise AngoffError(f"{place}: item {item!r} is rated twice; keep one row")
        if len(values) != judges:
            raise AngoffError(
                f"{place} ({item}): {len(values)} ratings for {judges} judges; give one per judge"
            )
        bad = [v for v in values if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1]
        if bad:
            raise AngoffError(f"{place} ({item}): ratings {bad} are not probabilities in [0, 1]")
        out[item] = tuple(float(v) for v in values)
    return out


def load_table(level: str, directory: Path = CUT_SCORES_DIR) -> AngoffTable:
    """Read and check a level's cut-score table.

    Raises:
        AngoffError: the file is missing or malformed, or has fewer than `MIN_JUDGES` judges.
    """
    path = table_path(level, directory)
    if not path.is_file():
        raise AngoffError(f"{path}: no cut-score table for level {level!r}; write the panel's ratings there")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise AngoffError(f"{path}: not valid TOML ({exc})") from None
    judges = tuple(Judge(str(j.get("id", "")), str(j.get("role", ""))) for j in data.get("judges", []))
    if len(judges) < MIN_JUDGES:
        raise AngoffError(
            f"{path}: {len(judges)} judges; a modified-Angoff panel needs at least {MIN_JUDGES}"
        )
    if len({j.id for j in judges}) != len(judges) or not all(j.id for j in judges):
        raise AngoffError(f"{path}: every judge needs an id of its own")
    if data.get("level") != level:
        raise AngoffError(f"{path}: says level {data.get('level')!r}, expected {level!r}")
    precision = float(data.get("precision", DEFAULT_PRECISION))
    if not 0 < precision < 1:
        raise AngoffError(f"{path}: precision {precision} must be between 0 and 1 (0.01 = whole percents)")
    return AngoffTable(
        level=level,
        method=str(data.get("method", "modified Angoff")),
        date=str(data.get("date", "")),
        panel=str(data.get("panel", "")),
        precision=precision,
        judges=judges,
        ratings=_ratings(data, path, len(judges)),
        path=path,
    )


def item_mismatches(table: AngoffTable, level: Level) -> list[str]:
    """Blueprint items the table does not rate, and rated items not in the blueprint."""
    blueprint = [item.question for item in level.blueprint]
    missing = [q for q in blueprint if q not in table.ratings]
    extra = [q for q in table.ratings if q not in blueprint]
    problems = []
    if missing:
        problems.append(f"{table.path}: blueprint items without ratings: {', '.join(missing)}")
    if extra:
        problems.append(
            f"{table.path}: rated items not in the blueprint of level {level.id}: {', '.join(extra)}"
        )
    return problems


def round_to(value: float, precision: float) -> float:
    """``value`` rounded to a multiple of ``precision`` (half up), without float residue."""
    steps = math.floor(value / precision + 0.5 + 1e-9)
    decimals = max(0, -math.floor(math.log10(precision)))
    return round(steps * precision, decimals)


def cut_score(level_id: str, scheme: Scheme | None = None, directory: Path = CUT_SCORES_DIR) -> CutScore:
    """The modified-Angoff cut score of a level (its id or its exam's id).

    Raises:
        AngoffError: the table is missing, malformed or does not match the blueprint.
        SchemeError: unknown level.
    """
    scheme = scheme or load_scheme()
    known = {level.exam: level.id for level in scheme.levels}
    level = scheme.level(known.get(level_id, level_id))
    table = load_table(level.id, directory)
    problems = item_mismatches(table, level)
    if problems:
        raise AngoffError("; ".join(problems) + ". Rate exactly the blueprint's items.")
    points = {item.question: item.points for item in level.blueprint}
    total = sum(points.values())
    means = {q: statistics.fmean(table.ratings[q]) for q in points}
    cut = sum(points[q] * means[q] for q in points) / total
    judge_cuts = {
        judge.id: sum(points[q] * table.ratings[q][k] for q in points) / total
        for k, judge in enumerate(table.judges)
    }
    sd = statistics.stdev(judge_cuts.values())
    return CutScore(
        level=level.id,
        cut=cut,
        rounded=round_to(cut, table.precision),
        judge_cuts=judge_cuts,
        sd=sd,
        se=sd / math.sqrt(len(judge_cuts)),
        item_means=means,
        points=points,
        scheme_overall_min=level.overall_min,
    )
