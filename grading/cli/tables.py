"""The summary tables the commands print; every cell is plain text, never markup."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from grading.cli.common import console, say

if TYPE_CHECKING:
    from grading.certification.certify import Result
    from grading.pipeline.submission import Outcome

RIGHT_ALIGNED = frozenset({"clients", "score", "seconds"})


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    """A table whose every cell is shown as the text it is."""
    out = Table(title=Text(title), title_justify="left")
    for column in columns:
        out.add_column(column, justify="right" if column in RIGHT_ALIGNED else "left", overflow="fold")
    for row in rows:
        out.add_row(*(Text(str(cell)) for cell in row))
    return out


def grading_table(exam: str, outcomes: list[Outcome]) -> Table:
    """One row per submission: status, score, time and reason."""
    return table(
        f"{exam}: {len(outcomes)} submissions",
        ("trainee", "status", "score", "seconds", "reason"),
        (
            (
                o.trainee,
                o.status,
                "" if o.score is None else f"{o.score:g}/{o.max_score:g}",
                f"{o.seconds:.1f}",
                o.reason,
            )
            for o in outcomes
        ),
    )


def decisions_table(exam: str, results: list[Result]) -> Table:
    """One row per trainee: decision, score and reason."""
    return table(
        f"{exam}: decisions",
        ("trainee", "decision", "score", "reason"),
        ((r.trainee, r.status, f"{r.score or 0:g}/{r.max_score:g}", r.reason) for r in results),
    )


def bank_tables(summary: dict[str, Any]) -> list[Table]:
    """The case bank's counts by industry, region and size."""
    names = {"industries": "industry", "regions": "region", "sizes": "size"}
    return [table(title, (column, "clients"), summary[title].items()) for title, column in names.items()]


def print_summary(summary: dict[str, Any]) -> None:
    """Print a case bank's summary (`casebank.summary.bank_summary`) as tables."""
    pools = ", ".join(f"{n} {pool}" for pool, n in summary["pools"].items())
    say(
        f"case bank {summary['bank_version']} (seed {summary['seed']}, as of {summary['as_of']}): "
        f"{summary['clients']} clients ({pools})"
    )
    for table in bank_tables(summary):
        console.print(table)
