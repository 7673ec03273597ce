"""The `cmacademy` command: one thin line per verb, each a call into the API."""

from __future__ import annotations

import datetime
import json
import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from casebank.errors import CmAcademyError
from casebank.load import default_bank_dir, load_bank
from casebank.summary import bank_summary
from casebank.validate import validate_bank
from grading.casegen import DEFAULT_CLIENTS, DEFAULT_SEED, generate_bank
from grading.certify import certify, record_appeal, revoke
from grading.collect import collect
from grading.course import Course, init_course, release
from grading.feedback import generate_feedback
from grading.grade import DEFAULT_TIMEOUT, STATUS_GRADED, Outcome, grade_exam, summary_rows
from grading.roster import import_roster

F = TypeVar("F", bound=Callable[..., Any])
console = Console(soft_wrap=True)
err_console = Console(stderr=True)


def reports_errors(func: F) -> F:
    """Print a `CmAcademyError` as one message without a traceback and exit 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CmAcademyError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def default_key_dir(out: Path) -> Path:
    """Where `casebank generate` puts the assessor key when --key-out is not given."""
    return out.resolve().parent / f"{out.resolve().name}-key"


def print_summary(summary: dict[str, Any]) -> None:
    """Print the bank summary as tables."""
    console.print(
        f"case bank {summary['bank_version']} (seed {summary['seed']}, as of {summary['as_of']}): "
        f"[bold]{summary['clients']}[/] clients ("
        + ", ".join(f"{n} {pool}" for pool, n in summary["pools"].items())
        + ")"
    )
    for title in ("industries", "regions", "sizes"):
        table = Table(title=title, title_justify="left")
        table.add_column(title[:-1] if title != "industries" else "industry")
        table.add_column("clients", justify="right")
        for key, count in summary[title].items():
            table.add_row(key, str(count))
        console.print(table)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cm-academy")
def main() -> None:
    """cm-academy (客户经理认证学院): train and certify customer managers."""


@main.group()
def casebank() -> None:
    """The bank of client cases: summary, generation, validation."""


@casebank.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.option(
    "--bank",
    type=click.Path(path_type=Path),
    default=None,
    help="Bank directory (default: the shipped bank).",
)
@reports_errors
def casebank_info(as_json: bool, bank: Path | None) -> None:
    """Counts by industry, region, size and pool (no key data)."""
    summary = bank_summary(load_bank(bank))
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print_summary(summary)


@casebank.command("generate")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Random seed.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Directory for the facts.")
@click.option(
    "--key-out",
    type=click.Path(path_type=Path),
    default=None,
    help="Directory for the assessor key [default: OUT-key beside OUT].",
)
@click.option(
    "--clients",
    type=click.IntRange(min=1),
    default=DEFAULT_CLIENTS,
    show_default=True,
    help="Number of clients.",
)
@reports_errors
def casebank_generate(seed: int, out: Path, key_out: Path | None, clients: int) -> None:
    """Generate a bank reproducibly from a seed (facts in OUT, key apart)."""
    key_dir = key_out or default_key_dir(out)
    generate_bank(out, key_dir, seed=seed, clients=clients)
    summary = bank_summary(load_bank(out))
    console.print(f"wrote {summary['clients']} clients to {out} (version {summary['bank_version']})")
    console.print(f"wrote the assessor key to {key_dir} — keep it away from trainees")


@casebank.command("validate")
@click.argument("directory", type=click.Path(path_type=Path), required=False)
@reports_errors
def casebank_validate(directory: Path | None) -> None:
    """Check a bank against its schema and manifest; exit 1 naming file, line and field."""
    path = directory or default_bank_dir()
    validate_bank(path)
    summary = bank_summary(load_bank(path, validate=False))
    console.print(f"valid: {path} ({summary['clients']} clients, version {summary['bank_version']})")


@main.group()
def course() -> None:
    """Nbgrader course directories wired for cm-academy."""


@course.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--course-id", default="cm-academy", show_default=True, help="nbgrader course id.")
@click.option(
    "--bank", "bank_dir", type=click.Path(path_type=Path), default=None, help="Case bank (default: shipped)."
)
@click.option(
    "--key", "key_dir", type=click.Path(path_type=Path), default=None, help="Assessor key (default: shipped)."
)
@click.option(
    "--db-url", default=None, help="Gradebook URL for the course, e.g. postgresql://... (default: SQLite)."
)
@reports_errors
def course_init(
    directory: Path, course_id: str, bank_dir: Path | None, key_dir: Path | None, db_url: str | None
) -> None:
    """Create an nbgrader course directory with every exam in source/."""
    created = init_course(directory, course_id=course_id, bank_dir=bank_dir, key_dir=key_dir, db_url=db_url)
    console.print(f"course {created.root} ready; exams: {', '.join(created.exams())}")


COURSE_OPTION = click.option(
    "--course", "course_dir", type=click.Path(path_type=Path), required=True, help="Course directory."
)
DB_OPTION = click.option(
    "--db-url",
    default=None,
    help="Gradebook URL, e.g. postgresql://user@host/db (default: the course's SQLite file).",
)


def scheduler_option(help_text: str) -> Callable[[F], F]:
    """The ``--scheduler`` option: run a command's jobs on a Dask cluster (`grading.cluster`)."""
    return click.option("--scheduler", metavar="tcp://HOST:PORT", default=None, help=help_text)


