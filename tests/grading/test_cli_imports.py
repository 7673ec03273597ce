"""The `cmacademy` command starts without the API's heavy dependencies (each in a fresh interpreter)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: Modules that cost seconds to import and that no command needs before it runs.
HEAVY = ("pandas", "nbformat", "nbgrader", "sqlalchemy", "grading.pipeline.grade", "grading.reports.build")


def _fresh(code: str) -> dict[str, object]:
    """Run ``code`` in a new interpreter; it prints one JSON object as its last line."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return dict(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize("command", ["demo", "grade", "certify", "course", "audit", "release"])
def test_looking_up_a_command_imports_nothing_heavy(command: str) -> None:
    loaded = _fresh(
        "import json, sys\n"
        "from grading.cli import main\n"
        f"assert main.get_command(None, {command!r}) is not None\n"
        f"print(json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))\n"
    )
    assert not any(loaded.values()), loaded


def test_every_command_is_listed_and_found() -> None:
    from grading.cli import COMMANDS, main

    assert main.list_commands(None) == sorted(COMMANDS)  # type: ignore[arg-type]
    for name in COMMANDS:
        assert main.get_command(None, name).name == name  # type: ignore[arg-type,union-attr]


def test_jsonschemas_iri_checker_is_built_on_first_use_and_still_checks() -> None:
    state = _fresh(
        "import json, sys\n"
        "import grading.cli, nbformat\n"
        "from jsonschema import Draft7Validator\n"
        "built_at_import = 'rfc3987_syntax.syntax_helpers' in sys.modules\n"
        "v = Draft7Validator({'format': 'iri'}, format_checker=Draft7Validator.FORMAT_CHECKER)\n"
        "print(json.dumps({'built_at_import': built_at_import,\n"
        "    'valid': v.is_valid('https://例子.测试/路径?q=1'), 'invalid': v.is_valid('http://a b/ c')}))\n"
    )
    assert state == {"built_at_import": False, "valid": True, "invalid": False}
