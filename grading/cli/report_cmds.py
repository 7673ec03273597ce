"""``cmacademy report`` and ``verify``: what HR reads (``demo`` is in `grading.cli.demo_cmds`)."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import click

from grading.cli.common import (
    COURSE_OPTION,
    DATE_FORMATS,
    DB_OPTION,
    err_console,
    reports_errors,
    say,
    scheduler_option,
    warn,
    workers_option,
)
from grading.cli.progress import Tracker
from grading.pipeline.course import Course
from grading.reports.messages import DEFAULT_LANGUAGE, LANGUAGES


@click.command("report")
@click.argument("exam")
@COURSE_OPTION
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Output folder.")
@click.option(
    "--lang",
    type=click.Choice(list(LANGUAGES)),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="Report language.",
)
@workers_option("report workers")
@DB_OPTION
@scheduler_option(
    "Render the reports on the workers of this running Dask scheduler instead of local processes; "
    "every worker must see the course directory and --out at the same paths (docs/jupyterhub-dask.md)."
)
@click.option(
    "--date",
    "today",
    type=click.DateTime(formats=DATE_FORMATS),
    default=None,
    help="Day statuses are computed for (default today).",
)
@click.option(
    "--signing-key",
    type=click.Path(path_type=Path),
    default=None,
    help="Ed25519 private key, created on first use "
    "[default: $CMACADEMY_SIGNING_KEY or ~/.config/cm-academy/signing/ed25519.pem].",
)
@click.option("--no-pdf", is_flag=True, help="Write HTML only.")
@click.option(
    "--publish-url",
    default=None,
    metavar="URL",
    help="Where OUT/public/ will be served (https://...); certificates, their status list entry and "
    "QR codes point there [default: the placeholder https://certificates.example.invalid/].",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["csv", "xlsx", "jsonl"]),
    help="Register formats (repeatable); CSV is always written [default: csv and xlsx].",
)
@click.option(
    "--engine",
    type=click.Choice(["cmacademy-inprocess", "nbclient"]),
    default="cmacademy-inprocess",
    show_default=True,
    help="Papermill engine: in the worker's process, or a Jupyter kernel per report.",
)
@reports_errors
def report_cmd(
    exam: str,
    course_dir: Path,
    out: Path,
    lang: str,
    workers: int,
    db_url: str | None,
    scheduler: str | None,
    today: datetime.datetime | None,
    signing_key: Path | None,
    no_pdf: bool,
    publish_url: str | None,
    formats: tuple[str, ...],
    engine: str,
) -> None:
    """Reports per trainee (HTML, PDF), cohort report, register, signed certificates, public site, HR dashboard."""
    from grading.cli.common import leave_without_teardown
    from grading.reports.build import generate_reports
    from grading.reports.register import DEFAULT_FORMATS
    from grading.reports.status_list import PLACEHOLDER_PUBLISH_URL
    from grading.reports.workers import RenderResult

    course = Course.open(course_dir, workers=workers, db_url=db_url, scheduler=scheduler)
    with Tracker(err_console) as tracker:
        tracker.stage(f"reports {exam}")

        def tick(result: RenderResult, done: int, total: int) -> None:
            tracker.advance(done, total)

        summary = generate_reports(
            course,
            exam,
            out,
            lang=lang,
            today=today.date() if today else None,
            signing_key=signing_key,
            pdf=not no_pdf,
            engine=engine,
            on_done=tick,
            publish_url=publish_url or PLACEHOLDER_PUBLISH_URL,
            formats=formats or DEFAULT_FORMATS,
        )
    pdfs = f" ({len(summary.pdfs)} also as PDF)" if summary.pdfs else ""
    seconds = summary.timings.get("render_wall_seconds", 0.0)
    where = f"on the Dask cluster at {scheduler}" if scheduler else f"with {workers} workers"
    say(
        f"wrote {len(summary.trainee_reports)} trainee reports{pdfs} under {out / 'reports'} "
        f"({seconds:.1f} s {where})"
    )
    say(f"cohort report: {summary.cohort_report}")
    say(f"register: {', '.join(str(p) for p in summary.register_files)}")
    printed = f", {len(summary.certificate_pdfs)} printable PDFs" if summary.certificate_pdfs else ""
    say(f"certificates: {len(summary.certificates)} signed{printed} under {out / 'certificates'}")
    say(f"public verification site (may be published): {summary.public_index}")
    say(f"  certificates and QR codes point at {summary.publish_url} (status list {summary.status_list})")
    say(f"HR dashboard (intranet only: scores and failures): {summary.hr_index}")
    for notice in summary.notices:
        warn(notice)
    for name, why in summary.failures.items():
        warn(f"  {name}: {why}")
    if summary.failures:
        sys.exit(1)
    leave_without_teardown()  # freeing the run's objects took ~0.3 s after the last line


@click.command("verify")
@click.argument("certificate_file", type=click.Path(path_type=Path))
@click.option(
    "--status-list",
    "--revocations",
    "status_list",
    type=click.Path(path_type=Path),
    default=None,
    help="A copy of the signed status list, or of the public site holding it [default: the public/ "
    "beside the certificate's folder, else the list's URL named in the certificate].",
)
@click.option(
    "--trust",
    "trust",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="An issuer's public key (PEM) to trust besides this installation's own; repeatable. "
    "Obtain it from the issuer, never from beside the certificate.",
)
@click.option(
    "--course",
    "course_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Check revocation in the course's records (their audit trail must back them).",
)
@click.option(
    "--date",
    "today",
    type=click.DateTime(formats=DATE_FORMATS),
    default=None,
    help="Day to check the validity period for (default today).",
)
@reports_errors
def verify_cmd(
    certificate_file: Path,
    status_list: Path | None,
    trust: tuple[Path, ...],
    course_dir: Path | None,
    today: datetime.datetime | None,
) -> None:
    """Say whether a certificate is valid, and how revocation was checked.

    Exit 0 valid; 1 tampered, revoked, expired or untrusted signer; 2 usage error; 3 genuine
    and in date but revocation unchecked; 4 no trusted key here.
    """
    from grading.reports.verify import EXIT_NO_TRUST, NoTrustedKey, verify_certificate

    try:
        result = verify_certificate(
            certificate_file,
            today=today.date() if today else None,
            trust=list(trust),
            status_list=status_list,
            course_dir=course_dir,
        )
    except NoTrustedKey as exc:
        warn(f"cannot verify: {exc}")
        sys.exit(EXIT_NO_TRUST)
    for line in result.lines():
        say(line)
    sys.exit(result.exit_code)
