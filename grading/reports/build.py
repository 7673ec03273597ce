"""`generate_reports`: everything `cmacademy report` writes, reports rendered in parallel.

Layout under ``out``::

    reports/<exam>/<trainee>.html (.pdf)   qualification report per trainee
    reports/cohort-<exam>.html (.pdf)       cohort report for trainers
    certificates/<certificate id>.json     signed credentials
    register.csv, register.xlsx            HR register
    portal/index.html, portal/trainees/    HR portal; portal/public_key.pem, portal/revocations.json

Reports are rendered by a local pool of worker processes (``workers``), or by the workers of a
Dask cluster (``scheduler``; see `grading.cluster`). Each worker keeps what is expensive to set
up across the reports it renders: its Python imports (pandas, matplotlib, nbconvert,
papermill), the in-process papermill engine's shell, the nbconvert exporter and a Chromium
profile folder. The register, portal and certificates cover every decision of the course (all
exams), so one ``out`` can collect the reports of several exams.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import dataclass, field
from multiprocessing.util import Finalize
from pathlib import Path
from typing import TYPE_CHECKING, Final

from grading import cluster
from grading.course import Course
from grading.reports import certificates, portal, register
from grading.reports.data import (
    CohortResults,
    decision_records,
    gather,
    issued_certificate_ids,
    revoked_certificate_ids,
)
from grading.reports.errors import RenderError, ReportError
from grading.reports.messages import DEFAULT_LANGUAGE, Messages
from grading.reports.pdf import ChromiumPrinter
from grading.reports.render import (
    COHORT_TEMPLATE,
    PDF_HINT,
    TRAINEE_TEMPLATE,
    HtmlRenderer,
    execute,
    find_chromium,
    html_to_pdf,
    write_text,
)
from grading.reports.signing import fingerprint, load_or_create_key, public_pem, signing_key_path
from grading.scheme import load_scheme

if TYPE_CHECKING:
    from distributed import Client

REPORTS_DIR: Final = "reports"
#: Job name of the cohort report (a trainee id cannot start with "#").
COHORT_JOB: Final = "#cohort"
CERTIFICATES_DIR: Final = "certificates"
FONT_HINT: Final = (
    "Chinese chart labels need a CJK font; install one (Debian: `sudo apt-get install fonts-noto-cjk`). "
    "Charts are labelled in English until then."
)


@dataclass(frozen=True)
class RenderJob:
    """One report for a worker to render."""

    name: str
    """Trainee id, or `COHORT_JOB`."""
    template: str
    """Template notebook path."""
    parameters: dict[str, str]
    """Papermill parameters."""
    html: str
    """Where to write the HTML page."""
    title: str
    """Page title."""
    lang: str
    """Report language."""
    pdf: str = ""
    """Where to write the PDF ('' for none)."""
    chromium: str = ""
    """Chromium binary for the PDF."""
    engine: str = ""
    """Papermill engine name ('' for the in-process engine)."""


@dataclass(frozen=True)
class RenderResult:
    """What a worker did with a job."""

    name: str
    html: str = ""
    pdf: str = ""
    error: str = ""
    execute_seconds: float = 0.0
    html_seconds: float = 0.0
    pdf_seconds: float = 0.0


@dataclass
class ReportSummary:
    """Everything `generate_reports` wrote, and what it could not."""

    out: Path
    trainee_reports: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    """PDFs of the trainee reports."""
    cohort_report: Path | None = None
    cohort_pdf: Path | None = None
    register_csv: Path | None = None
    register_xlsx: Path | None = None
    portal_index: Path | None = None
    certificates: list[Path] = field(default_factory=list)
    public_key: Path | None = None
    notices: list[str] = field(default_factory=list)
    """One line each: how to enable what was skipped (PDF, Chinese chart labels)."""
    failures: dict[str, str] = field(default_factory=dict)
    """Report name -> why it failed (the others were written)."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds: wall time of the render pool and mean per-report execute/html/pdf."""


_renderers: dict[str, HtmlRenderer] = {}
_profile: list[Path] = []
#: This worker's running Chromium; emptied for good when printing through it failed once.
_printers: dict[str, ChromiumPrinter | None] = {}


