"""`generate_reports`: everything `cmacademy report` writes, reports rendered in parallel.

Layout under ``out`` (`grading.reports.layout`)::

    reports/<exam>/<trainee>.html (.pdf)   qualification report per trainee
    reports/cohort-<exam>.html (.pdf)       cohort report for trainers
    certificates/<id>.json, <id>.pdf       signed credentials, printable certificates
    register.csv (.xlsx, .jsonl)           HR register
    public/                                the verification site that may be published
                                           (status/revocation.json: the signed status list)
    hr/                                    the internal HR dashboard, with copies of the reports,
                                           certificates and register it links to

Reports are rendered by `grading.reports.workers` on a local pool of worker processes, or on
the workers of a Dask cluster (the course's settings say which). The register, both sites and the
certificates cover every decision of the course (all exams), so one ``out`` can collect the reports of several exams.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from grading.jobs import dask as cluster
from grading.pipeline.course import Course
from grading.pipeline.lock import exclusive
from grading.reports import register
from grading.reports.certificate_pdf import CERTIFICATE_FAILURE, certificate_pages
from grading.reports.cohort_sections import similar_csv, similar_list_name
from grading.reports.course_check import check_trail
from grading.reports.data import CohortResults, gather
from grading.reports.decisions import DecisionRecord, decision_records
from grading.reports.errors import ReportError
from grading.reports.layout import CERTIFICATES_DIR, OLD_PORTAL_DIR, PUBLIC_DIR, REPORTS_DIR
from grading.reports.messages import DEFAULT_LANGUAGE, Messages
from grading.reports.public_site import published
from grading.reports.publish import Publishing, publish
from grading.reports.render import (
    COHORT_TEMPLATE,
    PDF_HINT,
    TRAINEE_TEMPLATE,
    find_chromium,
    write_text,
)
from grading.reports.status_list import PLACEHOLDER_PUBLISH_URL, is_placeholder, publish_base
from grading.reports.workers import RenderJob, RenderResult, run_render_jobs
from grading.scheme import Level, Scheme, load_scheme
from grading.signing import load_or_create_key, signing_key_path

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from distributed import Client

#: Job name of the cohort report, and the start of a printed certificate's (a trainee id
#: cannot start with "#").
COHORT_JOB: Final = "#cohort"
CERTIFICATE_JOB: Final = "#certificate "
OLD_PORTAL_NOTICE: Final = (
    "{path}: left by an earlier version, it lists failed staff and scores; delete it and never "
    "publish it. Publish {public} instead."
)
PLACEHOLDER_NOTICE: Final = (
    "certificates point at the placeholder {url}; pass --publish-url with the address where "
    "{public} will be served before handing certificates out."
)
FONT_HINT: Final = (
    "Chinese chart labels need a CJK font; install one (Debian: `sudo apt-get install fonts-noto-cjk`). "
    "Charts are labelled in English until then."
)


@dataclass
class ReportSummary:
    """Everything `generate_reports` wrote, and what it could not."""

    out: Path
    trainee_reports: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    """PDFs of the trainee reports."""
    cohort_report: Path | None = None
    cohort_pdf: Path | None = None
    register_files: list[Path] = field(default_factory=list)
    """The register in each format asked for (CSV first)."""
    public_index: Path | None = None
    """The public verification site's start page."""
    hr_index: Path | None = None
    """The HR dashboard's start page."""
    publish_url: str = ""
    """The public site's base URL the certificates and their QR codes point at."""
    status_list: Path | None = None
    certificates: list[Path] = field(default_factory=list)
    certificate_pdfs: list[Path] = field(default_factory=list)
    public_key: Path | None = None

    @property
    def register_csv(self) -> Path | None:
        """The register as CSV (always written)."""
        return next((p for p in self.register_files if p.suffix == ".csv"), None)

    notices: list[str] = field(default_factory=list)
    """One line each: how to enable what was skipped (PDF, Chinese chart labels)."""
    failures: dict[str, str] = field(default_factory=dict)
    """Report name -> why it failed (the others were written)."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds: wall time of the render pool and mean per-report execute/html/pdf."""


