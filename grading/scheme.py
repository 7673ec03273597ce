"""The certification scheme: competencies, levels, blueprints, pass rules, rubrics.

The scheme is data (`grading/scheme.toml`), validated on load. Every error names the field
(``levels[0].blueprint[2].competency``) and what to do.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from casebank.errors import CmAcademyError

DEFAULT_SCHEME: Final = Path(__file__).resolve().parent / "scheme.toml"
#: Public rubrics (trainee-readable): ``<rubric id>.toml``, referenced by id from the scheme.
RUBRICS_DIR: Final = Path(__file__).resolve().parents[1] / "casebank" / "rubrics"
#: Blueprint rules of issue #15: items and points per competency, the largest share of one item,
#: and the share of autograded points that judgment items carry.
MIN_ITEMS: Final = 3
MIN_POINTS: Final = 6.0
MAX_ITEM_SHARE: Final = 0.40
MIN_JUDGMENT_SHARE: Final = 0.40
ItemKind = Literal["judgment", "computation", "manual"]
SCORING_RUBRIC: Final = "rubric"
#: Scoring rules of autograded items (`grading.exams.scoring`), and "rubric" for manual ones.
SCORING_RULES: Final = ("all", "per_element", "per_key", "per_position", SCORING_RUBRIC)

#: Topics of the source article that the scheme must cover, each by at least one competency.
SEED_TOPICS: Final = (
    "organisation",
    "functions",
    "acquisition",
    "information",
    "needs",
    "visits",
    "value",
    "evaluation_report",
    "authority",
    "disputes",
    "appraisal",
    "allocation",
)
KNOWN_TOPICS: Final = (*SEED_TOPICS, "system", "retention", "key_accounts")

Fraction = Annotated[float, Field(ge=0, le=1)]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class SchemeError(CmAcademyError):
    """The scheme file is missing, malformed or inconsistent."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SchemeInfo(_Model):
    """Identity and published texts of the scheme."""

    id: str
    version: str
    name_zh: str
    name_en: str
    body: str
    scope_zh: str
    scope_en: str
    code_of_conduct_zh: str
    appeals_zh: str


class LatePolicy(_Model):
    """What happens to submissions after the deadline."""

    grace_minutes: Annotated[int, Field(ge=0)]
    accept_late: bool


class Competency(_Model):
    """One competency the scheme certifies."""

    id: Identifier
    name_zh: str
    name_en: str
    description: str
    topics: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_topics(self) -> Competency:
        unknown = [t for t in self.topics if t not in KNOWN_TOPICS]
        if unknown:
            raise ValueError(f"unknown topic(s) {unknown}; known: {', '.join(KNOWN_TOPICS)}")
        return self


class ScoreLevel(_Model):
    """What a script earning one score on a criterion looks like."""

    score: Annotated[float, Field(ge=0)]
    descriptor_zh: str


class Criterion(_Model):
    """One criterion of a rubric for a manually graded item."""

    id: Identifier
    name_zh: str = ""
    description_zh: str
    points: Annotated[float, Field(gt=0)]
    levels: list[ScoreLevel] = Field(default_factory=list)
    """Level descriptors, one per score from 0 to ``points``."""
    exemplar_zh: str = ""
    """A short passage that earns full points on this criterion."""

    @model_validator(mode="after")
    def _levels_span_the_points(self) -> Criterion:
        if self.levels:
            scores = sorted(level.score for level in self.levels)
            if scores[0] != 0 or abs(scores[-1] - self.points) > 1e-9 or len(set(scores)) != len(scores):
                raise ValueError(
                    f"criterion {self.id!r}: level scores {scores} must run from 0 to {self.points:g}, each once"
                )
        return self


class Rubric(_Model):
    """How a manually graded item is scored."""

    id: Identifier
    name_zh: str
    criteria: list[Criterion] = Field(min_length=1)

    @property
    def points(self) -> float:
        """Total points of the rubric."""
        return sum(c.points for c in self.criteria)

    def criterion(self, criterion_id: str) -> Criterion:
        """Return a criterion by id."""
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise SchemeError(f"rubric {self.id}: no criterion {criterion_id!r}")


