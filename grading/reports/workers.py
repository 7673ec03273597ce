"""Report workers: render one report (papermill, HTML, PDF) in a process that stays warm.

Each worker keeps what is expensive to set up across the reports it renders: its Python
imports (pandas, matplotlib, nbconvert, papermill), the in-process papermill engine's shell,
the nbconvert exporter and a running Chromium with its profile folder. `run_render_jobs` runs
a batch on `grading.jobs` (a local pool or a Dask cluster).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.util import Finalize
from pathlib import Path
from typing import TYPE_CHECKING, Final

from grading.jobs import WORKER_BOOT, WorkerDied, run_jobs
from grading.jobs import dask as cluster
from grading.reports.charts import cjk_font
from grading.reports.errors import RenderError, ReportError
from grading.reports.messages import Messages
from grading.reports.pdf import ChromiumPrinter
from grading.reports.render import HtmlRenderer, execute, html_to_pdf, write_text

if TYPE_CHECKING:
    from distributed import Client


@dataclass(frozen=True)
class RenderJob:
    """One report for a worker to render."""

    name: str
    """Trainee id, `COHORT_JOB`, or a printed certificate's name."""
    template: str
    """Template notebook path ('' for a `page`)."""
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
    page: str = ""
    """A finished HTML page (a certificate) to write to `html` and print, instead of a template."""


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
    english_charts: bool = False
    """The worker has no font with Chinese glyphs: the report's charts are labelled in English."""


#: Exit handlers' order (higher first): a worker's Chromium is closed, then the worker leaves.
CLOSE_PRIORITY: Final = 10
FAST_EXIT_PRIORITY: Final = 0

_renderers: dict[str, HtmlRenderer] = {}
_profile: list[Path] = []
#: This worker's running Chromium; emptied for good when printing through it failed once.
_printers: dict[str, ChromiumPrinter | None] = {}


def _worker_init(scratch: str, chromium: str = "") -> None:
    """Warm a worker: imports the report stack once; gives it its own Chromium profile folder.

    With ``chromium`` (PDFs wanted), the worker's browser starts now and boots while the
    imports run, instead of when the first report is printed.
    """
    profile = Path(scratch) / f"chromium-{os.getpid()}"
    profile.mkdir(parents=True, exist_ok=True)
    _profile[:] = [profile]
    if chromium:
        printer = _printer(chromium)
        if printer is not None:
            try:
                printer.launch()
            except RenderError:  # said again, with the one-shot fallback, at the first PDF
                _printers[chromium] = None
    import matplotlib

    matplotlib.use("Agg")
    # The trainee template's imports, paid once per worker; the cohort report's own (pandas,
    # SciPy) only in the worker that renders it, its first job.
    import grading.reports.sections  # noqa: F401


def _local_worker_init(scratch: str, chromium: str = "") -> None:
    """Warm a local pool's worker (`_worker_init`), and let it leave without tearing down.

    When the pool shuts down, a worker that has rendered reports spends about 0.5 s of CPU
    unwinding its interpreter (pandas, matplotlib, IPython: modules, caches, objects), and the
    run waits for it. Its outputs are written whole and closed by then and it holds nothing
    to flush, so after its other exit handlers (closing its Chromium) it ends with
    ``os._exit``. Only local workers do this: a Dask worker process outlives the run.
    """
    _worker_init(scratch, chromium)
    Finalize(None, os._exit, args=(0,), exitpriority=FAST_EXIT_PRIORITY)