def generate_reports(
    course: Course,
    exam: str,
    out: Path,
    *,
    lang: str = DEFAULT_LANGUAGE,
    today: dt.date | None = None,
    signing_key: Path | None = None,
    pdf: bool = True,
    engine: str = "",
    on_done: Callable[[RenderResult, int, int], None] | None = None,
    publish_url: str = PLACEHOLDER_PUBLISH_URL,
    formats: Sequence[str] = register.DEFAULT_FORMATS,
    certificate_pdfs: bool | None = None,
) -> ReportSummary:
    """Write the reports of ``exam``, the certificates, the register and both sites under ``out``.

    Args:
        course: the course; its settings give the gradebook, the workers rendering reports, and
            the Dask scheduler to render on instead (its workers need the course directory and
            ``out`` at the same paths).
        exam: exam id.
        out: output folder (created).
        lang: ``zh`` (default) or ``en``.
        today: the as-of day for statuses (default: today).
        signing_key: private key path (default: `grading.signing.signing_key_path`).
        pdf: also print PDFs when a Chromium is available.
        engine: papermill engine ('' for the in-process engine, ``nbclient`` for a kernel each).
        on_done: called after each report with (result, done, total).
        publish_url: where ``out/public`` will be served; certificates, their status entries and
            QR codes point there.
        formats: register formats besides CSV (``xlsx``, ``jsonl``); CSV is always written.
        certificate_pdfs: print the certificates' PDFs (default: as ``pdf``); the demo prints
            them without the reports' PDFs.

    Raises:
        ReportError: bad arguments (a bad --publish-url or format), nothing to report, or a
            refused signing key location.
        ClusterError: the scheduler cannot be reached or a worker cannot see the folders.
    """
    msg = Messages.for_language(lang)
    publishing = Publishing(publish_base(publish_url), register.check_formats(formats))
    scheduler, workers = course.settings.scheduler, course.settings.workers
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
    with exclusive(course, exam, "report"):
        printed = _Printed(pdf, pdf if certificate_pdfs is None else certificate_pdfs)
        return _generate(course, level, out, scheme, key, msg, today, printed, engine, on_done, publishing)


def _generate(
    course: Course,
    level: Level,
    out: Path,
    scheme: Scheme,
    key: Ed25519PrivateKey,
    msg: Messages,
    today: dt.date,
    printed: _Printed,
    engine: str,
    on_done: Callable[[RenderResult, int, int], None] | None,
    publishing: Publishing,
) -> ReportSummary:
    exam = level.exam
    check_trail(course)
    level_of = {lv.id: lv for lv in scheme.levels}
    summary = ReportSummary(out)
    chromium = find_chromium() if printed.reports or printed.certificates else None
    if (printed.reports or printed.certificates) and chromium is None:
        summary.notices.append(PDF_HINT)
    records: list[DecisionRecord] = []

    def prepare() -> tuple[_Plan, _Certificates | None]:
        """Read what the reports are made of (while the report workers start)."""
        cohort, role = gather(course, exam, level, level_of, today)
        records.extend(decision_records(course.db_url, level_of))
        plan = _Plan(cohort, role, exam, out, msg, today, (chromium or "") if printed.reports else "", engine)
        certificates = _Certificates(records, scheme, publishing.base, chromium) if chromium else None
        return plan, certificates if printed.certificates else None

    plan = _render(course, prepare, chromium or "", summary, on_done)
    _write_similar_list(plan.cohort, out / REPORTS_DIR)
    done = publish(course, out, scheme, key, msg, today, publishing, records)
    summary.certificates = done.certificates
    summary.register_files, summary.status_list = done.register_files, done.status_list
    summary.public_index, summary.hr_index, summary.public_key = (
        done.public_index,
        done.hr_index,
        done.public_key,
    )
    summary.publish_url = publishing.base
    if is_placeholder(publishing.base):
        summary.notices.append(PLACEHOLDER_NOTICE.format(url=publishing.base, public=out / PUBLIC_DIR))
    if (out / OLD_PORTAL_DIR).is_dir():
        summary.notices.append(OLD_PORTAL_NOTICE.format(path=out / OLD_PORTAL_DIR, public=out / PUBLIC_DIR))
    return summary


def _write_similar_list(cohort: CohortResults, folder: Path) -> None:
    """The full list of similar evaluation reports beside the cohort report (removed when none)."""
    path = folder / similar_list_name(cohort.exam)
    if cohort.similar_reports:
        write_text(path, similar_csv(cohort))
    else:
        path.unlink(missing_ok=True)


@dataclass(frozen=True)
class _Printed:
    """Which PDFs a run prints."""

    reports: bool
    certificates: bool


@dataclass(frozen=True)
class _Certificates:
    """The certificates to print beside the reports."""

    records: list[DecisionRecord]
    scheme: Scheme
    base: str
    """The public site's base URL their QR codes point into."""
    chromium: str
    """The browser that prints them."""


