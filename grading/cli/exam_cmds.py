"""`cmacademy exam ...`: what an exam measures and how well (blueprint, simulated sittings)."""

from __future__ import annotations

import json
import sys

import click

from grading.exams import EXAMS


@click.group("exam")
def exam() -> None:
    """Inspect a certification exam: its blueprint and its simulated psychometrics."""


@exam.command("blueprint")
@click.argument("exam_id", metavar="EXAM", type=click.Choice(EXAMS))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def blueprint(exam_id: str, as_json: bool) -> None:
    """Print EXAM's items (competency, points, kind, pool size, scoring rule) and the rule violations.

    Exits 1 when the blueprint breaks a rule (fewer than 3 items or 6 points for a competency,
    an item above 40 % of its competency, judgment items below 40 % of the autograded points).
    """
    from grading.exams.blueprint import blueprint_report

    report = blueprint_report(exam_id)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(f"{'item':<28} {'competency':<13} {'points':>6}  {'kind':<11} {'pool':>10}  scoring")
        for item in report["items"]:
            pool = f"{item['pool_size']} {item['pool']}"
            click.echo(
                f"{item['id']:<28} {item['competency']:<13} {item['points']:>6g}  {item['kind']:<11} "
                f"{pool:>10}  {item['scoring']}"
            )
        click.echo(
            f"total {report['points']:g} points; autograded {report['autograded_points']:g}, judgment "
            f"{report['judgment_points']:g} ({report['judgment_share']:.0%})"
        )
        for line in report["violations"]:
            click.echo(f"violation: {line}", err=True)
    if report["violations"]:
        sys.exit(1)
