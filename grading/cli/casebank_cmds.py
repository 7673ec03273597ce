"""``cmacademy casebank``: summary, generation and validation of the case bank."""

from __future__ import annotations

import json
from pathlib import Path

import click

from grading.casegen.bank import DEFAULT_CLIENTS, DEFAULT_SEED
from grading.cli.common import reports_errors, say
from grading.cli.tables import print_summary

__all__ = ["casebank", "default_key_dir", "print_summary"]


def default_key_dir(out: Path) -> Path:
    """Where `casebank generate` puts the assessor key when --key-out is not given."""
    return out.resolve().parent / f"{out.resolve().name}-key"


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
    from casebank.load import load_bank
    from casebank.summary import bank_summary

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
    from casebank.load import load_bank
    from casebank.summary import bank_summary
    from grading.casegen import generate_bank

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
    from casebank.load import default_bank_dir, load_bank
    from casebank.summary import bank_summary
    from casebank.validate import validate_bank

    path = directory or default_bank_dir()
    validate_bank(path)
    summary = bank_summary(load_bank(path, validate=False))
    say(f"valid: {path} ({summary['clients']} clients, version {summary['bank_version']})")
