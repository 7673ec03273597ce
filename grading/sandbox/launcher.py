"""The sandbox every submission's kernel runs in: bubblewrap, a private scratch, rlimits.

A course's grading kernelspec starts ``python -m grading.sandbox [limits] -- KERNEL -f CONN``.
This launcher runs in the grader's environment and then *becomes* the sandboxed kernel:

- **namespaces** (bubblewrap): no network (a fresh network namespace: not even the host's
  loopback), its own process tree, and a file system made only of read-only system
  directories, the Python installation and the trainee-side ``casebank`` package. The course
  directory, the gradebook, the assessor side (``grading/``, keys, scheme), other trainees'
  work, signing keys and the home directory do not exist in it. ``/tmp`` and a private scratch
  directory (the kernel's working directory) are the only writable places.
- **environment**: cleared; only a short allow-list (the trainee's variant among it) is set.
- **identity**: when the grader is root, the kernel drops to a uid of its own, so that the
  process limit applies and it owns nothing outside its scratch.
- **rlimits**: address space, CPU seconds, file size, processes.

The kernel talks to the grader over Unix sockets in a private runtime directory (the grader
configures the IPC transport), since it has no network.

When a grading worker has a warm kernel host (``CMACADEMY_KERNEL_HOST``, see
`grading.sandbox.kernel_pool`), the launcher asks the host, which runs in the same sandbox, to fork the
kernel instead of starting bubblewrap, and stands in for it until it ends.

``CMACADEMY_SANDBOX=off`` (set by the grader for ``cmacademy grade --unsafe-no-sandbox`` or
``c.VariantExecute.sandbox = False``) runs the kernel with the rlimits only, for trusted code.
It is the only behaviour switch cm-academy reads from the environment, because the kernelspec's
command line is fixed per course and the grader reaches the launcher only through it.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from casebank.errors import CmAcademyError
from grading.settings import SANDBOX_UID_BASE, Limits

ENV_SANDBOX: Final = "CMACADEMY_SANDBOX"
SANDBOX_OFF: Final = "off"
SANDBOX_ON: Final = "on"
#: Set by a grading worker to its kernel host's socket: kernels are forked warm (grading.sandbox.kernel_pool).
ENV_KERNEL_HOST: Final = "CMACADEMY_KERNEL_HOST"
#: Variables passed into the sandbox from the grader's environment; everything else is dropped.
PASSED_ENV: Final = ("CMACADEMY_VARIANT", "CMACADEMY_TRAINEE", "LANG", "LC_ALL", "TZ")
SYSTEM_DIRS: Final = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/etc")
#: IPython's plain tracebacks for grading kernels: each frame's file, line and code, without the
#: context lines and variable values of the default mode, which stack_data finds by parsing every
#: source file in the traceback: 0.03-0.09 s per failing cell (1.4 s for the first pandas error of
#: a process). A submission whose 19 answer cells each ended in a pandas KeyError took 2.05 s
#: (2.32 s before the kernel host warmed the formatter) against 1.22 s with this. Scores do not
#: depend on tracebacks.
PLAIN_TRACEBACKS: Final = "--InteractiveShell.xmode=Plain"
#: No input history database for grading kernels: IPython otherwise creates a profile and an SQLite
#: history file in the kernel's fresh home and writes every cell to it (about 0.1 s of CPU of the
#: 0.4 s a forked kernel spends on the associate exam). ``In``, ``Out`` and ``_`` still work.
NO_HISTORY: Final = "--HistoryManager.enabled=False"
#: Kernel messages packed by the standard library's json, not orjson (which jupyter_client prefers
#: when installed, and the grader uses): under the kernel's memory limit a failed allocation then
#: raises MemoryError, where orjson crashes the kernel (a trainee flooding the output would show as
#: a crash, not as over the output limit). The grader reads either.
JSON_MESSAGES: Final = "--Session.packer=json"
#: No pause before each execute reply: ipykernel sleeps 0.5 ms after flushing a cell's output,
#: for clients that stop listening at the reply. The grader (nbclient) reads IOPub until the
#: kernel's idle status, which follows every output on the same socket, so nothing is lost; the
#: pauses left both grader and kernel idle for about 27 ms per associate notebook (53 cells).
NO_EXECUTE_SLEEP: Final = "--IPythonKernel._execute_sleep=0"
#: The options every grading kernel is started with (the trainee's own kernels keep the defaults).
GRADING_KERNEL_OPTIONS: Final = (PLAIN_TRACEBACKS, NO_HISTORY, JSON_MESSAGES, NO_EXECUTE_SLEEP)
#: Name prefix of the private runtime directory the grader makes for each kernel.
RUNTIME_PREFIX: Final = "cma-kernel-"
INSTALL_HINT: Final = (
    "install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`) and make sure user namespaces "
    "are allowed, or pass --unsafe-no-sandbox in a trusted setting"
)


class SandboxUnavailable(CmAcademyError):
    """The sandbox cannot be set up on this machine; no trainee code was run."""


def bwrap_path() -> str | None:
    """The bubblewrap executable, or None."""
    return shutil.which("bwrap") or shutil.which("bwrap", path="/usr/bin:/usr/local/bin")


def setpriv_path() -> str | None:
    """util-linux's setpriv, used to drop root inside the sandbox."""
    return shutil.which("setpriv") or shutil.which("setpriv", path="/usr/bin:/bin")


