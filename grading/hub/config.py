"""The hub's files for a course: ``jupyterhub_config.py``, the plan it reads, per-role Jupyter config.

Layout of the hub folder (root's, mode 0700; it holds the hub's cookie secret and database)::

    HUB/jupyterhub_config.py      JupyterHub's configuration (reads hub.json)
    HUB/hub.json                  the `HubPlan`
    HUB/jupyter-trainee/          nbgrader_config.py (exchange, course id), labconfig (no formgrader)
    HUB/jupyter-trainer/          nbgrader_config.py (exchange, course id, the course directory)
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path
from typing import Any, Final

from casebank.manifest import dump_json
from grading.hub.spawn import HubError, HubPlan, trainee_config_dir, trainer_config_dir

CONFIG_FILE: Final = "jupyterhub_config.py"
PLAN_FILE: Final = "hub.json"
PROXY_COMMAND: Final = "configurable-http-proxy"
#: Users' servers pass through the hub folder to their role's configuration, but cannot list it;
#: its secrets (cookie secret, database, plan, configuration) are root's alone (0600).
HUB_DIR_MODE: Final = 0o711
CONFIG_DIR_MODE: Final = 0o755
#: nbgrader's JupyterLab parts a trainee's JupyterLab does without.
TRAINEE_DISABLED_LAB: Final = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
)
#: Authenticators `hub init` can name: local system users, or NativeAuthenticator's sign-up.
AUTHENTICATORS: Final = {
    "pam": "jupyterhub.auth.PAMAuthenticator",
    "native": "nativeauthenticator.NativeAuthenticator",
}

HUB_CONFIG: Final = '''"""JupyterHub for cm-academy course {course_id!r} (written by `cmacademy hub init`)."""

import json
from pathlib import Path

from grading.hub.spawn import HubPlan, prepare_server

c = get_config()  # noqa: F821
HERE = Path(__file__).resolve().parent
record = json.loads((HERE / {plan_file!r}).read_text(encoding="utf-8"))
plan = HubPlan(**{{k: (Path(v) if k in {path_fields!r} else tuple(v) if k == "trainees" else v) for k, v in record.items()}})

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = plan.port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.db_url = f"sqlite:///{{HERE / 'jupyterhub.sqlite'}}"
c.JupyterHub.cookie_secret_file = str(HERE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = str(HERE / "proxy.pid")
c.JupyterHub.authenticator_class = {authenticator!r}
c.Authenticator.allowed_users = {{plan.trainer, *plan.trainees}}
c.Authenticator.admin_users = {{plan.trainer}}
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
c.Spawner.pre_spawn_hook = lambda spawner: prepare_server(plan, spawner)
'''

TRAINEE_NBGRADER: Final = """c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
c.Exchange.root = {exchange!r}
"""

TRAINER_NBGRADER: Final = """c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = {course!r}
c.Exchange.root = {exchange!r}
"""


def proxy_command() -> str:
    """The configurable-http-proxy executable.

    Raises:
        HubError: it is not installed.
    """
    found = shutil.which(PROXY_COMMAND)
    if found is None:
        raise HubError(
            "configurable-http-proxy is not installed; run `bash scripts/install_system_deps.sh` "
            "(or: npm install -g configurable-http-proxy)."
        )
    return found


def plan_record(plan: HubPlan) -> dict[str, Any]:
    """The plan as JSON data."""
    return {k: (str(v) if isinstance(v, Path) else list(v) if isinstance(v, tuple) else v)
            for k, v in dataclasses.asdict(plan).items()}  # fmt: skip


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.chmod(mode)
    os.replace(tmp, path)


def write_hub_config(plan: HubPlan, authenticator: str = "pam") -> Path:
    """Write the hub folder for ``plan``; return its ``jupyterhub_config.py``.

    Raises:
        HubError: unknown authenticator, or configurable-http-proxy missing.
    """
    if authenticator not in AUTHENTICATORS:
        raise HubError(f"unknown authenticator {authenticator!r}; choose one of {', '.join(AUTHENTICATORS)}.")
    proxy = proxy_command()
    plan.hub_dir.mkdir(parents=True, exist_ok=True, mode=HUB_DIR_MODE)
    plan.hub_dir.chmod(HUB_DIR_MODE)
    _write(plan.hub_dir / PLAN_FILE, dump_json(plan_record(plan)), 0o600)
    paths = tuple(f.name for f in dataclasses.fields(HubPlan) if f.type == "Path")
    _write(
        plan.hub_dir / CONFIG_FILE,
        HUB_CONFIG.format(
            course_id=plan.course_id,
            plan_file=PLAN_FILE,
            path_fields=paths,
            proxy=proxy,
            authenticator=AUTHENTICATORS[authenticator],
        ),
        0o600,
    )
    trainee, trainer = trainee_config_dir(plan), trainer_config_dir(plan)
    for folder in (trainee, trainee / "labconfig", trainer):
        folder.mkdir(exist_ok=True, mode=CONFIG_DIR_MODE)
        folder.chmod(CONFIG_DIR_MODE)
    settings = {"course_id": plan.course_id, "exchange": str(plan.exchange), "course": str(plan.course)}
    _write(trainee / "nbgrader_config.py", TRAINEE_NBGRADER.format(**settings))
    _write(trainer / "nbgrader_config.py", TRAINER_NBGRADER.format(**settings))
    page = {"disabledExtensions": {name: True for name in TRAINEE_DISABLED_LAB}}
    _write(trainee / "labconfig" / "page_config.json", json.dumps(page, indent=2) + "\n")
    return plan.hub_dir / CONFIG_FILE
