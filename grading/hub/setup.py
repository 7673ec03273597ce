"""`cmacademy hub init`: a course's JupyterHub on this machine, written and started."""

from __future__ import annotations

import contextlib
import os
import pwd
import subprocess
import sys
from pathlib import Path
from typing import Final

from grading.hub.config import write_hub_config
from grading.hub.exchange import prepare_exchange
from grading.hub.spawn import PRIVATE_HOME, HubError, HubPlan
from grading.pipeline.course import Course

DEFAULT_PORT: Final = 8000
DEFAULT_EXCHANGE: Final = Path("/srv/nbgrader/exchange")
DEFAULT_TRAINEE_ENV: Final = Path("/opt/cm-academy-trainee")
DEFAULT_IDLE_MINUTES: Final = 60
COURSE_MODE: Final = 0o700
HUB_DIR_NAME: Final = "hub"


def _account(user: str, role: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(user)
    except KeyError:
        raise HubError(
            f"{role} {user!r} is not a user of this machine; create it first (useradd -m {user}) and give "
            "it a password (passwd)."
        ) from None


def _give_course_to(course: Course, account: pwd.struct_passwd) -> None:
    """The trainer owns the course (the formgrader writes it); nobody else may read it."""
    for folder, _dirs, files in os.walk(course.root):
        os.chown(folder, account.pw_uid, account.pw_gid, follow_symlinks=False)
        for name in files:
            os.chown(Path(folder) / name, account.pw_uid, account.pw_gid, follow_symlinks=False)
    course.root.chmod(COURSE_MODE)


def plan_hub(
    course: Course,
    trainer: str,
    *,
    trainee_env: Path = DEFAULT_TRAINEE_ENV,
    exchange: Path = DEFAULT_EXCHANGE,
    hub_dir: Path | None = None,
    port: int = DEFAULT_PORT,
    idle_minutes: int = DEFAULT_IDLE_MINUTES,
    assessor_env: Path | None = None,
) -> HubPlan:
    """The hub for ``course``: its trainer, its roster as hub users, where everything is.

    ``assessor_env`` is the environment of the trainer's server (default: this one); the trainer
    runs its interpreter, so it must be one the trainer may execute.

    Raises:
        HubError: the trainer is not a system user, or the trainee environment is missing.
    """
    _account(trainer, "trainer")
    if not (trainee_env / "bin" / "jupyterhub-singleuser").is_file():
        raise HubError(
            f"{trainee_env}: no trainee environment there; build it with "
            f"`bash scripts/install_trainee_env.sh {trainee_env}`."
        )
    if trainer in course.trainees():
        raise HubError(f"trainer {trainer!r} is also on the roster; a trainer cannot sit the course's exams.")
    return HubPlan(
        course=course.root,
        course_id=course.settings.course_id,
        trainer=trainer,
        trainees=tuple(course.trainees()),
        trainee_env=trainee_env.resolve(),
        assessor_env=(assessor_env or Path(sys.prefix)).absolute(),
        exchange=exchange.resolve(),
        hub_dir=(hub_dir or course.root.parent / f"{course.root.name}-{HUB_DIR_NAME}").resolve(),
        port=port,
        idle_seconds=idle_minutes * 60,
    )


def init_hub(plan: HubPlan, authenticator: str = "pam") -> Path:
    """Prepare the machine for ``plan`` and write the hub's configuration; return its path.

    Raises:
        HubError: not root (the hub starts servers as other users), or a set-up step failed.
    """
    if os.geteuid() != 0:
        raise HubError("the hub starts each user's server as that user: run `cmacademy hub init` as root.")
    prepare_exchange(plan.exchange)
    _give_course_to(Course.open(plan.course), _account(plan.trainer, "trainer"))
    for trainee in plan.trainees:
        # Private now, not only when the trainee first logs in: nobody browses a home meanwhile.
        with contextlib.suppress(KeyError):
            Path(pwd.getpwnam(trainee).pw_dir).chmod(PRIVATE_HOME)
    return write_hub_config(plan, authenticator)


def start_hub(config: Path) -> subprocess.Popen[bytes]:
    """Start JupyterHub on ``config`` (in its folder); the caller waits for or stops it."""
    command = [str(Path(sys.prefix) / "bin" / "jupyterhub"), "-f", str(config)]
    return subprocess.Popen(command, cwd=config.parent)
