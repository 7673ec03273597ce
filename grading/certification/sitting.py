"""A simulated sitting of an exam, scored by the real judge, and its psychometric evidence.

``cmacademy exam simulate EXAM --trainees 500`` draws simulated trainees ``sim0000``,
``sim0001``, ... Each gets the variant the exam draws for that trainee id from the canonical
pool (`grading.exams.variant_for`), a latent ability, and answers every item as the response
model of `grading.exams.responses` says: right, or one of the item's named typical mistakes
(part by part where the item is scored in parts). Every autograded answer is scored by
the judge's own `grading.pipeline.autograde.verdict` (``Expected.credit`` × points, rounded as
`JudgeAnswers` writes the nbgrader score), on the answer as the judge receives it (plain JSON
data). No kernel is
started: in a real sitting the kernel only hands the answer in, and the verdict is decided in
the grader's process by that function, so the simulation scores exactly what the judge would.

The evidence is that of `grading.exams.psychometrics`: reliability (KR-20 or Cronbach's
alpha), each item's difficulty and point-biserial (item-rest), and the comparability of
variant strata. A variant's *expected* share is computed over the whole simulated ability
distribution (each item: ``P̄ + (1 − P̄) · c̄``, with ``P̄`` the item's mean probability of a
right answer over the simulated trainees and ``c̄`` the mean credit the real judge gives the
item's named mistakes on that variant); a stratum's index is the mean expected share of the
trainees in it, scaled so that the overall mean is 100. Using expected shares removes the
noise of who happened to draw which variant, so the index measures the variants, not the
trainees; the observed index (raw mean scores) is reported beside it.

Strata: for every role of the exam, the industry of the client the role drew (the cohort
report's fairness table splits by the first role's industry); for every fixed-text question
with parallel forms, the form drawn.
"""

from __future__ import annotations

import importlib
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from casebank.errors import CmAcademyError
from casebank.exam import Variant
from casebank.load import CaseBank
from grading.certification.sitting_decisions import Decisions, decisions
from grading.exams import Expected, exam_definition, exam_truth, variant_for
from grading.exams.psychometrics import (
    ItemStatistics,
    StratumIndex,
    cronbach_alpha,
    item_statistics,
    reliability_method,
    strata_index,
    target_failures,
)
from grading.exams.responses import (
    ABILITY_MEAN,
    ABILITY_SD,
    DIFFICULTY_MEAN,
    DIFFICULTY_SD,
    RATER_NOISE,
    SLOPE,
    credit,
    handed_in,
    has_parts,
    judged_points,
    mixed_answer,
    part_count,
    probability,
    rater_score,
)
from grading.exams.simulate import named_mistakes
from grading.scheme import BlueprintItem, Level, load_scheme

DEFAULT_TRAINEES: Final = 500
DEFAULT_SEED: Final = 20261129
TRAINEE_PREFIX: Final = "sim"
KIND_MANUAL: Final = "manual"
_FULL: Final = 1.0 - 1e-9


class SimulationError(CmAcademyError):
    """An exam cannot be simulated (an item lacks its key or its typical mistakes)."""


@dataclass(frozen=True)
class ItemModel:
    """One blueprint item as the simulation sees it."""

    question: str
    competency: str
    kind: str
    points: float
    manual: bool
    difficulty: float
    """The item's drawn difficulty ``b`` (ability scale)."""


@dataclass(frozen=True)
class VariantKey:
    """What one variant's items expect and what their named mistakes earn (cached per variant)."""

    expected: dict[str, Expected]
    mistakes: dict[str, dict[str, Any]]
    mistake_credit: dict[str, dict[str, float]]
    """Question -> mistake name -> the real judge's credit of that mistake on this variant."""
    strata: dict[str, str]
    """Dimension -> this variant's stratum."""