@dataclass(frozen=True)
class _Plan:
    """What the report jobs of one run are made from."""

    cohort: CohortResults
    role: str
    exam: str
    out: Path
    msg: Messages
    today: dt.date
    chromium: str
    engine: str


def _render(
    course: Course,
    prepare: Callable[[], tuple[_Plan, _Certificates | None]],
    chromium: str,
    summary: ReportSummary,
    on_done: Callable[[RenderResult, int, int], None] | None,
) -> _Plan:
    """Render every report of the plan ``prepare`` makes, and print its certificates.

    On the local pool, ``prepare`` runs while the workers start (and boot ``chromium``, when
    PDFs are printed); on the course's Dask cluster, before the workers are checked.
    """
    scheduler = course.settings.scheduler
    prepared: list[_Plan] = []
    started: list[float] = []
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

        def jobs() -> Iterator[RenderJob]:
            plan, printed = prepare()
            prepared.append(plan)
            started.append(time.perf_counter())
            yield from _jobs(plan, scratch)
            if printed:
                yield from _certificate_jobs(plan, scratch, printed)

        source: Iterable[RenderJob] = jobs()
        if scheduler is not None:
            source = list(source)
            client = stack.enter_context(cluster.connect(scheduler))
            _check_render_workers(client, scratch, prepared[0].out, source)
        results = run_render_jobs(source, course.settings.workers, scratch, on_done, client, chromium)
        summary.timings["render_wall_seconds"] = time.perf_counter() - started[0]
    _collect(summary, results)
    return prepared[0]


def _check_render_workers(client: Client, scratch: Path, out: Path, jobs: list[RenderJob]) -> None:
    """Make sure every Dask worker sees this run's scratch and ``out``, and the templates.

    Raises:
        ClusterError: naming each worker that does not.
    """
    out.mkdir(parents=True, exist_ok=True)
    marker = out / f".cmacademy-probe-{uuid.uuid4().hex}"
    marker.touch()
    try:
        templates = sorted({job.template for job in jobs if job.template})
        paths = [str(scratch / "cohort.json"), str(marker), *templates]
        cluster.check_workers(client, cluster.missing_paths, paths)
    finally:
        marker.unlink()


def _jobs(plan: _Plan, scratch: Path) -> list[RenderJob]:
    cohort, role, exam, out, msg, today = plan.cohort, plan.role, plan.exam, plan.out, plan.msg, plan.today
    chromium, engine = plan.chromium, plan.engine
    reports = out / REPORTS_DIR
    cohort_file = scratch / "cohort.json"
    cohort_file.write_text(cohort.to_json(), encoding="utf-8")
    html = reports / f"cohort-{exam}.html"
    # The cohort report goes first: it is the longest job (its statistics import SciPy), and
    # started last it would leave the other workers idle at the end.
    jobs = [
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
    ]
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
    return jobs


def _certificate_jobs(plan: _Plan, scratch: Path, printed: _Certificates) -> list[RenderJob]:
    """A job printing each certificate's PDF that is not revoked (a revoked one's is removed)."""
    pages = certificate_pages(
        published(printed.records), plan.out / CERTIFICATES_DIR, plan.msg, printed.scheme, printed.base
    )
    return [
        RenderJob(
            f"{CERTIFICATE_JOB}{certificate_id}",
            "",
            {},
            str(scratch / CERTIFICATES_DIR / f"{certificate_id}.html"),
            "",
            plan.msg.lang,
            str(pdf),
            printed.chromium,
            page=page,
        )
        for certificate_id, page, pdf in pages
    ]


def _collect(summary: ReportSummary, results: list[RenderResult]) -> None:
    certificates = [r for r in results if r.name.startswith(CERTIFICATE_JOB)]
    for r in sorted(certificates, key=lambda r: r.name):
        if r.error:
            summary.failures[CERTIFICATE_FAILURE + r.name.removeprefix(CERTIFICATE_JOB)] = r.error
        if r.pdf:
            summary.certificate_pdfs.append(Path(r.pdf))
    results = [r for r in results if not r.name.startswith(CERTIFICATE_JOB)]
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
    if any(r.english_charts for r in results):  # the workers draw the charts: their fonts count
        summary.notices.append(FONT_HINT)
    printed = [r for r in done if r.pdf]
    if printed:
        summary.timings["pdf_seconds_mean"] = sum(r.pdf_seconds for r in printed) / len(printed)