def render_job(job: RenderJob) -> RenderResult:
    """Execute, convert and print one report (in a worker); errors are returned, not raised."""
    started = time.perf_counter()
    try:
        if job.page:
            write_text(Path(job.html), job.page)
            executed = time.perf_counter()
        else:
            nb = execute(Path(job.template), dict(job.parameters), *([job.engine] if job.engine else []))
            executed = time.perf_counter()
            renderer = _renderers.get(job.lang) or _renderers.setdefault(
                job.lang, HtmlRenderer(Messages(job.lang))
            )
            write_text(Path(job.html), renderer.render(nb, job.title))
        converted = time.perf_counter()
        english_charts = not job.page and job.lang == "zh" and cjk_font() is None
    except ReportError as exc:
        return RenderResult(job.name, error=str(exc))
    pdf, error = "", ""
    if job.pdf and job.chromium:
        try:
            pdf = str(print_pdf(Path(job.html), Path(job.pdf), job.chromium))
        except ReportError as exc:  # Chromium failed, or the PDF cannot be written
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
        english_charts,
    )


def print_pdf(html: Path, pdf: Path, chromium: str) -> Path:
    """Print with this worker's running Chromium; with the one-shot command if that fails.

    Raises:
        RenderError: the one-shot command failed too.
        ReportError: the PDF cannot be written (read-only or full folder).
    """
    printer = _printer(chromium)
    if printer is not None:
        try:
            return printer.print_pdf(html, pdf)
        except RenderError:
            _printers[chromium] = None
    return html_to_pdf(html, pdf, chromium, _profile_dir() / "oneshot")


def _profile_dir() -> Path:
    """This worker's Chromium profile folder (a new temporary one outside a warmed worker)."""
    if not _profile:
        _profile.append(Path(tempfile.mkdtemp(prefix="cmacademy-chromium-")))
    return _profile[0]


def _printer(chromium: str) -> ChromiumPrinter | None:
    """This worker's running ``chromium`` (made on first use; None once printing through it failed)."""
    if chromium not in _printers:
        made = ChromiumPrinter(chromium, _profile_dir() / "pipe")
        Finalize(made, made.close, exitpriority=CLOSE_PRIORITY)
        _printers[chromium] = made
    return _printers[chromium]


def _close_printers() -> None:
    """Close this worker's Chromium (a Dask worker outlives the run whose profile folder it uses)."""
    for printer in _printers.values():
        if printer is not None:
            printer.close()
    _printers.clear()


def _setup_dask_worker(scratch: str, chromium: str = "") -> None:
    """Warm a Dask worker for this run's scratch folder (its Chromium of an earlier run is closed)."""
    _close_printers()
    _worker_init(scratch, chromium)


def run_render_jobs(
    jobs: Iterable[RenderJob],
    workers: int,
    scratch: Path,
    on_done: Callable[[RenderResult, int, int], None] | None = None,
    client: Client | None = None,
    chromium: str = "",
) -> list[RenderResult]:
    """Render ``jobs`` in a pool of ``workers`` processes, or on ``client``'s Dask cluster.

    The local workers start (and boot ``chromium`` when PDFs are wanted) before ``jobs`` is
    read: a generator may gather the data its jobs need meanwhile.

    Returns:
        The results, in the order they finished.
    """
    results: list[RenderResult] = []
    listed: list[RenderJob] = []

    def calls() -> Iterator[tuple[RenderJob, tuple[RenderJob]]]:
        for job in jobs:
            listed.append(job)
            yield job, (job,)

    runs = run_jobs(
        render_job,
        calls(),
        workers=workers,
        client=client,
        name="report",
        initializer=_local_worker_init,
        initargs=(str(scratch), chromium),
        setup=_setup_dask_worker,
        setup_args=(str(scratch), chromium),
        preimport=WORKER_BOOT,
        warm=True,
    )
    try:
        for job, result in runs:
            if not isinstance(result, RenderResult):
                lost = isinstance(result, cluster.JobLost | WorkerDied)
                reason = "its worker was lost" if lost else "it failed"
                result = RenderResult(
                    job.name, error=f"report not rendered, {reason}: {type(result).__name__}: {result}"
                )
            results.append(result)
            if on_done:
                on_done(result, len(results), len(listed))
    finally:
        runs.close()
        if client is not None:
            client.run(_close_printers, on_error="ignore")
    return results
