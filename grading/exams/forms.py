"""Parallel forms of fixed-text exam items (assessor side: the forms' keys never reach trainees).

A fixed-text item (a scenario the case bank does not generate: an organisation to place, a
dispute to handle) has at least `MIN_FORMS` parallel forms in ``grading/exams/forms/<exam>.toml``:
the same task on a different scenario, each with its text, options, key and the typical
mistakes a trainee makes on it. A trainee's variant records which form of each item they got
(drawn deterministically from the variant's seed); their handout carries that form's text and
options only. ``exam.item("q11_org_model")`` shows it in the notebook.

File layout::

    [[items]]
    question = "q11_org_model"
    kind = "text"                 # answer kind (casebank.selfcheck)
    scoring = "all"               # grading.exams.scoring
    [[items.forms]]
    id = "bank_branch"
    text = "markdown of the scenario and the task"
    options = {"1" = "...", "2" = "..."}   # label -> option text (optional)
    key = "2"
    mistakes = {picks_department = "3"}
"""

from __future__ import annotations

import hashlib
import random
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

from casebank.errors import CmAcademyError
from grading.exams.scoring import SCORING_ALL, Expected

FORMS_DIR: Final = Path(__file__).resolve().parent / "forms"
MIN_FORMS: Final = 4


class FormsError(CmAcademyError):
    """A forms file is missing a field, has too few forms, or a mistake that would score."""


@dataclass(frozen=True)
class Form:
    """One parallel form of a fixed-text item."""

    id: str
    text: str
    """Markdown: the scenario and what to answer."""
    key: Any
    """The right answer."""
    options: Mapping[str, str] = field(default_factory=dict)
    """Option label -> option text, in the order shown."""
    mistakes: Mapping[str, Any] = field(default_factory=dict)
    """Typical mistake name -> the wrong answer a trainee making it hands in."""

    def public(self) -> dict[str, Any]:
        """What the trainee sees: the text and the options, no key."""
        return {"form": self.id, "text": self.text, "options": dict(self.options)}


@dataclass(frozen=True)
class FixedItem:
    """A fixed-text item and its parallel forms."""

    question: str
    kind: str
    scoring: str
    decimals: int
    forms: tuple[Form, ...]

    def form(self, form_id: str) -> Form:
        """Return a form by id."""
        for form in self.forms:
            if form.id == form_id:
                return form
        raise FormsError(
            f"item {self.question}: no form {form_id!r}; forms: {', '.join(f.id for f in self.forms)}"
        )

    def expected(self, form_id: str) -> Expected:
        """The expected answer of a form."""
        return Expected(self.kind, self.form(form_id).key, self.decimals, self.scoring)


def _form(where: str, data: dict[str, Any]) -> Form:
    try:
        form = Form(
            id=str(data["id"]),
            text=str(data["text"]).strip(),
            key=data["key"],
            options={str(k): str(v) for k, v in data.get("options", {}).items()},
            mistakes=dict(data.get("mistakes", {})),
        )
    except KeyError as exc:
        raise FormsError(f"{where}: missing field {exc.args[0]!r}") from None
    if not form.mistakes:
        raise FormsError(f"{where}: name at least one typical mistake (mistakes = {{name = answer}})")
    return form


def _item(where: str, data: dict[str, Any]) -> FixedItem:
    try:
        question, kind = str(data["question"]), str(data["kind"])
    except KeyError as exc:
        raise FormsError(f"{where}: missing field {exc.args[0]!r}") from None
    forms = tuple(_form(f"{where}.forms[{i}]", f) for i, f in enumerate(data.get("forms", [])))
    item = FixedItem(
        question, kind, str(data.get("scoring", SCORING_ALL)), int(data.get("decimals", 2)), forms
    )
    if len(forms) < MIN_FORMS:
        raise FormsError(
            f"{where} ({question}): {len(forms)} form(s); a fixed-text item needs at least {MIN_FORMS}"
        )
    if len({f.id for f in forms}) != len(forms):
        raise FormsError(f"{where} ({question}): form ids repeat")
    for form in forms:
        try:
            expected = item.expected(form.id)
        except ValueError as exc:
            raise FormsError(f"{where} ({question}): {exc}") from None
        if form.options and not _within_options(form.key, form.options):
            raise FormsError(
                f"{where} ({question}) form {form.id}: key {form.key!r} is not among the options"
            )
        scoring = [name for name, wrong in form.mistakes.items() if expected.accepts(wrong)]
        if scoring:
            raise FormsError(f"{where} ({question}) form {form.id}: mistake(s) {scoring} earn full marks")
    return item


def _within_options(key: Any, options: Mapping[str, str]) -> bool:
    values = list(key.values()) if isinstance(key, dict) else key if isinstance(key, list) else [key]
    return all(str(v) in options for v in values)


@cache
def fixed_items(exam: str, forms_dir: Path = FORMS_DIR) -> dict[str, FixedItem]:
    """Question id -> fixed-text item of ``exam`` (none when the exam has no forms file).

    Raises:
        FormsError: the file is malformed or breaks a rule (naming the item and form).
    """
    path = forms_dir / f"{exam}.toml"
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise FormsError(f"{path}: malformed TOML ({exc}); fix the syntax.") from None
    items = [_item(f"{path.name} items[{i}]", d) for i, d in enumerate(data.get("items", []))]
    return {item.question: item for item in items}


def draw_forms(exam: str, trainee: str, bank_version: str) -> dict[str, str]:
    """Question -> form id of each fixed-text item, drawn deterministically from the variant's seed."""
    seed = hashlib.sha256(f"{exam}|{trainee}|{bank_version}|forms".encode()).hexdigest()
    rng = random.Random(int(seed[:16], 16))
    return {q: rng.choice(item.forms).id for q, item in sorted(fixed_items(exam).items())}


def form_texts(exam: str, forms: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Question -> the text and options of the trainee's form (no key): what their view carries."""
    items = fixed_items(exam)
    return {q: items[q].form(form_id).public() for q, form_id in forms.items() if q in items}


def expected_forms(exam: str, forms: Mapping[str, str]) -> dict[str, Expected]:
    """Question -> expected answer of each fixed-text item on the trainee's forms."""
    return {q: item.expected(forms[q]) for q, item in fixed_items(exam).items()}


def form_mistakes(exam: str, forms: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Question -> typical mistakes of the trainee's form of each fixed-text item."""
    return {q: dict(item.form(forms[q]).mistakes) for q, item in fixed_items(exam).items()}
