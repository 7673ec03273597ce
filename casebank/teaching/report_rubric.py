"""The public report rubric, as the curriculum and the mock exams show it, and a draft's checklist.

The rubric lives in ``casebank/rubrics/evaluation_report.toml`` (trainee-readable; the exams'
report items are marked by it, one score per criterion). `rubric_markdown` renders it for a
notebook; `outline_checklist` runs the mechanical part of a self-review on a draft report: are
the five parts there, does any sentence promise what only the bank may decide (a promise word
not negated, or a rate, price or amount stated without a recommendation for approval). It is an aid,
not a mark: evidence, needs and risks are judged by reading against the level descriptors.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from casebank.errors import CmAcademyError

RUBRIC_FILE: Final = Path(__file__).resolve().parents[1] / "rubrics" / "evaluation_report.toml"
#: The five parts of a report, in order (the rubric's structure criterion).
REPORT_PARTS: Final = ("客户概况", "价值评价", "需求分析", "风险提示", "业务建议")
#: Words that promise a decision only the bank may take (rates, amounts, approval).
PROMISE_WORDS: Final = (
    "承诺",
    "保证",
    "已批准",
    "已同意",
    "确保获批",
    "一定能批",
    "肯定能批",
    "先签",
    "随后补办",
)
#: A promise word preceded by one of these is a refusal to promise ("不承诺"), not a promise.
NEGATIONS: Final = ("不", "不作", "不得", "不能", "不会", "不向客户", "无")
#: Terms of a rate, price or amount: stated without a recommendation for approval, they promise it.
TERMS_WORDS: Final = ("基点", "下浮", "优惠", "免收", "减免", "额度")
#: Words that frame terms as a recommendation for the bank to decide.
PROPOSAL_WORDS: Final = ("建议", "报", "审批", "提请", "决策")


class RubricError(CmAcademyError):
    """The rubric file is missing or malformed."""


@dataclass(frozen=True)
class Criterion:
    """One criterion of the rubric."""

    id: str
    """Criterion id, e.g. ``evidence``."""
    name: str
    """Chinese name, e.g. 证据."""
    description: str
    """What the criterion asks for."""
    points: int
    """Full marks of the criterion."""
    levels: dict[int, str]
    """Score -> level descriptor."""
    exemplar: str
    """A short full-marks exemplar."""


def load_rubric(path: Path = RUBRIC_FILE) -> list[Criterion]:
    """Read the rubric's criteria from its TOML file.

    Raises:
        RubricError: the file is missing or a criterion lacks a field.
    """
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        return [
            Criterion(
                id=str(c["id"]),
                name=str(c["name_zh"]),
                description=str(c["description_zh"]),
                points=int(c["points"]),
                levels={int(level["score"]): str(level["descriptor_zh"]) for level in c["levels"]},
                exemplar=str(c["exemplar_zh"]),
            )
            for c in data["criteria"]
        ]
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise RubricError(
            f"{path}: cannot read the report rubric ({exc}); restore the file from the course"
        ) from None


def rubric_markdown(path: Path = RUBRIC_FILE) -> str:
    """The rubric as a Markdown table: criterion, points, one column per score, exemplar."""
    criteria = load_rubric(path)
    scores = sorted({s for c in criteria for s in c.levels})
    head = "| 标准 | 满分 | 要求 | " + " | ".join(f"{s} 分" for s in scores) + " | 满分示例 |"
    rule = "|" + "---|" * (4 + len(scores))
    rows = [
        f"| **{c.name}** | {c.points} | {c.description} | "
        + " | ".join(c.levels.get(s, "—") for s in scores)
        + f" | {c.exemplar} |"
        for c in criteria
    ]
    total = sum(c.points for c in criteria)
    return "\n".join([head, rule, *rows, "", f"满分 **{total}** 分。"])


def _promises(text: str) -> list[str]:
    found = []
    for part in REPORT_PARTS:  # the heading 业务建议 is no recommendation
        text = text.replace(part, "")
    for sentence in re.split(r"[。；;！!\n]", text):
        if any(w in sentence for w in TERMS_WORDS) and not any(w in sentence for w in PROPOSAL_WORDS):
            found.append(sentence.strip())
            continue
        for word in PROMISE_WORDS:
            start = sentence.find(word)
            while start >= 0:
                before = sentence[max(0, start - 4) : start]
                if not any(before.endswith(n) for n in NEGATIONS):
                    found.append(sentence.strip())
                    break
                start = sentence.find(word, start + 1)
    return list(dict.fromkeys(found))


def outline_checklist(report: str) -> list[tuple[str, bool, str]]:
    """Check a draft report's outline: (item, passed, what to do) per line of the checklist."""
    rows = []
    for part in REPORT_PARTS:
        present = part in report
        rows.append((f"有“{part}”部分", present, "" if present else f"补上“{part}”这一部分的小标题和内容"))
    positions = [report.find(p) for p in REPORT_PARTS if p in report]
    ordered = positions == sorted(positions)
    rows.append(
        ("各部分顺序与评分标准一致", ordered, "" if ordered else "按 " + "→".join(REPORT_PARTS) + " 排列")
    )
    promises = _promises(report)
    rows.append(
        (
            "没有替机构作出的承诺",
            not promises,
            "改写成“建议……，报……审批”：" + "；".join(promises) if promises else "",
        )
    )
    return rows


def checklist_markdown(report: str) -> str:
    """`outline_checklist` as a Markdown list with the verdict in words (达到 / 未达到)."""
    lines = []
    for item, passed, todo in outline_checklist(report):
        verdict = "达到" if passed else "未达到"
        lines.append(f"- **{verdict}**　{item}" + (f"：{todo}" if todo else ""))
    return "\n".join(lines)