def _worker_init(scratch: str) -> None:
    """Warm a worker: imports the report stack once; gives it its own Chromium profile folder."""
    import matplotlib

    matplotlib.use("Agg")
    import grading.reports.sections  # noqa: F401  (the templates' import, paid once per worker)

    profile = Path(scratch) / f"chromium-{os.getpid()}"
    profile.mkdir(parents=True, exist_ok=True)
    _profile[:] = [profile]


def render_job(job: RenderJob) -> RenderResult:
    """Execute, convert and print one report (in a worker); errors are returned, not raised."""
    started = time.perf_counter()
    try:
        nb = execute(Path(job.template), dict(job.parameters), *([job.engine] if job.engine else []))
        executed = time.perf_counter()
        renderer = _renderers.get(job.lang) or _renderers.setdefault(
            job.lang, HtmlRenderer(Messages(job.lang))
        )
        write_text(Path(job.html), renderer.render(nb, job.title))
        converted = time.perf_counter()
    except ReportError as exc:
        return RenderResult(job.name, error=str(exc))
    pdf, error = "", ""
    if job.pdf and job.chromium:
        try:
            pdf = str(print_pdf(Path(job.html), Path(job.pdf), job.chromium))
        except RenderError as exc:
            error = str(exc)
    printed = time.perf_counter()
    return RenderResult(
        job.name,
        job.html,
        pdf,
        error,
        executed - started,
        converted - executed,
        printed - converted if pdf else 0.0,
    )


def print_pdf(html: Path, pdf: Path, chromium: str) -> Path:
    """Print with this worker's running Chromium; with the one-shot command if that fails.

    Raises:
        RenderError: the one-shot command failed too.
    """
    profile = _profile[0] if _profile else Path(tempfile.mkdtemp(prefix="cmacademy-chromium-"))
    if chromium not in _printers:
        started = ChromiumPrinter(chromium, profile / "pipe")
        Finalize(started, started.close, exitpriority=10)
        _printers[chromium] = started
    printer = _printers[chromium]
    if printer is not None:
        try:
            return printer.print_pdf(html, pdf)
        except RenderError:
            _printers[chromium] = None
    return html_to_pdf(html, pdf, chromium, profile / "oneshot")


#: One report at a time per Dask worker process (the in-process engine and the printer are shared).
_cluster_lock = threading.RLock()


def _close_printers() -> None:
    """Close this worker's Chromium (a Dask worker outlives the run whose profile folder it uses)."""
    with _cluster_lock:
        for printer in _printers.values():
            if printer is not None:
                printer.close()
        _printers.clear()


def _render_on_worker(scratch: str, job: RenderJob) -> RenderResult:
    """`render_job` in a Dask worker, warmed for this run's scratch folder on its first report."""
    with _cluster_lock:
        if not _profile or _profile[0].parent != Path(scratch):
            _close_printers()
            _worker_init(scratch)
        return render_job(job)


def _run_on_cluster(
    client: Client,
    jobs: list[RenderJob],
    scratch: Path,
    on_done: Callable[[RenderResult, int, int], None] | None,
) -> list[RenderResult]:
    results: list[RenderResult] = []
    calls = ((job, (str(scratch), job)) for job in jobs)
    try:
        for job, result in cluster.map_jobs(client, _render_on_worker, calls, name="report"):
            if not isinstance(result, RenderResult):
                reason = "its Dask worker was lost" if isinstance(result, cluster.JobLost) else "it failed"
                result = RenderResult(job.name, error=f"report not rendered, {reason}: {result}")
            results.append(result)
            if on_done:
                on_done(result, len(results), len(jobs))
    finally:
        client.run(_close_printers, on_error="ignore")
    return results