@main.command("release")
@click.argument("exam")
@COURSE_OPTION
@click.option(
    "--due",
    type=click.DateTime(formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]),
    default=None,
    help="Due date (UTC), e.g. 2026-12-01T18:00.",
)
@DB_OPTION
@reports_errors
def release_exam(exam: str, course_dir: Path, due: datetime.datetime | None, db_url: str | None) -> None:
    """Generate the trainee version of EXAM; refuse if anything secret would ship."""
    released = release(Course.open(course_dir), exam, due=due, db_url=db_url)
    console.print(f"released {exam} to {released} (checked: no solutions, hidden tests or key values)")


@main.group()
def roster() -> None:
    """The trainees of a course."""


@roster.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@COURSE_OPTION
@DB_OPTION
@reports_errors
def roster_import(file: Path, course_dir: Path, db_url: str | None) -> None:
    """Import trainees (CSV: id,name,email,org_unit); a bad row imports nothing."""
    entries = import_roster(Course.open(course_dir), file, db_url)
    units = sorted({e.org_unit for e in entries})
    console.print(f"imported {len(entries)} trainees from {len(units)} org units; exam variants refreshed")


@main.command("collect")
@click.argument("exam")
@click.option(
    "--from",
    "source",
    type=click.Path(path_type=Path),
    required=True,
    help="submitted/-style folder or folder of zips.",
)
@COURSE_OPTION
@DB_OPTION
@reports_errors
def collect_exam(exam: str, source: Path, course_dir: Path, db_url: str | None) -> None:
    """Collect submissions of EXAM into the course (late policy from the scheme)."""
    report = collect(Course.open(course_dir), exam, source, db_url)
    console.print(
        f"collected {len(report.collected)} ({len(report.late)} late), unchanged {len(report.unchanged)}, "
        f"rejected {len(report.rejected)}"
    )
    for trainee, why in sorted(report.rejected.items()):
        err_console.print(f"  {trainee}: {why}", highlight=False)
    if not report.ok:
        sys.exit(1)


@main.command("grade")
@click.argument("exam")
@COURSE_OPTION
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Parallel worker processes (ignored with --scheduler: the cluster decides).",
)
@DB_OPTION
@scheduler_option(
    "Grade on the workers of this running Dask scheduler instead of local processes. The gradebook "
    "must be PostgreSQL and every worker must see the course directory at the same path "
    "(docs/jupyterhub-dask.md)."
)
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Per-cell timeout (s).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--unsafe-no-sandbox",
    is_flag=True,
    help="Run trainee code WITHOUT the sandbox, with your rights. Only for trusted code.",
)
@click.option(
    "--fresh-kernels",
    is_flag=True,
    help="Start every kernel fresh instead of forking it from each worker's warm kernel host "
    "(slower, equally isolated; docs/sandbox.md).",
)
@reports_errors
def grade_cmd(
    exam: str,
    course_dir: Path,
    workers: int,
    db_url: str | None,
    scheduler: str | None,
    timeout: int,
    as_json: bool,
    unsafe_no_sandbox: bool,
    fresh_kernels: bool,
) -> None:
    """Autograde every collected, not-yet-graded submission of EXAM (resumable, sandboxed)."""
    course = Course.open(course_dir)
    if unsafe_no_sandbox:
        err_console.print(
            "[bold red]WARNING: --unsafe-no-sandbox: trainee code runs with YOUR rights. It can read the "
            "answer keys, rewrite the gradebook, reach the network and other trainees' work. Use it only "
            "for code you trust.[/]"
        )
    with Progress(console=err_console, transient=True) as progress:
        task = progress.add_task(f"grading {exam}", total=None)

        def tick(outcome: Outcome, done: int, total: int) -> None:
            progress.update(
                task, completed=done, total=total, description=f"grading {exam} ({outcome.trainee})"
            )

        outcomes = grade_exam(
            course,
            exam,
            workers=workers,
            db_url=db_url,
            timeout=timeout,
            on_done=tick,
            sandbox=not unsafe_no_sandbox,
            scheduler=scheduler,
            fresh_kernels=fresh_kernels,
        )
    if as_json:
        click.echo(json.dumps(summary_rows(outcomes), ensure_ascii=False, indent=2))
    else:
        table = Table(title=f"{exam}: {len(outcomes)} submissions", title_justify="left")
        for col in ("trainee", "status", "score", "seconds", "reason"):
            table.add_column(col, justify="right" if col in ("score", "seconds") else "left", overflow="fold")
        for o in outcomes:
            score = "" if o.score is None else f"{o.score:g}/{o.max_score:g}"
            table.add_row(o.trainee, o.status, score, f"{o.seconds:.1f}", o.reason)
        console.print(table)
    attention = [o for o in outcomes if o.status != STATUS_GRADED]
    if attention:
        err_console.print(f"{len(attention)} submission(s) need attention", highlight=False)
        sys.exit(1)


