"""The `cmacademy` command: one thin line per verb, each a call into the API.

The commands live by concern in ``casebank_cmds``, ``course_cmds``, ``grade_cmds``,
``audit_cmds`` and ``report_cmds``; their defaults are the API's (`grading.settings`), stated once.
"""

from __future__ import annotations

import logging

import click

from grading.cli import (
    audit_cmds,
    casebank_cmds,
    course_cmds,
    exam_cmds,
    grade_cmds,
    hr_cmds,
    hub_cmds,
    marking_cmds,
    progress_cmds,
    report_cmds,
)
from grading.cli import simulate_cmds as _simulate_cmds  # noqa: F401  (registers `exam simulate`, `exam cutscore`)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cm-academy")
def main() -> None:
    """cm-academy (客户经理认证学院): train and certify customer managers."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")


for command in (
    casebank_cmds.casebank,
    course_cmds.course,
    course_cmds.roster,
    course_cmds.release_exam,
    course_cmds.collect_exam,
    grade_cmds.grade_cmd,
    grade_cmds.certify_cmd,
    grade_cmds.feedback_cmd,
    audit_cmds.certificate,
    audit_cmds.audit,
    grade_cmds.appeal_cmd,
    report_cmds.report_cmd,
    report_cmds.verify_cmd,
    report_cmds.demo_cmd,
    hr_cmds.expiring_cmd,
    hub_cmds.hub,
    exam_cmds.exam,
    progress_cmds.progress,
    marking_cmds.mark,
):
    main.add_command(command)
