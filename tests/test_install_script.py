"""scripts/install_system_deps.sh waits for another apt/dpkg run instead of failing at once."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "install_system_deps.sh"
DPKG_LOCK = Path("/var/lib/dpkg/lock-frontend")
#: How long the test holds the lock: two of the script's one-second polls find it held.
HOLD_SECONDS = 2.0

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("apt-get") is None or not DPKG_LOCK.exists(),
    reason="needs root and apt (Debian), as the script does",
)


def test_a_held_dpkg_lock_is_waited_for(tmp_path: Path) -> None:
    fd = os.open(DPKG_LOCK, os.O_RDWR)
    fcntl.lockf(fd, fcntl.LOCK_EX)
    release = threading.Timer(HOLD_SECONDS, lambda: (fcntl.lockf(fd, fcntl.LOCK_UN), os.close(fd)))
    release.start()
    started = time.monotonic()
    # The script's own waiting function, on an install that needs the lock (bubblewrap is present).
    body = SCRIPT.read_text(encoding="utf-8")
    function = body[
        body.index("with_apt_lock() {") : body.index("\n}\n", body.index("with_apt_lock() {")) + 3
    ]
    shell = (
        "set -euo pipefail\nLOCK_WAIT_SECONDS=60\nLOCK_POLL_SECONDS=1\n"
        + function
        + "with_apt_lock apt-get -o DPkg::Lock::Timeout=0 install -y -qq --no-install-recommends bubblewrap\n"
    )
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120, check=False)
    release.join()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "another apt/dpkg run holds the lock; waiting" in done.stdout
    assert time.monotonic() - started >= HOLD_SECONDS - 0.5
