"""``cmacademy hub``: the course's JupyterHub on this machine, and the exchange around it."""

from __future__ import annotations

from pathlib import Path

import click

from grading.cli.common import COURSE_OPTION, reports_errors, say
from grading.hub.config import AUTHENTICATORS
from grading.hub.exchange import deliver_feedback, gather, publish
from grading.hub.setup import (
    DEFAULT_EXCHANGE,
    DEFAULT_IDLE_MINUTES,
    DEFAULT_PORT,
    DEFAULT_TRAINEE_ENV,
    init_hub,
    plan_hub,
    start_hub,
)
from grading.hub.spawn import deliver_all
from grading.pipeline.course import Course

EXCHANGE_OPTION = click.option(
    "--exchange",
    type=click.Path(path_type=Path),
    default=DEFAULT_EXCHANGE,
    show_default=True,
    help="nbgrader's exchange root.",
)


@click.group()
def hub() -> None:
    """A JupyterHub for a course: trainees and the trainer in their own servers."""


@hub.command("init")
@click.argument("course_dir", type=click.Path(path_type=Path))
@click.option("--trainer", required=True, help="The trainer's system user (hub admin, owner of the course).")
@click.option(
    "--trainee-env",
    type=click.Path(path_type=Path),
    default=DEFAULT_TRAINEE_ENV,
    show_default=True,
    help="The trainee environment (scripts/install_trainee_env.sh).",
)
@click.option(
    "--assessor-env",
    type=click.Path(path_type=Path),
    default=None,
    help="Environment of the trainer's server (default: this one; the trainer must be able to run it).",
)
@EXCHANGE_OPTION
@click.option(
    "--hub-dir", type=click.Path(path_type=Path), default=None, help="The hub's folder (default: COURSE-hub)."
)
@click.option("--port", type=int, default=DEFAULT_PORT, show_default=True, help="Port on 127.0.0.1.")
@click.option("--authenticator", type=click.Choice(list(AUTHENTICATORS)), default="pam", show_default=True)
@click.option(
    "--idle-minutes", type=int, default=DEFAULT_IDLE_MINUTES, show_default=True, help="Stop idle servers."
)
@click.option("--start/--no-start", default=True, show_default=True, help="Start the hub after writing it.")
@reports_errors
def init_cmd(
    course_dir: Path,
    trainer: str,
    trainee_env: Path,
    assessor_env: Path | None,
    exchange: Path,
    hub_dir: Path | None,
    port: int,
    authenticator: str,
    idle_minutes: int,
    start: bool,
) -> None:
    """Write a JupyterHub for COURSE_DIR on this machine and start it (as root)."""
    plan = plan_hub(
        Course.open(course_dir),
        trainer,
        trainee_env=trainee_env,
        exchange=exchange,
        hub_dir=hub_dir,
        port=port,
        idle_minutes=idle_minutes,
        assessor_env=assessor_env,
    )
    config = init_hub(plan, authenticator)
    say(f"hub for {plan.course_id} written to {config}; trainees: {len(plan.trainees)}")
    if start:
        say(f"starting JupyterHub on http://127.0.0.1:{port}/ (Ctrl-C stops it)")
        start_hub(config).wait()


@hub.command("publish")
@click.argument("exam")
@COURSE_OPTION
@EXCHANGE_OPTION
@reports_errors
def publish_cmd(exam: str, course_dir: Path, exchange: Path) -> None:
    """Put the released EXAM in the exchange for trainees to fetch."""
    say(f"published {exam} to {publish(Course.open(course_dir), exam, exchange)}")


@hub.command("handouts")
@COURSE_OPTION
@reports_errors
def handouts_cmd(course_dir: Path) -> None:
    """Copy each trainee's exam handouts into their home now (as root; servers need no restart)."""
    course = Course.open(course_dir)
    delivered = deliver_all(course.root, course.trainees())
    say(f"handouts delivered to {len(delivered)} of {len(course.trainees())} trainee(s)")


@hub.command("collect")
@click.argument("exam")
@COURSE_OPTION
@EXCHANGE_OPTION
@reports_errors
def collect_cmd(exam: str, course_dir: Path, exchange: Path) -> None:
    """Take the exchange's submissions of EXAM into the course."""
    report = gather(Course.open(course_dir), exam, exchange)
    say(f"collected {len(report.collected)} submission(s) of {exam}; rejected {len(report.rejected)}")


@hub.command("feedback")
@click.argument("exam")
@COURSE_OPTION
@reports_errors
def feedback_cmd(exam: str, course_dir: Path) -> None:
    """Copy each trainee's feedback on EXAM into their home (run `cmacademy feedback` first)."""
    delivered = deliver_feedback(Course.open(course_dir), exam)
    say(f"feedback on {exam} delivered to {len(delivered)} trainee(s)")
