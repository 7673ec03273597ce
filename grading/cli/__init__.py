"""The `cmacademy` command: one thin line per verb, each a call into the API.

The commands live by concern in ``casebank_cmds``, ``course_cmds``, ``grade_cmds``,
``audit_cmds``, ``report_cmds``, ``demo_cmds`` and the others below; their defaults are the API's
(`grading.settings`), stated once. A command's module is imported only when that command runs
(or ``--help`` lists it), and the modules import the API inside each command, so a command pays
only for what it uses: ``cmacademy demo`` reaches its first stage line without importing
nbgrader, and each grading worker that re-runs the console script imports next to nothing.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
import types
from typing import Any, Final

import click

#: Command name -> (module of ``grading.cli``, attribute): what `main` runs, imported when needed.
COMMANDS: Final = {
    "appeal": ("grade_cmds", "appeal_cmd"),
    "audit": ("audit_cmds", "audit"),
    "casebank": ("casebank_cmds", "casebank"),
    "certificate": ("audit_cmds", "certificate"),
    "certify": ("grade_cmds", "certify_cmd"),
    "collect": ("course_cmds", "collect_exam"),
    "course": ("course_cmds", "course"),
    "demo": ("demo_cmds", "demo_cmd"),
    "exam": ("simulate_cmds", "exam"),  # simulate_cmds adds `exam simulate` and `exam cutscore`
    "expiring": ("hr_cmds", "expiring_cmd"),
    "feedback": ("grade_cmds", "feedback_cmd"),
    "grade": ("grade_cmds", "grade_cmd"),
    "hub": ("hub_cmds", "hub"),
    "mark": ("marking_cmds", "mark"),
    "progress": ("progress_cmds", "progress"),
    "release": ("course_cmds", "release_exam"),
    "report": ("report_cmds", "report_cmd"),
    "roster": ("course_cmds", "roster"),
    "verify": ("report_cmds", "verify_cmd"),
}
#: jsonschema's optional IRI checker, whose import builds an Earley grammar (see `defer_iri_grammar`).
IRI_GRAMMAR_MODULE: Final = "rfc3987_syntax"


def defer_iri_grammar() -> None:
    """Build jsonschema's IRI grammar when an ``iri`` format is first checked, not at import.

    nbformat imports jsonschema, which imports ``rfc3987-syntax`` when it is installed
    (jupyter-events asks for it); that module builds Earley parsers at import, about 1 s of CPU
    in every process that reads a notebook. Here the module is a stand-in whose attributes load
    the real module on first use, so every check behaves as before. Unlike the block that
    `grading.jobs.boot` puts in grading workers, nothing loses its checker.
    """
    if IRI_GRAMMAR_MODULE in sys.modules or importlib.util.find_spec(IRI_GRAMMAR_MODULE) is None:
        return
    stand_in = types.ModuleType(IRI_GRAMMAR_MODULE)

    def real() -> types.ModuleType:
        if sys.modules.get(IRI_GRAMMAR_MODULE) is stand_in:
            del sys.modules[IRI_GRAMMAR_MODULE]
        module = importlib.import_module(IRI_GRAMMAR_MODULE)
        stand_in.__dict__.update({k: v for k, v in module.__dict__.items() if not k.startswith("__")})
        return module

    def is_valid_syntax(term: str, value: str) -> bool:
        return bool(real().is_valid_syntax(term, value))

    def __getattr__(name: str) -> Any:  # a module's attribute hook (PEP 562)
        if name.startswith("__"):  # the import system's probes (``__path__``, ...) are no use
            raise AttributeError(name)
        return getattr(real(), name)

    stand_in.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    stand_in.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules[IRI_GRAMMAR_MODULE] = stand_in


class LazyGroup(click.Group):
    """A group whose commands' modules are imported when a command is looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, sorted."""
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, importing its module on first use (None if unknown)."""
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attribute = COMMANDS[cmd_name]
            self.add_command(getattr(importlib.import_module(f"{__name__}.{module}"), attribute), cmd_name)
        return self.commands.get(cmd_name)


defer_iri_grammar()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cm-academy")
def main() -> None:
    """cm-academy (客户经理认证学院): train and certify customer managers."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
