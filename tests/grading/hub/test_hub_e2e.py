"""The whole hub journey in a real browser: release, fetch, own variant, submit, grade, feedback.

Runs as root: it creates three system users (a trainer and two trainees), builds the trainee
environment, writes and starts the course's JupyterHub with `cmacademy hub init`, and drives
Chromium with Playwright. Screenshots go to build/test-artifacts/hub/ (not committed).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest

from grading.reports.render import find_chromium

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "build" / "test-artifacts" / "hub"
CMACADEMY = str(Path(sys.prefix) / "bin" / "cmacademy")
TRAINER = "cmahubtr"
TRAINEES = ("cmahuba", "cmahubb")
EXAM = "assoc"
#: The question each trainee answers in the browser: a fixed-text item, whose right answer
#: depends on the form the trainee drew (`answer_for`).
QUESTION, ANSWER_NAME = "q11_org_model", "answer_q11"
PROBE = """import json, os, importlib.util
def tries(f):
    try:
        f(); return "allowed"
    except Exception as e:
        return type(e).__name__
print("PROBE" + json.dumps({
    "grading": importlib.util.find_spec("grading") is not None,
    "key": tries(lambda: open(%(key)r).read()),
    "course": tries(lambda: os.listdir(%(course)r)),
    "other_home": tries(lambda: os.listdir(%(other)r)),
    "inbound": tries(lambda: os.listdir(%(inbound)r)),
    "handouts": sorted(os.listdir(os.path.expanduser("~/.cmacademy/exams"))),
}))"""


def world_executable(path: Path) -> bool:
    """Whether every user may run ``path`` (the trainees' servers run this interpreter)."""
    real = path.resolve()
    return all(p.stat().st_mode & stat.S_IXOTH for p in (real, *real.parents))


def trainee_python() -> Path | None:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (Path(sys.executable), Path("/usr/bin") / version):
        if candidate.exists() and world_executable(candidate):
            return candidate
    return None


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.geteuid() != 0, reason="needs root: creates system users and starts servers as them"
    ),
    pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed"),
    pytest.mark.skipif(
        shutil.which("configurable-http-proxy") is None,
        reason="configurable-http-proxy is not installed (scripts/install_system_deps.sh)",
    ),
    pytest.mark.skipif(
        shutil.which("useradd") is None or trainee_python() is None,
        reason="no useradd, or no Python of this version that other users may run",
    ),
]


@dataclass
class Hub:
    url: str
    base: Path
    course: Path
    exchange: Path
    passwords: dict[str, str]