class BlueprintItem(_Model):
    """One question of an exam: the competency it measures, its points, kind and scoring rule."""

    question: Identifier
    competency: Identifier
    points: Annotated[float, Field(gt=0)]
    kind: ItemKind = "computation"
    """judgment (reading a situation, choosing, spotting overreach), computation, or manual."""
    scoring: str = "all"
    """How partial answers earn credit (`grading.exams.scoring`); "rubric" for manual items."""
    rubric: Identifier | None = None
    criterion: Identifier | None = None
    """The rubric criterion this manual item scores (one task cell per criterion)."""

    @model_validator(mode="before")
    @classmethod
    def _manual_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("rubric") is not None:
            data = {"kind": "manual", "scoring": SCORING_RUBRIC, **data}
        return data

    @model_validator(mode="after")
    def _kind_fits(self) -> BlueprintItem:
        if self.scoring not in SCORING_RULES:
            raise ValueError(f"scoring: unknown rule {self.scoring!r}; rules: {', '.join(SCORING_RULES)}")
        if (self.kind == "manual") != (self.rubric is not None):
            raise ValueError("kind: manual items, and only they, name a rubric")
        if (self.scoring == SCORING_RUBRIC) != (self.kind == "manual"):
            raise ValueError("scoring: manual items, and only they, are scored by 'rubric'")
        return self

    @property
    def manual(self) -> bool:
        """Whether the item is graded by hand (it has a rubric)."""
        return self.rubric is not None


class Level(_Model):
    """A certification level with its exam blueprint and pass rules."""

    id: Identifier
    exam: Identifier
    name_zh: str
    name_en: str
    rank: Annotated[int, Field(ge=1)]
    prerequisites_zh: str
    overall_min: Fraction
    competency_min: Fraction
    validity_years: Annotated[int, Field(ge=1, le=10)]
    recertification_zh: str
    requires: list[Identifier] = Field(default_factory=list)
    """Levels of which a valid certificate is needed to be certified at this one (enforced)."""
    curriculum_modules: list[Annotated[str, Field(pattern=r"^[0-9]{2}$")]] = Field(default_factory=list)
    """Curriculum modules ("01", "02", ...) whose completion is a prerequisite where progress is recorded."""
    time_limit_minutes: Annotated[int, Field(ge=1)] = 180
    """Time allowed for one sitting of the exam."""
    max_attempts: Annotated[int, Field(ge=1)] = 3
    """Sittings allowed within one certification cycle (a validity period)."""
    retake_wait_days: Annotated[int, Field(ge=0)] = 30
    """Days a candidate who failed waits before sitting the exam again."""
    blueprint: list[BlueprintItem] = Field(min_length=1)

    def points_by_competency(self) -> dict[str, float]:
        """Total points per competency measured by this level's exam."""
        out: dict[str, float] = {}
        for item in self.blueprint:
            out[item.competency] = out.get(item.competency, 0.0) + item.points
        return out

    def item(self, question: str) -> BlueprintItem:
        """Return the blueprint item of a question."""
        for item in self.blueprint:
            if item.question == question:
                return item
        raise SchemeError(f"level {self.id}: no question {question!r} in the blueprint")


class Scheme(_Model):
    """The whole certification scheme."""

    scheme: SchemeInfo
    late_policy: LatePolicy
    competencies: list[Competency] = Field(min_length=1)
    rubrics: list[Rubric] = Field(default_factory=list)
    levels: list[Level] = Field(min_length=2)

    @model_validator(mode="after")
    def _consistent(self) -> Scheme:
        competency_ids = [c.id for c in self.competencies]
        rubric_ids = {r.id: r for r in self.rubrics}
        _unique("competencies", competency_ids)
        _unique("rubrics", list(rubric_ids))
        _unique("levels", [lv.id for lv in self.levels])
        _unique("levels (exam)", [lv.exam for lv in self.levels])
        for i, level in enumerate(self.levels):
            _unique(f"levels[{i}].blueprint", [b.question for b in level.blueprint])
            for j, item in enumerate(level.blueprint):
                where = f"levels[{i}].blueprint[{j}]"
                if item.competency not in competency_ids:
                    raise ValueError(f"{where}.competency: unknown competency {item.competency!r}")
                if item.rubric is not None:
                    _check_rubric_item(where, item, rubric_ids.get(item.rubric))
        ranks = {lv.id: lv.rank for lv in self.levels}
        for i, level in enumerate(self.levels):
            for j, required in enumerate(level.requires):
                if ranks.get(required, level.rank) >= level.rank:
                    raise ValueError(
                        f"levels[{i}].requires[{j}]: {required!r} is not a lower level of this scheme"
                    )
        covered = {t for c in self.competencies for t in c.topics}
        missing = [t for t in SEED_TOPICS if t not in covered]
        if missing:
            raise ValueError(f"competencies: no competency covers topic(s) {', '.join(missing)}")
        return self

    def level(self, level_id: str) -> Level:
        """Return a level by id."""
        for level in self.levels:
            if level.id == level_id:
                return level
        raise SchemeError(f"unknown level {level_id!r}; levels: {', '.join(lv.id for lv in self.levels)}")

    def level_for_exam(self, exam: str) -> Level:
        """Return the level an exam certifies."""
        for level in self.levels:
            if level.exam == exam:
                return level
        raise SchemeError(f"no level uses exam {exam!r}; exams: {', '.join(lv.exam for lv in self.levels)}")

    def competency(self, competency_id: str) -> Competency:
        """Return a competency by id."""
        for c in self.competencies:
            if c.id == competency_id:
                return c
        raise SchemeError(f"unknown competency {competency_id!r}")

    def rubric(self, rubric_id: str) -> Rubric:
        """Return a rubric by id."""
        for r in self.rubrics:
            if r.id == rubric_id:
                return r
        raise SchemeError(f"unknown rubric {rubric_id!r}")