@dataclass
class Simulation:
    """A simulated sitting's scores and evidence."""

    exam: str
    level: str
    trainees: int
    seed: int
    items: list[ItemModel]
    statistics: list[ItemStatistics]
    reliability: float | None
    method: str
    mean_share: float
    strata: list[StratumIndex]
    """Expected-share index per stratum (the target applies to these)."""
    observed: list[StratumIndex]
    """Raw mean-score index per stratum (sampling noise included)."""
    scoring_mistakes: list[dict[str, Any]]
    """Named mistakes that earn full credit on some variant: (question, mistake, variants)."""
    mistake_credit: dict[str, float]
    """Question -> mean credit of its named mistakes over the drawn variants."""
    variants: int
    seconds: float
    decisions: Decisions | None = None
    """What the scheme's pass rules decide on the simulated scores (information, not a target)."""
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Whether every target is met."""
        return not self.failures

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        by_item = {s.item: s for s in self.statistics}
        observed = {(o.dimension, o.stratum): o.index for o in self.observed}
        return {
            "exam": self.exam,
            "level": self.level,
            "trainees": self.trainees,
            "distinct_variants": self.variants,
            "seed": self.seed,
            "model": model_description(),
            "reliability": {"method": self.method, "value": self.reliability},
            "mean_share": self.mean_share,
            "items": [
                {
                    "item": m.question,
                    "competency": m.competency,
                    "kind": m.kind,
                    "points": m.points,
                    "model_difficulty": round(m.difficulty, 3),
                    "difficulty": by_item[m.question].difficulty,
                    "point_biserial": by_item[m.question].discrimination,
                    "flags": list(by_item[m.question].flags),
                    "mistake_credit": self.mistake_credit.get(m.question),
                }
                for m in self.items
            ],
            "strata": [
                {
                    "dimension": s.dimension,
                    "stratum": s.stratum,
                    "n": s.n,
                    "expected_share": s.mean,
                    "index": s.index,
                    "observed_index": observed.get((s.dimension, s.stratum)),
                }
                for s in self.strata
            ],
            "scoring_mistakes": self.scoring_mistakes,
            "decisions": None if self.decisions is None else asdict(self.decisions),
            "failures": self.failures,
            "passed": self.passed,
            "seconds": round(self.seconds, 1),
        }


def model_description() -> dict[str, Any]:
    """The response model's stated distributions (`grading.exams.responses`)."""
    return {
        "ability": f"normal(mean={ABILITY_MEAN:g}, sd={ABILITY_SD:g})",
        "item_difficulty": f"normal(mean={DIFFICULTY_MEAN:g}, sd={DIFFICULTY_SD:g})",
        "p_right": f"1 / (1 + exp(-{SLOPE:g} * (ability - difficulty))) per part",
        "wrong_answer": "one of the item's named typical mistakes, uniformly",
        "manual": f"rater score round(points * logistic({SLOPE:g}*(ability - difficulty) + normal(0, {RATER_NOISE:g})))",
        "scorer": "grading.pipeline.autograde.verdict (Expected.credit x points), the judge itself; no kernel: it only hands answers in",
    }


def _item_kind(item: BlueprintItem) -> str:
    kind = getattr(item, "kind", None)
    return str(kind) if kind else (KIND_MANUAL if item.manual else "auto")


def _is_manual(item: BlueprintItem) -> bool:
    return item.manual or _item_kind(item) == KIND_MANUAL


def item_models(level: Level, rng: np.random.Generator) -> list[ItemModel]:
    """The level's blueprint items with one drawn difficulty each."""
    return [
        ItemModel(
            item.question,
            item.competency,
            _item_kind(item),
            item.points,
            _is_manual(item),
            float(rng.normal(DIFFICULTY_MEAN, DIFFICULTY_SD)),
        )
        for item in level.blueprint
    ]


