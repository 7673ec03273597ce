"""What the hub does when a user's server starts: the right environment, and a trainee's handouts.

`prepare_server` is JupyterHub's ``pre_spawn_hook`` (the hub runs as root). For a trainee it
makes the home private (mode 0700), copies the curriculum in once, and copies the trainee's own
exam handouts (``COURSE/.cmacademy/handouts/<trainee>/``) to ``~/.cmacademy/exams/``, owned by
the trainee alone; the server then runs in the trainee environment (no `grading`, no key). The
trainer's server runs in cm-academy's environment with the formgrader on the course.
"""

from __future__ import annotations

import os
import pwd
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from casebank.errors import CmAcademyError
from casebank.exam import HANDOUT_HOME

PRIVATE_HOME: Final = 0o700
CURRICULUM_FOLDER: Final = "curriculum"
#: Where install_trainee_env.sh puts the curriculum inside the trainee environment.
CURRICULUM_IN_ENV: Final = Path("share") / "cm-academy" / "curriculum"
#: nbgrader's server extensions a trainee's server does without (grading is the trainer's).
TRAINER_ONLY_EXTENSIONS: Final = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
)


class HubError(CmAcademyError):
    """The hub cannot be set up or a user's server cannot be prepared."""


@dataclass(frozen=True)
class HubPlan:
    """Everything the hub's configuration needs to know about a course."""

    course: Path
    """The course directory (owned by the trainer)."""
    course_id: str
    """nbgrader's course id."""
    trainer: str
    """The trainer's system user (admin of the hub, owner of the course)."""
    trainees: tuple[str, ...]
    """Trainees' system users (their roster ids)."""
    trainee_env: Path
    """The trainee environment (scripts/install_trainee_env.sh)."""
    assessor_env: Path
    """cm-academy's environment (the trainer's server, the hub itself)."""
    exchange: Path
    """nbgrader's exchange root."""
    hub_dir: Path
    """The hub's own state: configuration, database, cookie secret, per-role Jupyter config."""
    port: int
    """Where the hub listens (127.0.0.1)."""
    idle_seconds: int
    """A server without activity this long is stopped, and its idle kernels before."""


def trainee_config_dir(plan: HubPlan) -> Path:
    """The Jupyter configuration folder trainees' servers read (nbgrader's exchange, extensions)."""
    return plan.hub_dir / "jupyter-trainee"


def trainer_config_dir(plan: HubPlan) -> Path:
    """The Jupyter configuration folder the trainer's server reads (the course, the formgrader)."""
    return plan.hub_dir / "jupyter-trainer"


def _copy_owned(source: Path, target: Path, uid: int, gid: int) -> None:
    """Copy ``source`` over ``target`` and give every copied file to ``uid``, private to it."""
    shutil.copytree(source, target, dirs_exist_ok=True)
    for path in [target, *target.rglob("*")]:
        os.chown(path, uid, gid, follow_symlinks=False)
        path.chmod(PRIVATE_HOME if path.is_dir() else 0o600)


def deliver_handouts(handouts: Path, user: str, home: Path, uid: int, gid: int) -> list[str]:
    """Copy ``user``'s exam handouts into ``home`` (``~/.cmacademy/exams/<exam>/``).

    Returns:
        The exams delivered.
    """
    mine = handouts / user
    if not mine.is_dir():
        return []
    target = home / HANDOUT_HOME
    for parent in (home / HANDOUT_HOME.parts[0], target):
        parent.mkdir(exist_ok=True)
        os.chown(parent, uid, gid)
        parent.chmod(PRIVATE_HOME)
    exams = sorted(p.name for p in mine.iterdir() if p.is_dir())
    for exam in exams:
        if (target / exam).exists():
            shutil.rmtree(target / exam)
        _copy_owned(mine / exam, target / exam, uid, gid)
    return exams


def prepare_trainee_home(plan: HubPlan, user: str) -> Path:
    """Make ``user``'s home private, give it the curriculum once and the user's own handouts."""
    try:
        account = pwd.getpwnam(user)
    except KeyError:
        raise HubError(f"no system user {user!r}; create it (useradd -m {user}) before it logs in.") from None
    home = Path(account.pw_dir)
    home.chmod(PRIVATE_HOME)
    curriculum = home / CURRICULUM_FOLDER
    if not curriculum.exists() and (plan.trainee_env / CURRICULUM_IN_ENV).is_dir():
        _copy_owned(plan.trainee_env / CURRICULUM_IN_ENV, curriculum, account.pw_uid, account.pw_gid)
    handouts = plan.course / ".cmacademy" / "handouts"
    deliver_handouts(handouts, user, home, account.pw_uid, account.pw_gid)
    return home


def deliver_all(course: Path, trainees: list[str]) -> list[str]:
    """Copy every trainee's handouts into their home now (for servers already running).

    Returns:
        The trainees who are system users and got their handouts.
    """
    delivered = []
    for trainee in trainees:
        try:
            account = pwd.getpwnam(trainee)
        except KeyError:
            continue
        home = Path(account.pw_dir)
        home.chmod(PRIVATE_HOME)
        deliver_handouts(course / ".cmacademy" / "handouts", trainee, home, account.pw_uid, account.pw_gid)
        delivered.append(trainee)
    return delivered


def server_settings(plan: HubPlan, user: str) -> tuple[list[str], list[str], dict[str, str]]:
    """(command, arguments, environment) of ``user``'s single-user server."""
    idle = [
        f"--ServerApp.shutdown_no_activity_timeout={plan.idle_seconds}",
        f"--MappingKernelManager.cull_idle_timeout={plan.idle_seconds // 2}",
        "--MappingKernelManager.cull_interval=60",
    ]
    if user == plan.trainer:
        env = {
            "JUPYTER_CONFIG_PATH": str(trainer_config_dir(plan)),
            "PATH": f"{plan.assessor_env / 'bin'}:/usr/bin:/bin",
        }
        # nbgrader's formgrader works only on a course inside the server's root folder.
        return (
            [str(plan.assessor_env / "bin" / "jupyterhub-singleuser")],
            [*idle, f"--ServerApp.root_dir={plan.course}"],
            env,
        )
    off = [f"--ServerApp.jpserver_extensions={name}=False" for name in TRAINER_ONLY_EXTENSIONS]
    env = {
        "JUPYTER_CONFIG_PATH": str(trainee_config_dir(plan)),
        "PATH": f"{plan.trainee_env / 'bin'}:/usr/bin:/bin",
    }
    return [str(plan.trainee_env / "bin" / "jupyterhub-singleuser")], idle + off, env


def prepare_server(plan: HubPlan, spawner: Any) -> None:
    """JupyterHub's pre-spawn hook: set the user's command and environment; a trainee's home."""
    user = str(spawner.user.name)
    if user != plan.trainer:
        prepare_trainee_home(plan, user)
    cmd, args, env = server_settings(plan, user)
    spawner.cmd = cmd
    spawner.args = args
    spawner.environment.update(env)