def probe() -> None:
    """Check that a sandbox can be created here.

    Raises:
        SandboxUnavailable: with what is missing and how to install it.
    """
    bwrap = bwrap_path()
    if bwrap is None:
        raise SandboxUnavailable(f"bubblewrap (bwrap) is not installed; {INSTALL_HINT}.")
    if os.geteuid() == 0 and setpriv_path() is None:
        raise SandboxUnavailable("setpriv (util-linux) is missing; install util-linux.")
    command = [bwrap, *_system_binds(), *_unshare(), "--die-with-parent", "--", "/bin/true"]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=30)
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
        raise SandboxUnavailable(f"bubblewrap cannot create a sandbox here ({detail}); {INSTALL_HINT}.")


def _unshare() -> list[str]:
    """Every namespace; root keeps the host's user namespace (it drops to a uid with setpriv)."""
    if os.geteuid() == 0:
        return ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    return ["--unshare-all"]


def _system_binds() -> list[str]:
    args: list[str] = []
    for directory in SYSTEM_DIRS:
        if os.path.isdir(directory) and not os.path.islink(directory):
            args += ["--ro-bind", directory, directory]
        elif os.path.islink(directory):
            args += ["--symlink", os.readlink(directory), directory]
    return [*args, "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]


def _package_dir(name: str) -> Path | None:
    try:
        module = __import__(name)
    except ImportError:
        return None
    origin = getattr(module, "__file__", None)
    return Path(origin).resolve().parent if origin else None


def _parents(path: str) -> list[str]:
    """Create the ancestors of a mount point world-traversable (bwrap's default may be 0700)."""
    args: list[str] = []
    for parent in reversed(Path(path).parents):
        if str(parent) != "/":
            args += ["--perms", "0755", "--dir", str(parent)]
    return args


def _ro(path: str) -> list[str]:
    return [*_parents(path), "--ro-bind", path, path]


def python_binds() -> list[str]:
    """Read-only binds of the Python installation and the trainee-side package only."""
    args: list[str] = []
    seen: set[str] = set()
    for prefix in (sys.base_prefix, sys.prefix):
        real = str(Path(prefix).resolve())
        if real not in seen:
            seen.add(real)
            args += _ro(real)
            if prefix != real:
                args += ["--symlink", real, prefix]
    casebank_dir = _package_dir("casebank")
    if casebank_dir is not None and not any(str(casebank_dir).startswith(p + os.sep) for p in seen):
        args += _ro(str(casebank_dir))
    grading_dir = Path(__file__).resolve().parents[1]
    if any(str(grading_dir).startswith(p + os.sep) for p in seen):
        args += ["--tmpfs", str(grading_dir)]
    return args


def sandbox_uid() -> int:
    """A uid of the kernel's own, unique among running kernels (from the launcher's pid)."""
    return SANDBOX_UID_BASE + os.getpid() % 100_000


def kernel_env(scratch: Path, runtime: Path, source: Mapping[str, str] | None = None) -> dict[str, str]:
    """The whole environment of a sandboxed kernel: the allow-list plus fixed settings.

    The allow-listed variables come from ``source``, else from this process's environment.
    """
    given = os.environ if source is None else source
    env = {name: given[name] for name in PASSED_ENV if name in given}
    return env | {
        "HOME": str(scratch),
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLCONFIGDIR": str(scratch / ".matplotlib"),
        "IPYTHONDIR": str(scratch / ".ipython"),
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
    }


def bwrap_args(extra_ro: list[Path], writable: list[Path], chdir: Path, env: dict[str, str]) -> list[str]:
    """Bubblewrap's options for a sandbox: read-only system and Python, ``writable`` bound in.

    Raises:
        SandboxUnavailable: bubblewrap is not installed.
    """
    bwrap = bwrap_path()
    if bwrap is None:
        raise SandboxUnavailable(f"bubblewrap (bwrap) is not installed; {INSTALL_HINT}.")
    args = [bwrap, *_system_binds(), *python_binds()]
    for path in extra_ro:
        args += _ro(str(path))
    for path in writable:
        args += [*_parents(str(path)), "--bind", str(path), str(path)]
    args += [*_unshare(), "--die-with-parent", "--new-session", "--clearenv", "--chdir", str(chdir)]
    for name, value in sorted(env.items()):
        args += ["--setenv", name, value]
    return args


def build_command(
    kernel: list[str], connection_file: Path, scratch: Path, uid: int | None, extra_ro: list[Path]
) -> list[str]:
    """The bubblewrap command that runs ``kernel`` inside the sandbox."""
    runtime = connection_file.parent
    args = bwrap_args(extra_ro, [scratch, runtime], scratch, kernel_env(scratch, runtime))
    args.append("--")
    if uid is not None:
        setpriv = setpriv_path()
        if setpriv is None:
            raise SandboxUnavailable("setpriv (util-linux) is missing; install util-linux.")
        args += [setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs", "--"]
    return args + kernel


def prepare_scratch(cwd: Path, connection_file: Path, uid: int | None) -> Path:
    """Make the private scratch and hand the kernel its runtime directory.

    The scratch holds a copy of the submission folder's own files; the runtime directory (the
    connection file and the IPC sockets) was made private to this kernel by the grader.
    """
    # Inside the kernel's private runtime directory (the kernel host accepts no scratch elsewhere).
    scratch = Path(tempfile.mkdtemp(prefix="cma-scratch-", dir=connection_file.parent))
    for item in cwd.iterdir() if cwd.is_dir() else []:
        if item.is_file() and item.suffix != ".ipynb":
            shutil.copy2(item, scratch / item.name)
    if uid is not None:
        for path in (scratch, connection_file.parent, connection_file):
            os.chown(path, uid, uid)
    return scratch


@dataclasses.dataclass(frozen=True)
class Launch:
    """What a grading kernelspec's command line asks of the launcher."""

    kernel: list[str]
    limits: Limits
    ro: list[Path]

    @property
    def connection_file(self) -> Path:
        """The kernel's connection file (``-f``)."""
        return Path(self.kernel[self.kernel.index("-f") + 1]).resolve()


def parse_launch(argv: list[str]) -> Launch:
    """The launcher's options and the kernel command (with the grading kernel options added).

    Raises:
        SystemExit: the options are malformed or the kernel command has no ``-f`` (argparse's error).
    """
    parser = argparse.ArgumentParser(prog="python -m grading.sandbox")
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_mb)
    parser.add_argument("--cpu-seconds", type=int, default=Limits.cpu_seconds)
    parser.add_argument("--file-size-mb", type=int, default=Limits.file_size_mb)
    parser.add_argument("--processes", type=int, default=Limits.processes)
    parser.add_argument(
        "--ro", action="append", default=[], help="Extra read-only path (a custom case bank)."
    )
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    kernel = args.command[1:] if args.command[:1] == ["--"] else args.command
    if "-f" not in kernel or kernel.index("-f") == len(kernel) - 1:
        parser.error("the kernel command needs -f CONNECTION_FILE")
    limits = Limits(args.memory_mb, args.cpu_seconds, args.file_size_mb, args.processes)
    return Launch([*kernel, *GRADING_KERNEL_OPTIONS], limits, [Path(p) for p in args.ro])


def in_private_runtime(connection_file: Path) -> bool:
    """Whether the connection file is in a private runtime directory the grader made."""
    return connection_file.parent.name.startswith(RUNTIME_PREFIX)


def main(argv: list[str] | None = None) -> None:
    """Launch a kernel in the sandbox (the course's grading kernelspec calls this)."""
    launch = parse_launch(sys.argv[1:] if argv is None else argv)
    kernel, limits = launch.kernel, launch.limits
    if os.environ.get(ENV_SANDBOX) == SANDBOX_OFF:
        dataclasses.replace(limits, processes=4096).apply()
        os.execvp(kernel[0], kernel)
    connection_file = launch.connection_file
    if not in_private_runtime(connection_file):
        print(
            f"cm-academy sandbox: the connection file {connection_file} is not in a private runtime "
            f"directory ({RUNTIME_PREFIX}*); start sandboxed kernels through cm-academy's grader.",
            file=sys.stderr,
        )
        raise SystemExit(1)
    uid = sandbox_uid() if os.geteuid() == 0 else None
    scratch = prepare_scratch(Path.cwd(), connection_file, uid)
    host = os.environ.get(ENV_KERNEL_HOST)
    if host and uid is not None:
        raise SystemExit(launch_forked(Path(host), kernel, connection_file, scratch, uid, limits))
    try:
        command = build_command(kernel, connection_file, scratch, uid, launch.ro)
    except SandboxUnavailable as exc:
        print(f"cm-academy sandbox: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    processes = limits.processes
    if uid is None:
        processes += _own_process_count()
    dataclasses.replace(limits, processes=processes).apply()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.execv(command[0], command)


def launch_forked(
    host: Path, kernel: list[str], connection_file: Path, scratch: Path, uid: int, limits: Limits
) -> int:
    """Have the worker's kernel host fork the kernel; wait for it to end and return its exit code.

    This process stands for the kernel towards the grader: when the grader kills it, the
    connection closes and the host kills the kernel.
    """
    from grading.sandbox.host_client import HostKernel

    request = kernel_request(kernel, connection_file, scratch, uid, limits)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(128 + signal.SIGTERM))
    try:
        forked = HostKernel.ask(host, request)
    except SandboxUnavailable as exc:
        print(f"cm-academy sandbox: {exc}", file=sys.stderr)
        return 1
    return forked.wait()


def kernel_request(
    kernel: list[str],
    connection_file: Path,
    scratch: Path,
    uid: int,
    limits: Limits,
    env: Mapping[str, str] | None = None,
) -> dict[str, object]:
    """The kernel host's request for one kernel (`grading.sandbox.kernel_host` protocol)."""
    return {
        "argv": kernel,
        "connection_file": str(connection_file),
        "scratch": str(scratch),
        "uid": uid,
        "env": kernel_env(scratch, connection_file.parent, env),
        "rlimits": limits.rlimits(),
    }


def _own_process_count() -> int:
    uid = os.getuid()
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += 1
            except OSError:
                continue
    return count