def _strata(bank: CaseBank, variant: Variant) -> dict[str, str]:
    industry = bank.clients.set_index("client_id")["industry"].astype(str)
    out = {f"role {role}: industry": str(industry[client]) for role, client in variant.roles.items()}
    for question, form in sorted(getattr(variant, "forms", {}).items()):
        out[f"form of {question}"] = str(form)
    return out


MistakesFn = Callable[[CaseBank, pd.DataFrame, Variant], dict[str, Any]]


def variant_key(
    exam: str,
    bank: CaseBank,
    truth: pd.DataFrame,
    variant: Variant,
    items: list[ItemModel],
    mistakes: MistakesFn,
) -> VariantKey:
    """Expected answers, named mistakes and their credits of one variant.

    Raises:
        SimulationError: an autograded item has no expected answer or no named mistake, or its
            keyed answer does not earn full credit.
    """
    expected = exam_definition(exam).expected(bank, truth, variant)
    named = named_mistakes(mistakes(bank, truth, variant), expected)
    credits: dict[str, dict[str, float]] = {}
    for item in items:
        if item.manual:
            continue
        where = f"exam {exam}, item {item.question}, variant of {variant.trainee}"
        if item.question not in expected:
            raise SimulationError(f"{where}: no expected answer in grading.exams.{exam}.expected")
        if not named.get(item.question):
            raise SimulationError(f"{where}: no named typical mistake in grading.exams.{exam}.mistakes")
        key = expected[item.question]
        if credit(key, handed_in(key.value)) < _FULL:
            raise SimulationError(f"{where}: the keyed answer does not earn full credit; fix the key")
        credits[item.question] = {
            name: credit(key, handed_in(answer)) for name, answer in named[item.question].items()
        }
    return VariantKey(expected, named, credits, _strata(bank, variant))


def _answer_score(item: ItemModel, key: VariantKey, ability: float, rng: np.random.Generator) -> float:
    if item.manual:
        return rater_score(item.points, ability, item.difficulty, float(rng.normal(0.0, RATER_NOISE)))
    expected = key.expected[item.question]
    slips = key.mistakes[item.question]
    names = sorted(slips)
    mistake = slips[names[int(rng.integers(len(names)))]]
    draws = rng.random(part_count(expected, mistake)) < probability(ability, item.difficulty)
    if has_parts(expected):
        answer = mixed_answer(expected, mistake, draws)
    else:
        answer = expected.value if draws[0] else mistake
    return judged_points(expected, handed_in(answer), item.points)


def _variant_id(variant: Variant) -> tuple[Any, ...]:
    forms = tuple(sorted(getattr(variant, "forms", {}).items()))
    return (variant.portfolio, tuple(sorted(variant.roles.items())), forms)


def _expected_share(
    items: list[ItemModel], key: VariantKey, p_right: dict[str, float], manual: dict[str, float]
) -> float:
    got = 0.0
    for item in items:
        if item.manual:
            got += manual[item.question]
        else:
            p = p_right[item.question]
            got += item.points * (
                p + (1.0 - p) * statistics.fmean(key.mistake_credit[item.question].values())
            )
    return got / sum(item.points for item in items)