def _check_rubric_item(where: str, item: BlueprintItem, rubric: Rubric | None) -> None:
    if rubric is None:
        raise ValueError(f"{where}.rubric: unknown rubric {item.rubric!r}")
    if item.criterion is None:
        wanted, what = rubric.points, f"rubric {rubric.id!r} total"
    else:
        ids = [c.id for c in rubric.criteria]
        if item.criterion not in ids:
            raise ValueError(f"{where}.criterion: rubric {rubric.id!r} has no criterion {item.criterion!r}")
        wanted, what = rubric.criterion(item.criterion).points, f"criterion {item.criterion!r}"
    if abs(wanted - item.points) > 1e-9:
        raise ValueError(f"{where}.points: {item.points:g} differs from {what} {wanted:g}")


def _unique(where: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise ValueError(f"{where}: duplicate id {value!r}")
        seen.add(value)


def _field(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _public_rubric(entry: Any, scheme_file: Path) -> Any:
    """A ``[[rubrics]]`` entry naming only its id is read from the public rubric file of that id."""
    if not isinstance(entry, dict) or set(entry) != {"id"}:
        return entry
    path = RUBRICS_DIR / f"{entry['id']}.toml"
    try:
        rubric = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemeError(f"{scheme_file}: rubric {entry['id']!r} has no file {path}; add it.") from None
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(f"{path}: malformed TOML ({exc}); fix the syntax.") from None
    if rubric.get("id", entry["id"]) != entry["id"]:
        raise SchemeError(f"{path}: id {rubric.get('id')!r} differs from its file name; rename one.")
    return {**rubric, "id": entry["id"]}


def blueprint_violations(level: Level, scheme: Scheme) -> list[str]:
    """Where a level's blueprint breaks the rules of a certification blueprint (empty: none).

    Every competency the level assesses has at least `MIN_ITEMS` items and `MIN_POINTS` points,
    no item carries more than `MAX_ITEM_SHARE` of its competency, judgment items carry at least
    `MIN_JUDGMENT_SHARE` of the autograded points, and every seed topic belongs to a competency
    that some level assesses.
    """
    out = []
    totals = level.points_by_competency()
    for competency, total in totals.items():
        items = [i for i in level.blueprint if i.competency == competency]
        if len(items) < MIN_ITEMS:
            out.append(
                f"{level.id}: competency {competency!r} has {len(items)} item(s), fewer than {MIN_ITEMS}"
            )
        if total < MIN_POINTS - 1e-9:
            out.append(
                f"{level.id}: competency {competency!r} has {total:g} points, fewer than {MIN_POINTS:g}"
            )
        out += [
            f"{level.id}: item {i.question!r} carries {i.points / total:.0%} of competency {competency!r} "
            f"(more than {MAX_ITEM_SHARE:.0%})"
            for i in items
            if i.points / total > MAX_ITEM_SHARE + 1e-9
        ]
    auto = sum(i.points for i in level.blueprint if not i.manual)
    judgment = sum(i.points for i in level.blueprint if i.kind == "judgment")
    if auto and judgment / auto < MIN_JUDGMENT_SHARE - 1e-9:
        out.append(
            f"{level.id}: judgment items carry {judgment:g} of {auto:g} autograded points "
            f"({judgment / auto:.0%}, fewer than {MIN_JUDGMENT_SHARE:.0%})"
        )
    assessed = {i.competency for lv in scheme.levels for i in lv.blueprint}
    covered = {t for c in scheme.competencies if c.id in assessed for t in c.topics}
    out += [
        f"seed topic {t!r} belongs to no competency any level assesses"
        for t in SEED_TOPICS
        if t not in covered
    ]
    return out


def load_scheme(path: Path | str = DEFAULT_SCHEME) -> Scheme:
    """Load and validate a scheme file.

    Raises:
        SchemeError: naming the file and the field that is wrong.
    """
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemeError(f"{file}: scheme file not found.") from None
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(f"{file}: malformed TOML ({exc}); fix the syntax.") from None
    try:
        data["rubrics"] = [_public_rubric(entry, file) for entry in data.get("rubrics", [])]
        return Scheme.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = _field(tuple(err["loc"]))
            msg = err["msg"].removeprefix("Value error, ")
            if not err["loc"] and ": " in msg:
                loc, msg = msg.split(": ", 1)
            lines.append(f"  field {loc}: {msg}")
        raise SchemeError(f"{file}: invalid scheme:\n" + "\n".join(lines)) from None
