"""An exam's blueprint as published: each item's competency, points, kind, pool and scoring rule.

`blueprint_report` joins the scheme's blueprint of the exam's level with where each item draws
from: the parallel forms of a fixed-text item (`grading.exams.forms`), the exam-pool clients of
the role a case item is about (`grading.exams.variants`), or the whole exam pool for items about
the trainee's portfolio; and it lists the scheme's blueprint violations.
"""

from __future__ import annotations

from typing import Any

from grading.exams import exam_definition, exam_truth
from grading.exams.forms import fixed_items
from grading.exams.variants import exam_pool, stratum_sizes
from grading.scheme import Scheme, blueprint_violations, load_scheme

POOL_FORMS = "forms"
POOL_ROLE = "role"
POOL_PORTFOLIO = "portfolio"


def _pools(exam: str, bank_dir: str | None, key_dir: str | None) -> dict[str, tuple[str, int, str]]:
    definition = exam_definition(exam)
    bank, truth = exam_truth(bank_dir, key_dir)
    sizes = stratum_sizes(bank, truth, definition.blueprint)
    whole = len(exam_pool(bank, truth))
    out = {q: (POOL_FORMS, len(item.forms), "") for q, item in fixed_items(exam).items()}
    for question, role in definition.question_roles.items():
        out[question] = (POOL_ROLE, sizes[role], role)
    return out | {"": (POOL_PORTFOLIO, whole, "")}


def blueprint_report(
    exam: str, bank_dir: str | None = None, key_dir: str | None = None, scheme: Scheme | None = None
) -> dict[str, Any]:
    """The exam's items with their pools, totals per kind and competency, and the violations."""
    scheme = scheme or load_scheme()
    level = scheme.level_for_exam(exam)
    pools = _pools(exam, bank_dir, key_dir)
    items = []
    for item in level.blueprint:
        source, size, role = pools.get(item.question, pools[""])
        items.append(
            {
                "id": item.question,
                "competency": item.competency,
                "points": item.points,
                "kind": item.kind,
                "scoring": item.scoring,
                "pool": source,
                "pool_size": size,
                "role": role,
            }
        )
    auto = sum(i.points for i in level.blueprint if not i.manual)
    judgment = sum(i.points for i in level.blueprint if i.kind == "judgment")
    return {
        "exam": exam,
        "level": level.id,
        "items": items,
        "points": sum(i.points for i in level.blueprint),
        "autograded_points": auto,
        "judgment_points": judgment,
        "judgment_share": round(judgment / auto, 4) if auto else 0.0,
        "competencies": {
            c: {"items": sum(1 for i in level.blueprint if i.competency == c), "points": p}
            for c, p in level.points_by_competency().items()
        },
        "violations": blueprint_violations(level, scheme),
    }
