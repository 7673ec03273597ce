"""The hub's files and a trainee's handout delivery, without starting a hub."""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from grading.hub.config import write_hub_config
from grading.hub.spawn import HubError, HubPlan, deliver_handouts, server_settings

needs_proxy = pytest.mark.skipif(
    shutil.which("configurable-http-proxy") is None, reason="configurable-http-proxy is not installed"
)


def plan(tmp_path: Path) -> HubPlan:
    return HubPlan(
        course=tmp_path / "course",
        course_id="cm-academy",
        trainer="trainer1",
        trainees=("t1", "t2"),
        trainee_env=tmp_path / "trainee",
        assessor_env=Path(sys.prefix),
        exchange=tmp_path / "exchange",
        hub_dir=tmp_path / "hub",
        port=8123,
        idle_seconds=600,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@needs_proxy
def test_the_hubs_secrets_are_roots_alone(tmp_path: Path) -> None:
    config = write_hub_config(plan(tmp_path))
    assert mode(config) == 0o600 and mode(config.parent / "hub.json") == 0o600
    assert mode(config.parent) == 0o711
    trainee = (config.parent / "jupyter-trainee" / "nbgrader_config.py").read_text()
    assert "Exchange.root" in trainee and "CourseDirectory.root" not in trainee
    page = json.loads((config.parent / "jupyter-trainee" / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True


@needs_proxy
def test_the_configuration_loads_in_jupyterhub(tmp_path: Path) -> None:
    from traitlets.config import PyFileConfigLoader

    config = write_hub_config(plan(tmp_path))
    loaded = PyFileConfigLoader(config.name, path=str(config.parent)).load_config()
    assert loaded.JupyterHub.port == 8123
    assert loaded.Authenticator.allowed_users == {"trainer1", "t1", "t2"}
    assert loaded.Authenticator.admin_users == {"trainer1"}


def test_an_unknown_authenticator_is_refused(tmp_path: Path) -> None:
    with pytest.raises(HubError, match="unknown authenticator 'ldap'; choose one of pam, native"):
        write_hub_config(plan(tmp_path), "ldap")


def test_trainees_run_the_trainee_environment_without_the_formgrader(tmp_path: Path) -> None:
    cmd, args, env = server_settings(plan(tmp_path), "t1")
    assert cmd == [str(tmp_path / "trainee" / "bin" / "jupyterhub-singleuser")]
    assert "--ServerApp.jpserver_extensions=nbgrader.server_extensions.formgrader=False" in args
    assert env["JUPYTER_CONFIG_PATH"].endswith("jupyter-trainee")
    trainer_cmd, trainer_args, _ = server_settings(plan(tmp_path), "trainer1")
    assert trainer_cmd == [str(Path(sys.prefix) / "bin" / "jupyterhub-singleuser")]
    assert f"--ServerApp.root_dir={tmp_path / 'course'}" in trainer_args


def test_a_trainee_gets_only_their_own_handouts(tmp_path: Path) -> None:
    handouts = tmp_path / "handouts"
    for trainee in ("t1", "t2"):
        (handouts / trainee / "assoc").mkdir(parents=True)
        (handouts / trainee / "assoc" / "variant.json").write_text(json.dumps({"trainee": trainee}))
    home = tmp_path / "home"
    home.mkdir()
    exams = deliver_handouts(handouts, "t1", home, os.getuid(), os.getgid())
    assert exams == ["assoc"]
    delivered = home / ".cmacademy" / "exams" / "assoc" / "variant.json"
    assert json.loads(delivered.read_text()) == {"trainee": "t1"}
    assert mode(delivered) == 0o600 and mode(delivered.parent) == 0o700


def test_a_trainee_without_handouts_gets_nothing(tmp_path: Path) -> None:
    assert deliver_handouts(tmp_path / "handouts", "t3", tmp_path, os.getuid(), os.getgid()) == []
