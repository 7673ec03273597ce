"""``cmacademy demo``: the whole main job on a simulated cohort.

Only click, Rich and `grading.demo`'s constants are imported before the command runs; the bank
check imports pandas, and the course, grading and reports import the rest as each stage starts.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from grading.cli.common import err_console, leave_without_teardown, reports_errors, say
from grading.demo import DEMO_TRAINEES
from grading.settings import DEFAULT_WORKERS


@click.command("demo")
@click.option(
    "--trainees",
    type=click.IntRange(min=4),
    default=DEMO_TRAINEES,
    show_default=True,
    help="Simulated cohort size.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("build/demo"),
    show_default=True,
    help="Output directory.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=DEFAULT_WORKERS,
    show_default=True,
    help="Parallel workers.",
)
@click.option(
    "--report-pdfs",
    is_flag=True,
    help="Also print every qualification report as PDF (certificates are printed anyway); "
    "Chromium takes about 0.4 s of CPU per report.",
)
@reports_errors
def demo_cmd(trainees: int, out: Path, workers: int, report_pdfs: bool) -> None:
    """Run the whole main job on a simulated cohort (course, grading, certification, reports).

    The reports are written as HTML (what the HR dashboard shows), the certificates as signed
    credentials and printable PDFs; ``--report-pdfs`` adds a PDF of every report, as
    `cmacademy report` writes by default.
    """
    from casebank.load import default_bank_dir, load_bank
    from casebank.summary import bank_summary
    from grading.cli.progress import Tracker
    from grading.cli.tables import print_summary
    from grading.demo import run_demo
    from grading.status import GradingStatus

    print_summary(bank_summary(load_bank(default_bank_dir(), validate=True)))
    start = time.perf_counter()
    with Tracker(err_console) as tracker:
        result = run_demo(
            out,
            trainees,
            workers=workers,
            step=tracker.stage,
            progress=tracker.advance,
            reporter=_demo_reporter(report_pdfs),
        )
    graded = sum(o.status == GradingStatus.GRADED for o in result.outcomes)
    say(f"graded {graded}/{len(result.outcomes)} submissions; decisions: {result.decisions}")
    say(f"course and gradebook: {result.course.root}")
    for name in ("reports", "public/index.html", "hr/index.html", "register.csv", "certificates"):
        if (out / name).exists():
            say(f"{name}: {out / name}")
    if result.reports is not None:
        say(
            f"certificates and QR codes point at {result.reports.publish_url} (set with report --publish-url)"
        )
    say(f"demo finished in {time.perf_counter() - start:.0f} s")
    leave_without_teardown()


def _demo_reporter(report_pdfs: bool) -> Any:
    """The report stage of the demo (its modules are imported when the stage starts)."""

    def report(course: Any, exam: str, out: Path, on_done: Any) -> Any:
        from grading.reports.build import generate_reports

        return generate_reports(course, exam, out, on_done=on_done, pdf=report_pdfs, certificate_pdfs=True)

    return report
