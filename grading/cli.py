"""The `cmacademy` command: one thin line per verb, each a call into the API."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from casebank.errors import CmAcademyError
from casebank.load import default_bank_dir, load_bank
from casebank.summary import bank_summary
from casebank.validate import validate_bank
from grading.casegen import DEFAULT_CLIENTS, DEFAULT_SEED, generate_bank
from grading.course import Course, init_course, release

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
@reports_errors
def course_init(directory: Path, course_id: str, bank_dir: Path | None, key_dir: Path | None) -> None:
    """Create an nbgrader course directory with every exam in source/."""
    created = init_course(directory, course_id=course_id, bank_dir=bank_dir, key_dir=key_dir)
    console.print(f"course {created.root} ready; exams: {', '.join(created.exams())}")


@main.command("release")
@click.argument("exam")
@click.option(
    "--course", "course_dir", type=click.Path(path_type=Path), required=True, help="Course directory."
)
@reports_errors
def release_exam(exam: str, course_dir: Path) -> None:
    """Generate the trainee version of EXAM; refuse if anything secret would ship."""
    released = release(Course.open(course_dir), exam)
    console.print(f"released {exam} to {released} (checked: no solutions, hidden tests or key values)")


@main.command()
@click.option(
    "--trainees", type=click.IntRange(min=1), default=30, show_default=True, help="Simulated cohort size."
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("build/demo"),
    show_default=True,
    help="Output directory.",
)
@reports_errors
def demo(trainees: int, out: Path) -> None:
    """Run the main job on the embedded defaults.

    Today this regenerates the case bank from the shipped manifest's seed, checks it is
    identical to the shipped one, validates it and prints its summary.
    """
    shipped = load_bank()
    bank_dir = out / "casebank"
    generate_bank(bank_dir, out / "casebank-key", seed=int(shipped.manifest["seed"]))
    validate_bank(bank_dir)
    regenerated = load_bank(bank_dir)
    same = regenerated.manifest["files"] == shipped.manifest["files"]
    print_summary(bank_summary(regenerated))
    console.print(
        f"regenerated bank {'matches' if same else 'DIFFERS FROM'} the shipped bank {shipped.version}; "
        f"the cohort of {trainees} trainees arrives with the grading pipeline"
    )
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
