"""From template notebook to report: papermill executes, nbconvert writes HTML, Chromium prints PDF.

- `execute` runs a template with papermill (by default on the in-process engine, see
  `grading.reports.engine`; ``engine="nbclient"`` starts a kernel per report as plain papermill
  does).
- `HtmlRenderer` turns the executed notebook into one self-contained HTML page: outputs only
  (no code cells, no prompts), images inline as base64, styles inline, no external scripts.
- `html_to_pdf` prints a page with headless Chromium (Debian package ``chromium``); without a
  browser, `find_chromium` returns None and the report command writes HTML only.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Final

from grading.reports.errors import RenderError, ReportError
from grading.reports.messages import Messages

TEMPLATES_DIR: Final = Path(__file__).resolve().parent / "templates"
TRAINEE_TEMPLATE: Final = TEMPLATES_DIR / "trainee_report.ipynb"
COHORT_TEMPLATE: Final = TEMPLATES_DIR / "cohort_report.ipynb"
NBCONVERT_TEMPLATE: Final = "cmacademy"
#: Cells with this tag document the template and never reach a report.
REMOVE_TAG: Final = "remove-cell"
#: The papermill engine running templates in the worker's own process (`grading.reports.engine`).
INPROCESS_ENGINE: Final = "cmacademy-inprocess"
ENGINES: Final = (INPROCESS_ENGINE, "nbclient")
CHROMIUM_NAMES: Final = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ENV_CHROMIUM: Final = "CMACADEMY_CHROMIUM"
PDF_TIMEOUT: Final = 90
CHROMIUM_FLAGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
)
#: Only for ``--print-to-pdf`` (with ``--remote-debugging-pipe`` it stops Chromium answering).
ONE_SHOT_FLAGS: Final = ("--no-pdf-header-footer",)
#: Mode of a new output file before the umask applies (as `open` would create it).
NEW_FILE_MODE: Final = 0o666
_NOT_A_FOLDER: Final = (
    "a file stands where a folder is needed; move it or choose another output folder (--out)"
)
#: What to do when an output file cannot be written, by the system's error number.
OUTPUT_ADVICE: Final = {
    errno.EROFS: "the folder is on a read-only file system; choose another output folder (--out)",
    errno.ENOSPC: "free space on that disk or choose another output folder (--out)",
    errno.EDQUOT: "free space within your disk quota or choose another output folder (--out)",
    errno.EACCES: "give this user write permission on the folder or choose another output folder (--out)",
    errno.EPERM: "give this user write permission on the folder or choose another output folder (--out)",
    errno.ENOTDIR: _NOT_A_FOLDER,
    errno.EEXIST: _NOT_A_FOLDER,
}
PDF_HINT: Final = (
    "PDF skipped: no Chromium found; install it (Debian: `sudo apt-get install chromium fonts-noto-cjk`, "
    f"or run `bash scripts/install_system_deps.sh`) or point {ENV_CHROMIUM} at a Chrome/Chromium binary."
)


def execute(template: Path, parameters: dict[str, Any], engine: str = INPROCESS_ENGINE) -> Any:
    """Execute a template notebook with papermill and return the executed notebook.

    Raises:
        RenderError: unknown engine, or a cell raised (the message names the cell and the error).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from grading.reports import engine as inprocess  # IPython and papermill: only where reports run

    if engine not in ENGINES:
        raise RenderError(f"unknown report engine {engine!r}; engines: {', '.join(ENGINES)}.")
    inprocess.register()
    try:
        return papermill.execute_notebook(
            str(template),
            None,
            parameters=parameters,
            engine_name=engine,
            kernel_name="python3",
            language="python",
            progress_bar=False,
            request_save_on_cell_execute=False,
        )
    except PapermillExecutionError as exc:
        raise RenderError(
            f"{template.name}, cell {exc.cell_index} (execution count {exc.exec_count}): {exc.ename}: "
            f"{exc.evalue}. Fix the template or the data it was given ({parameters})."
        ) from None