def cli(*args: str | Path) -> str:
    done = subprocess.run(
        [CMACADEMY, *map(str, args)], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"cmacademy {' '.join(map(str, args))}:\n{done.stdout}{done.stderr}"
    return done.stdout


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def assessor_env(target: Path, python: Path) -> Path:
    """cm-academy's environment for the trainer's server, on an interpreter the trainer may run.

    Unlike the trainee environment it activates this installation whole (``site.addsitedir``
    runs its .pth files, so an editable cm-academy is importable).
    """
    import sysconfig

    subprocess.run([str(python), "-m", "venv", "--without-pip", str(target)], check=True)
    purelib = subprocess.run(
        [str(target / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    here = sysconfig.get_paths()["purelib"]
    (Path(purelib) / "cmacademy-assessor.pth").write_text(f"import site; site.addsitedir({here!r})\n")
    for folder in ("share", "etc"):  # JupyterLab's assets, server-extension switches
        (target / folder).mkdir(exist_ok=True)
        (target / folder / "jupyter").symlink_to(Path(sys.prefix) / folder / "jupyter")
    script = target / "bin" / "jupyterhub-singleuser"
    script.write_text(
        f"#!{target / 'bin' / 'python'}\nimport sys\nfrom jupyterhub.singleuser import main\nsys.exit(main())\n"
    )
    script.chmod(0o755)
    return target


def add_user(name: str) -> str:
    """A fresh system user with a new password that PAM accepts (a leftover of a run is replaced)."""
    import pamela

    if subprocess.run(["id", name], capture_output=True, check=False).returncode == 0:
        subprocess.run(["userdel", "-r", name], capture_output=True, check=False)
    subprocess.run(["useradd", "-m", "-s", "/bin/bash", name], check=True)
    password = secrets.token_urlsafe(12)
    for _ in range(3):
        subprocess.run(["chpasswd"], input=f"{name}:{password}", text=True, check=True)
        try:
            pamela.authenticate(name, password)
            return password
        except pamela.PAMError:
            time.sleep(1)
    raise AssertionError(f"PAM does not accept the password just set for {name}")


@pytest.fixture(scope="module")
def hub() -> Iterator[Hub]:
    base = Path(tempfile.mkdtemp(prefix="cmacademy-hub-"))
    base.chmod(0o755)
    users = (TRAINER, *TRAINEES)
    passwords = {user: add_user(user) for user in users}
    process: subprocess.Popen[bytes] | None = None
    installing: subprocess.Popen[bytes] | None = None
    try:
        env = dict(os.environ, PYTHON=str(trainee_python()))
        # The trainee environment installs while the course is made (it waits on pip, not on us).
        installing = subprocess.Popen(
            ["bash", str(ROOT / "scripts" / "install_trainee_env.sh"), str(base / "trainee"), "--reuse-packages", sys.prefix],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        course = base / "course"
        cli("course", "init", course)
        roster = base / "roster.csv"
        lines = ["id,name,email,org_unit"] + [
            f"{t},学员{i},{t}@bank.example,杭州分行" for i, t in enumerate(TRAINEES)
        ]
        roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
        cli("roster", "import", roster, "--course", course)
        cli("release", EXAM, "--course", course)
        port, exchange = free_port(), base / "exchange"
        trainer_env = assessor_env(base / "assessor", Path(env["PYTHON"]))
        installed = installing.communicate(timeout=600)[0]
        assert installing.returncode == 0, f"install_trainee_env.sh:\n{installed.decode(errors='replace')}"
        cli("hub", "init", course, "--trainer", TRAINER, "--trainee-env", base / "trainee",
            "--assessor-env", trainer_env, "--exchange", exchange, "--port", str(port), "--no-start")  # fmt: skip
        cli("hub", "publish", EXAM, "--course", course, "--exchange", exchange)
        config = base / "course-hub" / "jupyterhub_config.py"
        with open(base / "hub.log", "wb") as log:
            process = subprocess.Popen(
                [str(Path(sys.prefix) / "bin" / "jupyterhub"), "-f", str(config)],
                cwd=config.parent, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_for(f"http://127.0.0.1:{port}/hub/login", 90)
        yield Hub(f"http://127.0.0.1:{port}", base, course, exchange, passwords)
    finally:
        if installing is not None and installing.poll() is None:
            installing.kill()
            installing.wait()
        if process is not None:
            process.terminate()
            process.wait(timeout=60)
        if (base / "hub.log").is_file():
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(base / "hub.log", ARTIFACTS / "hub.log")
        for user in users:
            subprocess.run(["userdel", "-r", user], capture_output=True, check=False)
        shutil.rmtree(base, ignore_errors=True)


def start_login(browser: Any, hub: Hub, user: str) -> Any:
    """Log ``user`` in on a page of its own; the hub starts their server (`login` waits for it)."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(120_000)
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", hub.passwords[user])
    page.click("#login_submit")
    return page


def login(browser: Any, hub: Hub, user: str, page: Any = None) -> Any:
    """``user``'s JupyterLab, once loaded (on ``page`` if `start_login` began there)."""
    page = page or start_login(browser, hub, user)
    page.wait_for_selector(".jp-LabShell")
    return page


def assignment_list(page: Any) -> None:
    page.get_by_text("Nbgrader", exact=True).click()
    page.get_by_text("Assignment List").click()
    page.wait_for_selector("#released_assignments_list, #fetched_assignments_list")


def run_cell(page: Any, index: int, outputs: int = 1) -> str:
    """Run the notebook's cell ``index``; return the text of its outputs once ``outputs`` showed."""
    page.keyboard.press("Escape")
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.locator(".jp-InputPrompt").click()
    page.keyboard.press("Shift+Enter")
    cell.locator(".jp-OutputArea-output").nth(outputs - 1).wait_for()
    return str(cell.locator(".jp-OutputArea").inner_text())


def answer_index(course: Path, question: str) -> int:
    nb = nbformat.read(course / "release" / EXAM / f"{EXAM}.ipynb", as_version=4)
    return next(
        i
        for i, c in enumerate(nb.cells)
        if c.metadata.get("nbgrader", {}).get("grade_id") == f"{question}_answer"
    )


def answer_for(hub: Hub, user: str) -> str:
    """The code cell that hands in ``user``'s right answer to `QUESTION` (their form's key)."""
    from grading.exams import expected_answers
    from grading.pipeline.course import Course

    dirs = Course.open(hub.course).settings.bank_dirs
    return f"{ANSWER_NAME} = {expected_answers(EXAM, user, *dirs)[QUESTION].value!r}"


def sit_exam(browser: Any, hub: Hub, user: str, other: str, page: Any) -> tuple[str, dict[str, Any]]:
    """Fetch, open, answer one question and submit; return the portfolio shown and the probe's findings."""
    page = login(browser, hub, user, page)
    try:
        return _sit_exam(page, hub, user, other)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / f"{user}-failure.png"))
        raise
    finally:
        page.close()


def _sit_exam(page: Any, hub: Hub, user: str, other: str) -> tuple[str, dict[str, Any]]:
    assignment_list(page)
    page.screenshot(path=str(ARTIFACTS / f"{user}-assignment-list.png"))
    page.locator("#released_assignments_list").get_by_role("button", name="Fetch").click()
    page.locator("#fetched_assignments_list").get_by_text(EXAM).first.wait_for()
    page.goto(f"{hub.url}/user/{user}/lab/tree/{EXAM}/{EXAM}.ipynb")
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for()
    portfolio = run_cell(page, 1, outputs=2)
    page.screenshot(path=str(ARTIFACTS / f"{user}-exam.png"))
    key = Path(json.loads((hub.course / "cmacademy.json").read_text())["key_dir"]) / "truth.csv"
    probe = PROBE % {
        "key": str(key),
        "course": str(hub.course),
        "other": f"/home/{other}",
        "inbound": str(hub.exchange / "cm-academy" / "inbound"),
    }
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.press("Enter")
    page.keyboard.insert_text(probe)
    page.keyboard.press("Shift+Enter")
    found = page.get_by_text("PROBE{").first
    found.wait_for()
    findings = json.loads(str(found.inner_text()).split("PROBE", 1)[1])
    index = answer_index(hub.course, QUESTION) + 1  # the probe cell sits above it now
    page.keyboard.press("Escape")
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.scroll_into_view_if_needed()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(answer_for(hub, user))
    page.keyboard.press("Escape")
    saved = f"/user/{user}/api/contents/{EXAM}/{EXAM}.ipynb"
    with page.expect_response(lambda r: r.request.method == "PUT" and saved in r.url and r.ok):
        page.keyboard.press("Control+s")
    page.goto(f"{hub.url}/user/{user}/lab")
    page.wait_for_selector(".jp-LabShell")
    assignment_list(page)
    page.locator("#fetched_assignments_list").get_by_role("button", name="Submit").first.click()
    page.locator("#submitted_assignments_list").get_by_text(EXAM).first.wait_for()
    return portfolio, findings


def test_trainees_sit_the_exam_on_the_hub_and_get_feedback(hub: Hub, browser: Any) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # Everyone logs in at once: the hub starts the three servers side by side, not one by one.
    pages = {user: start_login(browser, hub, user) for user in (*TRAINEES, TRAINER)}
    shown = {}
    for user, other in zip(TRAINEES, reversed(TRAINEES), strict=True):
        portfolio, findings = sit_exam(browser, hub, user, other, pages[user])
        shown[user] = portfolio
        assert findings == {
            "grading": False,
            "key": "PermissionError",
            "course": "PermissionError",
            "other_home": "PermissionError",
            "inbound": "PermissionError",
            "handouts": ["assoc", "senior"],
        }, user
        assert user in portfolio
    ids = [{w for w in text.split() if w.startswith("C") and w[1:].isdigit()} for text in shown.values()]
    assert ids[0] and ids[1] and ids[0] != ids[1]

    page = login(browser, hub, TRAINER, pages[TRAINER])
    try:
        page.goto(f"{hub.url}/user/{TRAINER}/formgrader/manage_assignments")
        page.get_by_text(EXAM, exact=True).first.wait_for(timeout=60_000)
    finally:
        page.screenshot(path=str(ARTIFACTS / "trainer-formgrader.png"))
        page.close()
    assert "not a subdirectory of the notebook server root" not in (hub.base / "hub.log").read_text()

    cli("hub", "collect", EXAM, "--course", hub.course, "--exchange", hub.exchange)
    cli("grade", EXAM, "--course", hub.course)
    cli("certify", EXAM, "--course", hub.course)
    cli("feedback", EXAM, "--course", hub.course)
    cli("hub", "feedback", EXAM, "--course", hub.course)

    page = login(browser, hub, TRAINEES[0])
    page.goto(f"{hub.url}/user/{TRAINEES[0]}/lab/tree/feedback/{EXAM}")
    page.get_by_text(f"{EXAM}.html").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / f"{TRAINEES[0]}-feedback.png"))
    page.close()
    feedback = Path(f"/home/{TRAINEES[0]}/feedback/{EXAM}/{EXAM}.html")
    assert feedback.stat().st_uid == Path(f"/home/{TRAINEES[0]}").stat().st_uid
    assert f"{QUESTION}: 答案正确" in feedback.read_text(encoding="utf-8")
