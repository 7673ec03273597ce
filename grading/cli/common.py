"""What every `cmacademy` command shares: consoles, error reporting, the common options.

Every text that comes from a file or a person is printed as text, never interpreted as Rich
markup (``markup=False``) or emoji codes such as ``:smile:`` (``emoji=False``); only
cm-academy's own fixed strings carry styles.
"""

from __future__ import annotations

import atexit
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, Final, TypeVar

import click
from rich.console import Console

from casebank.errors import CmAcademyError
from grading.settings import DEFAULT_WORKERS

F = TypeVar("F", bound=Callable[..., Any])
#: The console script's name: the process that may end without tearing the interpreter down.
CONSOLE_SCRIPT: Final = "cmacademy"
console = Console(soft_wrap=True, markup=False, emoji=False, highlight=False)
err_console = Console(stderr=True, soft_wrap=True, markup=False, emoji=False, highlight=False)


def say(text: str) -> None:
    """Print a line of data to standard output, as text."""
    console.print(text)


def warn(text: str) -> None:
    """Print a line to standard error, as text."""
    err_console.print(text)


def reports_errors(func: F) -> F:
    """Print a `CmAcademyError` as one message without a traceback and exit 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CmAcademyError as exc:
            err_console.print("error:", style="bold red", end=" ")
            err_console.print(str(exc))
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


COURSE_OPTION = click.option(
    "--course", "course_dir", type=click.Path(path_type=Path), required=True, help="Course directory."
)
DB_OPTION = click.option(
    "--db-url",
    default=None,
    help="Gradebook URL, e.g. postgresql://user@host/db (default: the course's own).",
)
DATE_FORMATS = ["%Y-%m-%d"]


def workers_option(what: str) -> Callable[[F], F]:
    """The ``--workers`` option, defaulting to the API's `DEFAULT_WORKERS`."""
    return click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=DEFAULT_WORKERS,
        show_default=True,
        help=f"Parallel {what} (ignored with --scheduler: the cluster decides).",
    )


def scheduler_option(help_text: str) -> Callable[[F], F]:
    """The ``--scheduler`` option: run a command's jobs on a Dask cluster (`grading.jobs.dask`)."""
    return click.option("--scheduler", metavar="tcp://HOST:PORT", default=None, help=help_text)


def in_console_script() -> bool:
    """Whether this process is the ``cmacademy`` console script itself (not a test invoking a command)."""
    return Path(getattr(sys.modules.get("__main__"), "__file__", None) or "").name == CONSOLE_SCRIPT


def leave_without_teardown() -> None:
    """End the console script's process now that a command has written, printed and closed all.

    Tearing the interpreter down frees a long command's objects one by one (the demo's pool
    tables, handout rows, gradebook sessions: about a second after its last line). The exit
    handlers still run (logging flushes, temporary folders go away) and standard output and
    error are flushed; only the freeing is skipped. Nothing happens unless this process is the
    console script itself, so a test invoking the command keeps its interpreter.
    """
    if not in_console_script():
        return
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
