"""`cmacademy exam simulate` and `cmacademy exam cutscore`: the evidence behind a level's pass mark."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from grading.cli.common import console, reports_errors, say
from grading.cli.exam_cmds import exam
from grading.cli.tables import table

if TYPE_CHECKING:
    from grading.certification.sitting import Simulation


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


@exam.command("simulate")
@click.argument("exam_id", metavar="EXAM")
@click.option(
    "--trainees", type=click.IntRange(min=2), default=500, show_default=True, help="Simulated trainees."
)
@click.option("--seed", type=int, default=None, help="Random seed (default: fixed, so runs repeat).")
@click.option("--json", "as_json", is_flag=True, help="The evidence as one JSON object.")
@reports_errors
def simulate_cmd(exam_id: str, trainees: int, seed: int | None, as_json: bool) -> None:
    """Sit EXAM with simulated trainees scored by the real judge; print reliability, item and strata statistics.

    Exits 1 when a target fails: reliability >= 0.80, every item's point-biserial >= 0.15,
    every variant stratum's index within 3 points of 100.
    """
    from grading.certification.sitting import DEFAULT_SEED, simulate

    result = simulate(exam_id, trainees, DEFAULT_SEED if seed is None else seed)
    if as_json:
        say(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    else:
        _print_simulation(result)
    if not result.passed:
        sys.exit(1)


def _print_simulation(result: Simulation) -> None:
    data = result.to_json()
    say(
        f"exam {result.exam} (level {result.level}): {result.trainees} simulated trainees, "
        f"{result.variants} distinct variants, seed {result.seed}, {result.seconds:.1f} s"
    )
    say(f"reliability ({result.method}): {_num(result.reliability, 3)}; mean score {result.mean_share:.1%}")
    console.print(
        table(
            "items",
            (
                "item",
                "competency",
                "kind",
                "points",
                "difficulty",
                "point-biserial",
                "mistake credit",
                "flags",
            ),
            (
                (
                    i["item"],
                    i["competency"],
                    i["kind"],
                    f"{i['points']:g}",
                    _num(i["difficulty"]),
                    _num(i["point_biserial"]),
                    _num(i["mistake_credit"]),
                    ", ".join(i["flags"]),
                )
                for i in data["items"]
            ),
        )
    )
    console.print(
        table(
            "variant strata by dimension (index: expected mean score, overall = 100; all rows in --json)",
            ("dimension", "strata", "lowest", "highest", "observed range"),
            _strata_rows(data["strata"]),
        )
    )
    if result.decisions is not None:
        d = result.decisions
        say(
            f"scheme's pass rules: {d.pass_rate:.1%} certified; same decision on a second sitting "
            f"{d.consistency:.1%}; failed on a competency minimum despite the overall mark: "
            f"{d.failed_on_a_floor} (by one single item alone: {d.failed_by_one_item})"
        )
    for m in data["scoring_mistakes"]:
        say(
            f"mistake {m['question']}/{m['mistake']} earns full credit on {m['variants']} of {m['of']} variants"
        )
    for line in result.failures:
        say(f"FAIL {line}")
    say("targets met" if result.passed else f"{len(result.failures)} target(s) failed")


def _strata_rows(strata: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    """Per dimension: how many strata, the lowest and highest index (with its stratum), observed range."""
    rows: list[tuple[str, ...]] = []
    for dimension in sorted({s["dimension"] for s in strata}):
        group = [s for s in strata if s["dimension"] == dimension]
        low, high = min(group, key=lambda s: s["index"]), max(group, key=lambda s: s["index"])
        observed = [s["observed_index"] for s in group if s["observed_index"] is not None]
        rows.append(
            (
                dimension,
                str(len(group)),
                f"{low['index']:.1f} ({low['stratum']}, n={low['n']})",
                f"{high['index']:.1f} ({high['stratum']}, n={high['n']})",
                f"{min(observed):.1f}–{max(observed):.1f}" if observed else "—",
            )
        )
    return rows


@exam.command("cutscore")
@click.argument("level_id", metavar="LEVEL")
@click.option("--json", "as_json", is_flag=True, help="The cut score as one JSON object.")
@reports_errors
def cutscore_cmd(level_id: str, as_json: bool) -> None:
    """The modified-Angoff cut score of LEVEL (associate, senior; or its exam) from its judges' ratings.

    Exits 1 when the scheme's overall_min is not the cut rounded to the table's precision.
    """
    from grading.certification.angoff import cut_score

    result = cut_score(level_id)
    if as_json:
        say(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    else:
        console.print(
            table(
                f"level {result.level}: mean rating per item",
                ("item", "points", "mean rating"),
                ((q, f"{result.points[q]:g}", f"{m:.3f}") for q, m in result.item_means.items()),
            )
        )
        judges = ", ".join(f"{j} {c:.1%}" for j, c in result.judge_cuts.items())
        say(f"judges' cuts: {judges}")
        say(
            f"cut score {result.cut:.2%} (SD {result.sd:.2%}, SE {result.se:.2%}); rounded {result.rounded:.0%}"
        )
        verdict = "matches" if result.matches_scheme else "DIFFERS from"
        say(f"{verdict} the scheme's overall_min {result.scheme_overall_min:.0%}")
    if not result.matches_scheme:
        sys.exit(1)
