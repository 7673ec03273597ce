"""The committed bank regenerates byte for byte, and the generator refuses unsafe targets."""

from __future__ import annotations

from pathlib import Path

import pytest

from casebank.load import default_bank_dir, load_bank
from tests.conftest import KEY_DIR, Cli


def test_manifest_seed_reproduces_every_committed_file(cli: Cli, tmp_path: Path) -> None:
    shipped = load_bank()
    out, key = tmp_path / "bank", tmp_path / "key"
    result = cli("casebank", "generate", "--seed", shipped.manifest["seed"], "--out", out, "--key-out", key)
    assert result.exit_code == 0, result.output
    for committed in sorted(default_bank_dir().iterdir()):
        assert (out / committed.name).read_bytes() == committed.read_bytes(), committed.name
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in default_bank_dir().iterdir())
    for committed in sorted(KEY_DIR.iterdir()):
        assert (key / committed.name).read_bytes() == committed.read_bytes(), committed.name


def test_another_seed_gives_another_bank(cli: Cli, tmp_path: Path) -> None:
    result = cli("casebank", "generate", "--seed", "7", "--clients", "40", "--out", tmp_path / "b")
    assert result.exit_code == 0, result.output
    assert load_bank(tmp_path / "b").version != load_bank().version
    assert (tmp_path / "b-key" / "truth.csv").is_file()


def test_key_inside_the_facts_directory_is_refused(cli: Cli, tmp_path: Path) -> None:
    result = cli(
        "casebank", "generate", "--clients", "30", "--out", tmp_path / "b", "--key-out", tmp_path / "b" / "k"
    )
    assert result.exit_code == 1
    assert "assessor key must stay apart" in result.output
    assert not (tmp_path / "b").exists()


def test_key_inside_the_casebank_package_is_refused(cli: Cli, tmp_path: Path) -> None:
    key = default_bank_dir().parent / "leaked-key"
    result = cli("casebank", "generate", "--clients", "30", "--out", tmp_path / "b", "--key-out", key)
    assert result.exit_code == 1
    assert not key.exists()


def test_a_directory_holding_other_files_is_not_overwritten(cli: Cli, tmp_path: Path) -> None:
    precious = tmp_path / "notes" / "thesis.txt"
    precious.parent.mkdir()
    precious.write_text("keep me")
    result = cli("casebank", "generate", "--clients", "30", "--out", precious.parent)
    assert result.exit_code == 1
    assert "refusing to overwrite" in result.output
    assert precious.read_text() == "keep me"


def test_regenerating_over_an_existing_bank_replaces_it(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "b"
    assert cli("casebank", "generate", "--seed", "1", "--clients", "30", "--out", out).exit_code == 0
    first = load_bank(out).version
    assert cli("casebank", "generate", "--seed", "2", "--clients", "30", "--out", out).exit_code == 0
    assert load_bank(out).version != first
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("clients", ["0", "5"])
def test_too_few_clients_is_an_error(cli: Cli, tmp_path: Path, clients: str) -> None:
    result = cli("casebank", "generate", "--clients", clients, "--out", tmp_path / "b")
    assert result.exit_code in (1, 2)
    assert not (tmp_path / "b").exists()