def run_render_jobs(
    jobs: list[RenderJob],
    workers: int,
    scratch: Path,
    on_done: Callable[[RenderResult, int, int], None] | None = None,
    client: Client | None = None,
) -> list[RenderResult]:
    """Render ``jobs`` in a pool of ``workers`` processes, or on ``client``'s Dask cluster.

    Returns:
        The results, in the order they finished.
    """
    if client is not None:
        return _run_on_cluster(client, jobs, scratch, on_done)
    results: list[RenderResult] = []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)) or 1,
        mp_context=context,
        initializer=_worker_init,
        initargs=(str(scratch),),
    ) as pool:
        futures: dict[Future[RenderResult], RenderJob] = {pool.submit(render_job, job): job for job in jobs}
        remaining = set(futures)
        while remaining:
            finished, remaining = wait(remaining, return_when=FIRST_COMPLETED)
            for future in finished:
                job = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # a worker that died takes its job with it; report, go on
                    result = RenderResult(
                        job.name, error=f"report worker failed: {type(exc).__name__}: {exc}"
                    )
                results.append(result)
                if on_done:
                    on_done(result, len(results), len(jobs))
    return results


def _chinese_font_missing() -> bool:
    from grading.reports.charts import cjk_font

    return cjk_font() is None


def generate_reports(
    course: Course,
    exam: str,
    out: Path,
    *,
    lang: str = DEFAULT_LANGUAGE,
    workers: int = 2,
    today: dt.date | None = None,
    db_url: str | None = None,
    signing_key: Path | None = None,
    pdf: bool = True,
    engine: str = "",
    on_done: Callable[[RenderResult, int, int], None] | None = None,
    scheduler: str | None = None,
) -> ReportSummary:
    """Write the reports of ``exam``, the certificates, the register and the portal under ``out``.

    Args:
        course: the course.
        exam: exam id.
        out: output folder (created).
        lang: ``zh`` (default) or ``en``.
        workers: worker processes rendering reports (ignored with ``scheduler``).
        today: the as-of day for statuses (default: today).
        db_url: gradebook URL (default: the course's).
        signing_key: private key path (default: `grading.reports.signing.signing_key_path`).
        pdf: also print PDFs when a Chromium is available.
        engine: papermill engine ('' for the in-process engine, ``nbclient`` for a kernel each).
        on_done: called after each report with (result, done, total).
        scheduler: ``tcp://HOST:PORT`` of a Dask scheduler to render on its workers instead of
            a local pool; they need the course directory and ``out`` at the same paths.

    Raises:
        ReportError: bad arguments, nothing to report, or a refused signing key location.
        ClusterError: the scheduler cannot be reached or a worker cannot see the folders.
    """
    msg = Messages.for_language(lang)
    if scheduler is not None:
        cluster.parse_address(scheduler)
    elif workers < 1:
        raise ReportError(f"--workers {workers}: need at least one worker.")
    scheme = load_scheme()
    level = scheme.level_for_exam(exam)
    course.source(exam)
    today = today or dt.date.today()
    out = Path(out).resolve()
    if out.exists() and not out.is_dir():
        raise ReportError(f"{out}: exists and is not a folder; choose an output folder for --out.")
    key = load_or_create_key(signing_key_path(signing_key), published=out)
    url = db_url or course.db_url
    level_of = {lv.id: lv for lv in scheme.levels}
    cohort, role = gather(course, exam, level, level_of, today, url)
    summary = ReportSummary(out)
    chromium = find_chromium() if pdf else None
    if pdf and chromium is None:
        summary.notices.append(PDF_HINT)
    if lang == "zh" and _chinese_font_missing():
        summary.notices.append(FONT_HINT)

    with ExitStack() as stack:
        client = None
        shared = None
        if scheduler is not None:
            # The workers read the report data from scratch: it goes where they see the course.
            shared = course.root / ".cmacademy" / "tmp"
            shared.mkdir(parents=True, exist_ok=True)
        scratch = Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="cmacademy-report-", dir=shared))
        )
        jobs = _jobs(cohort, role, exam, out, scratch, msg, today, chromium or "", engine)
        if scheduler is not None:
            client = stack.enter_context(cluster.connect(scheduler))
            _check_render_workers(client, scratch, out, jobs)
        started = time.perf_counter()
        results = run_render_jobs(jobs, workers, scratch, on_done, client)
        summary.timings["render_wall_seconds"] = time.perf_counter() - started
    _collect(summary, results)

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    records = decision_records(url, level_of)
    summary.certificates = certificates.write_certificates(records, out / CERTIFICATES_DIR, scheme, key, now)
    portal_dir = out / certificates.PORTAL_DIR
    revoked = revoked_certificate_ids(records, issued_certificate_ids(url))
    certificates.write_revocations(revoked, portal_dir / certificates.REVOCATIONS_FILE, scheme, key, now)
    rows = register.register_rows(records, scheme, lang, today)
    summary.register_csv = register.write_csv(rows, out / register.CSV_FILE, msg)
    summary.register_xlsx = register.write_xlsx(rows, out / register.XLSX_FILE, msg)
    entries = portal.portal_entries(records, scheme, lang, today, out)
    public = key.public_key()
    summary.portal_index = portal.write_portal(
        portal_dir, entries, msg, today, public_pem(public), fingerprint(public)
    )
    summary.public_key = portal_dir / certificates.PUBLIC_KEY_FILE
    return summary


