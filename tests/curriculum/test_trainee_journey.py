"""The README's trainee journey: JupyterLab serves the curriculum and module 1 opens."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_jupyterlab_serves_module_one(tmp_path: Path) -> None:
    port, token = free_port(), "cmacademy-test"
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", "--ServerApp.allow_root=True", f"--ServerApp.root_dir={ROOT}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/api/contents/curriculum?token={token}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    listing = json.load(response)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        names = sorted(item["name"] for item in listing["content"])
        assert names[0] == "00_入门_Jupyter与pandas.ipynb"
        assert "01_客户经理制与组织模式.ipynb" in names
        assert len([n for n in names if n.endswith(".ipynb")]) == 14  # modules 0-11 and two mock exams
        first = urllib.request.quote("curriculum/01_客户经理制与组织模式.ipynb")
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/contents/{first}?token={token}", timeout=10
        ) as r:
            notebook = json.load(r)
        assert notebook["content"]["metadata"]["kernelspec"]["name"] == "python3"
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/kernelspecs?token={token}", timeout=10
        ) as r:
            assert "python3" in json.load(r)["kernelspecs"]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}", timeout=10) as r:
            assert r.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