class HtmlRenderer:
    """Executed notebook -> one self-contained HTML page without code (one per worker and language)."""

    def __init__(self, msg: Messages) -> None:
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import TagRemovePreprocessor
        from traitlets.config import Config

        config = Config()
        config.TagRemovePreprocessor.remove_cell_tags = {REMOVE_TAG}
        config.TagRemovePreprocessor.enabled = True
        # nbconvert ships no type hints.
        self.exporter = HTMLExporter(  # type: ignore[no-untyped-call]
            config=config,
            extra_template_basedirs=[str(TEMPLATES_DIR / "nbconvert")],
            template_name=NBCONVERT_TEMPLATE,
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        remove = TagRemovePreprocessor(config=config)  # type: ignore[no-untyped-call]
        self.exporter.register_preprocessor(remove, enabled=True)  # type: ignore[no-untyped-call]
        self.exporter.language_code = msg.html_lang

    def render(self, nb: Any, title: str) -> str:
        """The HTML page of an executed notebook (stderr output such as warnings is left out).

        Raises:
            RenderError: the notebook holds an error output.
        """
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            for output in cell.outputs:
                if output.output_type == "error":
                    raise RenderError(
                        f"cell {index}: {output.ename}: {output.evalue}; the report was not written."
                    )
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
        body, _ = self.exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
        return str(body)


def write_text(path: Path, text: str) -> None:
    """Write a UTF-8 text file whole and atomically (see `write_bytes`).

    Raises:
        ReportError: the file cannot be written; nothing is left behind.
    """
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: Path, data: bytes) -> None:
    """Write a file whole and atomically: a unique temporary file in its folder, then a rename.

    Readers see the old file or the new one, never half of one; on any failure the temporary
    file is removed. The file gets the usual mode (``0o666`` less the umask).

    Raises:
        ReportError: the folder cannot be made or written (read-only, full, no permission),
            naming the path, the system's reason and what to do.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise output_error(path, exc) from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), NEW_FILE_MODE & ~_umask())
            f.write(data)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise output_error(path, exc) from None
        raise


def output_error(path: Path, exc: OSError) -> ReportError:
    """The error for an output file that cannot be written: path, the system's reason, what to do."""
    reason = exc.strerror or str(exc)
    reason = reason[:1].lower() + reason[1:]
    advice = OUTPUT_ADVICE.get(exc.errno or 0, "check the output folder and run the command again")
    return ReportError(f"cannot write {path}: {reason}; {advice}. Nothing was half-written.")


@functools.cache
def _umask() -> int:
    """This process's umask (read once: reading it means setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def find_chromium() -> str | None:
    """The Chromium to print PDFs with: ``CMACADEMY_CHROMIUM``, else the first on PATH, else None."""
    configured = os.environ.get(ENV_CHROMIUM)
    if configured:
        return configured if Path(configured).is_file() else shutil.which(configured)
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def html_to_pdf(html: Path, pdf: Path, chromium: str, profile_dir: Path) -> Path:
    """Print an HTML file to PDF with headless Chromium.

    Args:
        html: the page.
        pdf: where to write the PDF.
        chromium: the browser binary.
        profile_dir: a user-data directory this process owns (reused across calls; one per worker).

    Raises:
        RenderError: Chromium failed or wrote no PDF.
    """
    tmp = pdf.with_name(f".{pdf.name}.tmp")
    tmp.unlink(missing_ok=True)
    command = [
        chromium,
        *CHROMIUM_FLAGS,
        *ONE_SHOT_FLAGS,
        f"--user-data-dir={profile_dir}",
        f"--print-to-pdf={tmp}",
        html.resolve().as_uri(),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PDF_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise RenderError(f"{html}: Chromium did not finish the PDF within {PDF_TIMEOUT} s.") from None
    except OSError as exc:
        raise RenderError(
            f"{chromium}: cannot run Chromium ({exc}); set {ENV_CHROMIUM} or install chromium."
        ) from None
    if not tmp.is_file() or tmp.read_bytes()[:5] != b"%PDF-":
        tmp.unlink(missing_ok=True)
        raise RenderError(
            f"{html}: Chromium wrote no PDF (exit {done.returncode}): {done.stderr.strip()[-400:]}"
        )
    tmp.replace(pdf)
    return pdf
