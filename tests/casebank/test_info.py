"""`cmacademy casebank info` reports counts, as tables or JSON."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import Cli


def test_info_json_meets_the_bank_minimums(cli: Cli) -> None:
    result = cli("casebank", "info", "--json")
    assert result.exit_code == 0
    info = json.loads(result.output)
    assert info["clients"] >= 300
    assert len(info["industries"]) >= 10
    assert len(info["regions"]) >= 6
    assert sum(info["industries"].values()) == info["clients"]
    assert sum(info["regions"].values()) == info["clients"]
    assert sum(info["sizes"].values()) == info["clients"]
    assert set(info["pools"]) == {"practice", "exam"}


def test_info_tables_name_every_industry(cli: Cli) -> None:
    result = cli("casebank", "info")
    assert result.exit_code == 0
    assert "装备制造" in result.output and "华东" in result.output


def test_console_script_is_installed() -> None:
    bin_dir = sys.executable.rsplit("/", 1)[0]
    done = subprocess.run(
        [f"{bin_dir}/cmacademy", "casebank", "info", "--json"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["clients"] >= 300


def test_usage_error_exits_2(cli: Cli) -> None:
    result = cli("casebank", "generate", "--seed", "abc", "--out", "x")
    assert result.exit_code == 2