def _check_render_workers(client: Client, scratch: Path, out: Path, jobs: list[RenderJob]) -> None:
    """Make sure every Dask worker sees this run's scratch and ``out``, and the templates.

    Raises:
        ClusterError: naming each worker that does not.
    """
    out.mkdir(parents=True, exist_ok=True)
    marker = out / f".cmacademy-probe-{uuid.uuid4().hex}"
    marker.touch()
    try:
        paths = [str(scratch / "cohort.json"), str(marker), *sorted({job.template for job in jobs})]
        cluster.check_workers(client, cluster.missing_paths, paths)
    finally:
        marker.unlink()


def _jobs(
    cohort: CohortResults,
    role: str,
    exam: str,
    out: Path,
    scratch: Path,
    msg: Messages,
    today: dt.date,
    chromium: str,
    engine: str,
) -> list[RenderJob]:
    jobs = []
    reports = out / REPORTS_DIR
    cohort_file = scratch / "cohort.json"
    cohort_file.write_text(cohort.to_json(), encoding="utf-8")
    for result in cohort.trainees:
        d = result.decision
        data = scratch / f"{d.trainee}.json"
        data.write_text(result.to_json(), encoding="utf-8")
        html = reports / exam / f"{d.trainee}.html"
        jobs.append(
            RenderJob(
                d.trainee,
                str(TRAINEE_TEMPLATE),
                {"result_file": str(data), "lang": msg.lang, "as_of": today.isoformat()},
                str(html),
                f"{msg.text('report.title')} · {d.name} · {exam}",
                msg.lang,
                str(html.with_suffix(".pdf")) if chromium else "",
                chromium,
                engine,
            )
        )
    html = reports / f"cohort-{exam}.html"
    jobs.append(
        RenderJob(
            COHORT_JOB,
            str(COHORT_TEMPLATE),
            {"cohort_file": str(cohort_file), "lang": msg.lang, "role": role},
            str(html),
            f"{msg.text('cohort.title')} · {exam}",
            msg.lang,
            str(html.with_suffix(".pdf")) if chromium else "",
            chromium,
            engine,
        )
    )
    return jobs


def _collect(summary: ReportSummary, results: list[RenderResult]) -> None:
    done = [r for r in results if r.html]
    for r in sorted(results, key=lambda r: r.name):
        if r.error:
            summary.failures[r.name] = r.error
        if r.name == COHORT_JOB:
            summary.cohort_report = Path(r.html) if r.html else None
            summary.cohort_pdf = Path(r.pdf) if r.pdf else None
            continue
        if r.html:
            summary.trainee_reports.append(Path(r.html))
        if r.pdf:
            summary.pdfs.append(Path(r.pdf))
    if done:
        summary.timings["execute_seconds_mean"] = sum(r.execute_seconds for r in done) / len(done)
        summary.timings["html_seconds_mean"] = sum(r.html_seconds for r in done) / len(done)
    printed = [r for r in done if r.pdf]
    if printed:
        summary.timings["pdf_seconds_mean"] = sum(r.pdf_seconds for r in printed) / len(printed)