@main.command("certify")
@click.argument("exam")
@COURSE_OPTION
@DB_OPTION
@click.option(
    "--date",
    "today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Issue date (default today).",
)
@click.option("--reason", default="", help="Why decisions are (re)made, for the audit trail.")
@reports_errors
def certify_cmd(
    exam: str, course_dir: Path, db_url: str | None, today: datetime.datetime | None, reason: str
) -> None:
    """Apply the scheme: certified, failed or pending (waiting for manual grades)."""
    results = certify(
        Course.open(course_dir), exam, db_url=db_url, today=today.date() if today else None, reason=reason
    )
    table = Table(title=f"{exam}: decisions", title_justify="left")
    for col in ("trainee", "decision", "score", "reason"):
        table.add_column(col, overflow="fold")
    for r in results:
        table.add_row(r.trainee, r.status, f"{r.score or 0:g}/{r.max_score:g}", r.reason)
    console.print(table)
    counts = {s: sum(r.status == s for r in results) for s in ("certified", "failed", "pending")}
    console.print(", ".join(f"{n} {s}" for s, n in counts.items()))


@main.command("feedback")
@click.argument("exam")
@COURSE_OPTION
@reports_errors
def feedback_cmd(exam: str, course_dir: Path) -> None:
    """Write trainees' feedback pages (no hidden tests, no expected values)."""
    pages = generate_feedback(Course.open(course_dir), exam)
    console.print(f"wrote {len(pages)} feedback pages under {Path(course_dir) / 'feedback'}")


@main.group()
def certificate() -> None:
    """Certificates: revocation."""


@certificate.command("revoke")
@click.argument("certificate_id")
@COURSE_OPTION
@click.option("--reason", required=True, help="Why the certificate is revoked (recorded).")
@DB_OPTION
@reports_errors
def certificate_revoke(certificate_id: str, course_dir: Path, reason: str, db_url: str | None) -> None:
    """Revoke a certificate; the audit trail records who, when and why."""
    decision = revoke(Course.open(course_dir), certificate_id, reason, db_url)
    console.print(f"revoked {certificate_id} ({decision.trainee}, {decision.exam})")


@main.command("appeal")
@click.argument("exam")
@click.argument("trainee")
@COURSE_OPTION
@click.option("--reason", required=True, help="The trainee's grounds (recorded).")
@DB_OPTION
@reports_errors
def appeal_cmd(exam: str, trainee: str, course_dir: Path, reason: str, db_url: str | None) -> None:
    """Record an appeal; regrade in the formgrader, then run certify again."""
    record_appeal(Course.open(course_dir), exam, trainee, reason, db_url)
    console.print(f"appeal of {trainee} on {exam} recorded")


# --- HR: qualification reports, register, portal and verifiable certificates (grading.reports) ---


