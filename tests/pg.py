"""A throwaway PostgreSQL server for tests (the real server binaries, on a Unix socket)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_ROOTS = ("/usr/lib/postgresql",)


def pg_bin() -> Path | None:
    for root in PG_ROOTS:
        versions = sorted(Path(root).glob("*/bin/initdb"), reverse=True)
        if versions:
            return versions[0].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        runuser = shutil.which("runuser") or shutil.which("runuser", path="/usr/sbin:/sbin") or "runuser"
        return [runuser, "-u", "postgres", "--", *cmd]
    return cmd


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server in a temporary directory; yield a SQLAlchemy URL of a fresh database."""
    binaries = pg_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL server binaries not found; .ci/run installs postgresql")
    tmp = Path(tempfile.mkdtemp(prefix="cma-pg-"))
    data, sock = tmp / "data", tmp / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
        shutil.chown(sock, "postgres")
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
    run = lambda cmd: subprocess.run(_as_server_user(cmd), check=True, capture_output=True, text=True)  # noqa: E731
    try:
        run(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                user,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        options = f"-k {sock} -c listen_addresses='' -c fsync=off"
        run([str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(tmp / "log"), "start"])
        run([str(binaries / "createdb"), "-h", str(sock), "-U", user, "gradebook"])
        yield f"postgresql://{user}@/gradebook?host={sock}"
    finally:
        subprocess.run(
            _as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(tmp, ignore_errors=True)


def new_database(server_url: str, name: str) -> str:
    """A fresh database on the test's PostgreSQL server (a package-scoped server is shared)."""
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)
