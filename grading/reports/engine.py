"""A papermill engine that runs cm-academy's own report templates in the calling process.

Papermill's default engine starts a Jupyter kernel for every notebook: about a second of start-up
plus re-importing pandas and matplotlib each time, which dominates a report that itself runs in
a fraction of a second. Report templates are assessor-side code we ship (never a trainee's
notebook), so a report worker may run them in its own interpreter: one IPython shell per worker
process, its namespace reset before each notebook, imports shared across notebooks.

Papermill still does everything it does for a kernel run: it injects the parameters cell,
records per-cell metadata, turns an error output into `PapermillExecutionError`, and writes
the output notebook. Register the engine with `register()`; use it with
``papermill.execute_notebook(..., engine_name=ENGINE_NAME)``.
"""

from __future__ import annotations

import contextlib
import io
from typing import Any, Final

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from nbformat import NotebookNode
from nbformat.v4 import new_output
from papermill.engines import Engine, papermill_engines
from traitlets.config import Config

from grading.reports.errors import RenderError
from grading.reports.render import INPROCESS_ENGINE

ENGINE_NAME: Final = INPROCESS_ENGINE


#: Outputs of the cell being run, in order of appearance (display calls and the trailing value).
_outputs: list[NotebookNode] = []


class _CollectingPublisher(DisplayPublisher):
    """Keeps ``display()`` calls as notebook outputs instead of printing them."""

    def publish(
        self,
        data: Any,
        metadata: Any = None,
        source: Any = None,
        *,
        transient: Any = None,
        update: Any = False,
        **kwargs: Any,
    ) -> None:
        _outputs.append(new_output("display_data", data=data, metadata=metadata or {}))

    def clear_output(self, wait: bool = False) -> None:
        _outputs.clear()


class _CollectingHook(DisplayHook):
    """Keeps a cell's trailing expression as an ``execute_result`` output."""

    def write_output_prompt(self) -> None:
        """No prompt: nothing is printed."""

    def write_format_data(self, format_dict: Any, md_dict: Any = None) -> None:
        _outputs.append(
            new_output(
                "execute_result", data=format_dict, metadata=md_dict or {}, execution_count=self.prompt_count
            )
        )

    def finish_displayhook(self) -> None:
        """Nothing to flush."""


class _ReportShell(InteractiveShell):
    """An IPython shell whose tracebacks become error outputs, as a kernel's would."""

    def init_sys_modules(self) -> None:
        """Leave ``sys.modules["__main__"]`` alone (IPython's embedded shells do the same).

        The shell lives in a report worker or a caller's process; replacing their ``__main__``
        would break, for one, multiprocessing's spawn, which reads ``__main__.__spec__``.
        """

    def _showtraceback(self, etype: type[BaseException], evalue: BaseException, stb: list[str]) -> None:
        _outputs.append(new_output("error", ename=etype.__name__, evalue=str(evalue), traceback=list(stb)))


_shell: InteractiveShell | None = None


def shell() -> InteractiveShell:
    """This process's report shell (created on first use; ``display()`` finds it as the instance)."""
    global _shell
    if _shell is None:
        if InteractiveShell.initialized() and not isinstance(InteractiveShell.instance(), _ReportShell):
            raise RenderError(
                f"the {ENGINE_NAME} engine cannot run inside an IPython session or kernel; "
                "use engine='nbclient' there."
            )
        sh = _ReportShell.instance(config=Config({"HistoryManager": {"enabled": False}}))
        sh.display_pub = _CollectingPublisher(shell=sh)  # type: ignore[no-untyped-call]
        sh.displayhook = _CollectingHook(shell=sh, cache_size=0)  # type: ignore[no-untyped-call]
        sh.display_trap.hook = sh.displayhook
        _shell = sh
    return _shell


def fresh_namespace(sh: InteractiveShell) -> None:
    """Forget the previous notebook's variables (cheaper than ``reset``, which runs the GC)."""
    hidden = sh.user_ns_hidden
    for name in [n for n in sh.user_ns if n not in hidden]:
        del sh.user_ns[name]
    sh.execution_count = 1


def run_cell(source: str) -> tuple[list[NotebookNode], bool]:
    """Run one cell in the report shell; return its outputs (streams first) and success."""
    sh = shell()
    _outputs.clear()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        result = sh.run_cell(source, store_history=True)
    streams = [
        new_output("stream", name=name, text=text)
        for name, text in (("stdout", out.getvalue()), ("stderr", err.getvalue()))
        if text
    ]
    return streams + list(_outputs), bool(result.success)


class InProcessEngine(Engine):  # type: ignore[misc]  # papermill is untyped
    """Papermill engine executing a notebook's code cells in this process's report shell."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> None:
        """Run every code cell in order; stop at the first error (papermill then raises)."""
        sh = shell()
        fresh_namespace(sh)
        for index, cell in enumerate(nb_man.nb.cells):
            nb_man.cell_start(cell, index)
            failed = False
            if cell.cell_type == "code":
                count = sh.execution_count
                cell.outputs, ok = run_cell(cell.source)
                cell.execution_count = count
                failed = not ok
                if failed:
                    nb_man.cell_exception(cell, index)
            nb_man.cell_complete(cell, index)
            if failed:
                break


def register() -> None:
    """Make the engine known to papermill as `ENGINE_NAME` (idempotent)."""
    papermill_engines.register(ENGINE_NAME, InProcessEngine)