@main.command("report")
@click.argument("exam")
@COURSE_OPTION
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Output folder.")
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Report language."
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Parallel report workers (ignored with --scheduler: the cluster decides).",
)
@DB_OPTION
@scheduler_option(
    "Render the reports on the workers of this running Dask scheduler instead of local processes; "
    "every worker must see the course directory and --out at the same paths (docs/jupyterhub-dask.md)."
)
@click.option(
    "--date",
    "today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
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
    engine: str,
) -> None:
    """Reports per trainee (HTML, PDF), cohort report, register, portal and signed certificates."""
    from grading.reports.build import RenderResult, generate_reports

    with Progress(console=err_console, transient=True) as progress:
        task = progress.add_task(f"reports {exam}", total=None)

        def tick(result: RenderResult, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description=f"reports {exam} ({result.name})")

        summary = generate_reports(
            Course.open(course_dir),
            exam,
            out,
            lang=lang,
            workers=workers,
            today=today.date() if today else None,
            db_url=db_url,
            signing_key=signing_key,
            pdf=not no_pdf,
            engine=engine,
            on_done=tick,
            scheduler=scheduler,
        )
    pdfs = f" ({len(summary.pdfs)} also as PDF)" if summary.pdfs else ""
    seconds = summary.timings.get("render_wall_seconds", 0.0)
    where = f"on the Dask cluster at {scheduler}" if scheduler else f"with {workers} workers"
    console.print(
        f"wrote {len(summary.trainee_reports)} trainee reports{pdfs} under {out / 'reports'} "
        f"({seconds:.1f} s {where})"
    )
    console.print(f"cohort report: {summary.cohort_report}")
    console.print(f"register: {summary.register_csv}, {summary.register_xlsx}")
    console.print(f"portal: {summary.portal_index} (public key {summary.public_key})")
    console.print(f"certificates: {len(summary.certificates)} signed under {out / 'certificates'}")
    for notice in summary.notices:
        err_console.print(notice, highlight=False, markup=False, soft_wrap=True)
    for name, why in summary.failures.items():
        err_console.print(f"  {name}: {why}", highlight=False, markup=False, soft_wrap=True)
    if summary.failures:
        sys.exit(1)


@main.command("verify")
@click.argument("certificate_file", type=click.Path(path_type=Path))
@click.option(
    "--revocations",
    type=click.Path(path_type=Path),
    default=None,
    help="Signed revocation list, or the portal folder holding it "
    "[default: the portal/ beside the certificate's folder].",
)
@click.option(
    "--public-key",
    type=click.Path(path_type=Path),
    default=None,
    help="Trusted public key [default: this installation's key, else the portal's public_key.pem].",
)
@click.option(
    "--course",
    "course_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Also check the course's records.",
)
@click.option(
    "--date",
    "today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Day to check validity for (default today).",
)
@reports_errors
def verify_cmd(
    certificate_file: Path,
    revocations: Path | None,
    public_key: Path | None,
    course_dir: Path | None,
    today: datetime.datetime | None,
) -> None:
    """Say whether a certificate is valid, expired, revoked or tampered (exit 0 only when valid)."""
    from grading.reports.certificates import verify_certificate

    result = verify_certificate(
        certificate_file,
        today=today.date() if today else None,
        public_key=public_key,
        revocations=revocations,
        course_dir=course_dir,
    )
    console.print(f"{result.status}: {result.detail}", highlight=False, markup=False, soft_wrap=True)
    sys.exit(0 if result.valid else 1)


@main.command()
@click.option(
    "--trainees", type=click.IntRange(min=4), default=30, show_default=True, help="Simulated cohort size."
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("build/demo"),
    show_default=True,
    help="Output directory.",
)
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Parallel workers.")
@reports_errors
def demo(trainees: int, out: Path, workers: int) -> None:
    """Run the whole main job on a simulated cohort (course, grading, certification, reports)."""
    from grading.demo import run_demo

    shipped = load_bank()
    validate_bank(default_bank_dir())
    print_summary(bank_summary(shipped))
    start = time.perf_counter()
    with Progress(console=err_console, transient=True) as progress:
        task = progress.add_task("demo", total=None)
        result = run_demo(
            out,
            trainees,
            workers=workers,
            step=lambda msg: progress.update(task, description=msg),
            reporter=_demo_reporter(),
        )
    graded = sum(o.status == "graded" for o in result.outcomes)
    console.print(f"graded {graded}/{len(result.outcomes)} submissions; decisions: {result.decisions}")
    console.print(f"course and gradebook: {result.course.root}")
    for name in ("reports", "portal/index.html", "register.csv", "certificates"):
        if (out / name).exists():
            console.print(f"{name}: {out / name}")
    console.print(f"demo finished in {time.perf_counter() - start:.0f} s")


def _demo_reporter() -> Any:
    """The report stage of the demo, when the reports package is installed."""
    try:
        from grading.reports.build import generate_reports
    except ImportError:
        return None
    return lambda course, exam, out: generate_reports(course, exam, out)


if __name__ == "__main__":
    main()
