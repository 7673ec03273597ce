"""``cmacademy casebank``: summary, generation and validation of the case bank."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from casebank.load import default_bank_dir, load_bank
from casebank.summary import bank_summary
from casebank.validate import validate_bank
from grading.casegen import DEFAULT_CLIENTS, DEFAULT_SEED, generate_bank
from grading.cli.common import console, reports_errors, say
from grading.cli.tables import bank_tables


def default_key_dir(out: Path) -> Path:
    """Where `casebank generate` puts the assessor key when --key-out is not given."""
    return out.resolve().parent / f"{out.resolve().name}-key"


def print_summary(summary: dict[str, Any]) -> None:
    """Print the bank summary as tables."""
    pools = ", ".join(f"{n} {pool}" for pool, n in summary["pools"].items())
    say(
        f"case bank {summary['bank_version']} (seed {summary['seed']}, as of {summary['as_of']}): "
        f"{summary['clients']} clients ({pools})"
    )
    for table in bank_tables(summary):
        console.print(table)


@click.group()
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
    say(f"wrote {summary['clients']} clients to {out} (version {summary['bank_version']})")
    say(f"wrote the assessor key to {key_dir} — keep it away from trainees")


@casebank.command("validate")
@click.argument("directory", type=click.Path(path_type=Path), required=False)
@reports_errors
def casebank_validate(directory: Path | None) -> None:
    """Check a bank against its schema and manifest; exit 1 naming file, line and field."""
    path = directory or default_bank_dir()
    validate_bank(path)
    summary = bank_summary(load_bank(path, validate=False))
    say(f"valid: {path} ({summary['clients']} clients, version {summary['bank_version']})")
