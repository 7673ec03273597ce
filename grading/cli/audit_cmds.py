"""``cmacademy audit verify`` and ``certificate revoke|reinstate``: the trail and what it backs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grading.cli.common import COURSE_OPTION, DB_OPTION, reports_errors, say, warn
from grading.pipeline.course import Course


@click.group()
def audit() -> None:
    """The course's audit trail: chained by hash, its head signed."""


@audit.command("verify")
@COURSE_OPTION
@DB_OPTION
@reports_errors
def audit_verify(course_dir: Path, db_url: str | None) -> None:
    """Check every audit entry and decision; exit 1 naming each edited, deleted or added one."""
    from grading.pipeline.audit import verify_trail
    from grading.pipeline.records import AuditEntry, open_engine, session

    course = Course.open(course_dir, db_url=db_url)
    engine = open_engine(course.db_url)
    try:
        with session(engine) as s:
            findings = verify_trail(s)
            entries = s.query(AuditEntry).count()
    finally:
        engine.dispose()
    if findings:
        warn(f"audit trail of {course.root}: {len(findings)} problem(s) in {entries} entries")
        for finding in findings:
            warn(f"  {finding}")
        sys.exit(1)
    say(f"audit trail of {course.root}: intact ({entries} entries; head signed; every decision backed)")


@click.group()
def certificate() -> None:
    """Certificates: revocation (final) and, for a revocation made in error, reinstatement."""


@certificate.command("revoke")
@click.argument("certificate_id")
@COURSE_OPTION
@click.option("--reason", required=True, help="Why the certificate is revoked (recorded).")
@DB_OPTION
@reports_errors
def certificate_revoke(certificate_id: str, course_dir: Path, reason: str, db_url: str | None) -> None:
    """Revoke a certificate for good; the audit trail records who, when and why."""
    from grading.certification.certify import revoke

    decision = revoke(Course.open(course_dir, db_url=db_url), certificate_id, reason)
    say(f"revoked {certificate_id} ({decision.trainee}, {decision.exam}); run `cmacademy report` to publish")


@certificate.command("reinstate")
@click.argument("certificate_id")
@COURSE_OPTION
@click.option("--reason", required=True, help="Why the revocation was an error (recorded).")
@DB_OPTION
@reports_errors
def certificate_reinstate(certificate_id: str, course_dir: Path, reason: str, db_url: str | None) -> None:
    """Undo a revocation made in error; explicit and audited (certify never does this)."""
    from grading.certification.certify import reinstate

    decision = reinstate(Course.open(course_dir, db_url=db_url), certificate_id, reason)
    say(
        f"reinstated {certificate_id} ({decision.trainee}, {decision.exam}); run `cmacademy report` to publish"
    )