def simulate(exam: str, trainees: int = DEFAULT_TRAINEES, seed: int = DEFAULT_SEED) -> Simulation:
    """Run a simulated sitting of ``exam`` and compute its evidence (see the module docstring).

    Raises:
        SimulationError: fewer than two trainees, or the exam's key or mistakes are incomplete.
        ExamError: unknown exam.
    """
    if trainees < 2:
        raise SimulationError(f"--trainees {trainees}: a sitting needs at least 2 trainees")
    started = time.perf_counter()
    definition = exam_definition(exam)
    level = load_scheme().level_for_exam(exam)
    bank, truth = exam_truth(None, None)
    mistakes_fn = importlib.import_module(f"grading.exams.{definition.name}").mistakes
    rng = np.random.default_rng(seed)
    items = item_models(level, rng)
    abilities = rng.normal(ABILITY_MEAN, ABILITY_SD, trainees)
    cache: dict[tuple[Any, ...], VariantKey] = {}
    keys: dict[str, VariantKey] = {}
    matrix: list[list[float]] = []
    for i, ability in enumerate(abilities):
        trainee = f"{TRAINEE_PREFIX}{i:04d}"
        variant = variant_for(exam, trainee)
        ident = _variant_id(variant)
        if ident not in cache:
            cache[ident] = variant_key(exam, bank, truth, variant, items, mistakes_fn)
        keys[trainee] = cache[ident]
        matrix.append([_answer_score(item, keys[trainee], float(ability), rng) for item in items])
    result = _evidence(exam, level, seed, items, abilities, matrix, keys, len(cache), started)
    retest = [
        [_answer_score(item, keys[trainee], float(ability), rng) for item in items]
        for trainee, ability in zip(keys, abilities, strict=True)
    ]
    result.decisions = decisions(level, items, matrix, retest)
    result.seconds = time.perf_counter() - started
    return result


def _evidence(
    exam: str,
    level: Level,
    seed: int,
    items: list[ItemModel],
    abilities: np.ndarray,
    matrix: list[list[float]],
    keys: dict[str, VariantKey],
    variants: int,
    started: float,
) -> Simulation:
    maxima = [item.points for item in items]
    total = sum(maxima)
    stats = item_statistics(matrix, [item.question for item in items], maxima)
    alpha = cronbach_alpha(matrix)
    p_right = {
        item.question: statistics.fmean(probability(float(a), item.difficulty) for a in abilities)
        for item in items
    }
    manual = {
        item.question: statistics.fmean(row[j] for row in matrix)
        for j, item in enumerate(items)
        if item.manual
    }
    trainees = list(keys)
    expected = {t: _expected_share(items, keys[t], p_right, manual) for t in trainees}
    observed = {t: sum(row) / total for t, row in zip(trainees, matrix, strict=True)}
    dimensions = sorted({d for key in keys.values() for d in key.strata})
    strata: list[StratumIndex] = []
    raw: list[StratumIndex] = []
    for dimension in dimensions:
        labels = {t: keys[t].strata.get(dimension, "?") for t in trainees}
        strata += strata_index(expected, labels, dimension)
        raw += strata_index(observed, labels, dimension)
    result = Simulation(
        exam=exam,
        level=level.id,
        trainees=len(trainees),
        seed=seed,
        items=items,
        statistics=stats,
        reliability=alpha,
        method=reliability_method(matrix, maxima),
        mean_share=statistics.fmean(observed.values()),
        strata=strata,
        observed=raw,
        scoring_mistakes=_scoring_mistakes(keys),
        mistake_credit=_mean_mistake_credit(keys),
        variants=variants,
        seconds=time.perf_counter() - started,
    )
    result.failures = target_failures(alpha, stats, strata)
    return result


def _distinct(keys: dict[str, VariantKey]) -> list[VariantKey]:
    return list({id(key): key for key in keys.values()}.values())


def _scoring_mistakes(keys: dict[str, VariantKey]) -> list[dict[str, Any]]:
    """Named mistakes that earn full credit on at least one drawn variant (should be none)."""
    distinct = _distinct(keys)
    counts: dict[tuple[str, str], int] = {}
    for key in distinct:
        for question, credits in key.mistake_credit.items():
            for name, value in credits.items():
                if value >= _FULL:
                    counts[question, name] = counts.get((question, name), 0) + 1
    return [
        {"question": q, "mistake": m, "variants": n, "of": len(distinct)}
        for (q, m), n in sorted(counts.items())
    ]


def _mean_mistake_credit(keys: dict[str, VariantKey]) -> dict[str, float]:
    distinct = _distinct(keys)
    questions = sorted({q for key in distinct for q in key.mistake_credit})
    return {
        q: statistics.fmean(v for key in distinct for v in key.mistake_credit.get(q, {}).values())
        for q in questions
    }
