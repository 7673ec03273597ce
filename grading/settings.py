"""One typed settings object per course, made once and passed down.

A course directory records what was chosen at ``cmacademy course init`` (course id, case bank,
assessor key, gradebook URL, kernel limits) in ``cmacademy.json``; a run adds its own choices
(workers, per-cell timeout, sandbox, Dask scheduler). `Settings` holds both. The CLI's defaults
are the defaults below, stated once here.

No behaviour is switched by an environment variable inside cm-academy; the few variables that
remain carry a value to a process outside its call chain (a grading kernel's launcher) or locate
a file of the installation. docs/architecture.md lists each.
"""

from __future__ import annotations

import dataclasses
import resource
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

MB: Final = 1024 * 1024
DEFAULT_COURSE_ID: Final = "cm-academy"
#: Parallel worker processes of `grade` and `report`.
DEFAULT_WORKERS: Final = 2
#: Per-cell timeout of a grading kernel, seconds.
DEFAULT_TIMEOUT: Final = 120
#: The first uid handed to sandboxed kernels (one uid per kernel above it).
SANDBOX_UID_BASE: Final = 200_000
GRADEBOOK_FILE: Final = "gradebook.db"


@dataclass(frozen=True)
class Limits:
    """Resource limits of one sandboxed kernel."""

    memory_mb: int = 2048
    """Address space of each process."""
    cpu_seconds: int = 900
    """CPU time of each process."""
    file_size_mb: int = 64
    """Largest file a process may write."""
    processes: int = 64
    """Processes (threads count too) the kernel's uid may have."""

    def rlimits(self) -> dict[str, tuple[int, int]]:
        """The ``resource`` limits (name -> soft, hard) these limits stand for."""
        return {
            "RLIMIT_AS": (self.memory_mb * MB, self.memory_mb * MB),
            "RLIMIT_CPU": (self.cpu_seconds, self.cpu_seconds + 5),
            "RLIMIT_FSIZE": (self.file_size_mb * MB, self.file_size_mb * MB),
            "RLIMIT_NPROC": (self.processes, self.processes),
        }

    def apply(self) -> None:
        """Set these limits on this process; they carry over to what it executes."""
        for name, pair in self.rlimits().items():
            resource.setrlimit(getattr(resource, name), pair)


@dataclass(frozen=True)
class Settings:
    """Everything a course's commands need to know, typed, in one place."""

    root: Path
    """The nbgrader course root (holds nbgrader_config.py and, by default, the gradebook)."""
    course_id: str = DEFAULT_COURSE_ID
    """nbgrader's course id."""
    bank_dir: Path | None = None
    """The course's case bank; None for the one shipped with casebank."""
    key_dir: Path | None = None
    """The course's assessor key; None for the one shipped with grading."""
    bank_version: str = ""
    """Version of the case bank when the course was created."""
    gradebook_url: str = ""
    """Gradebook URL given at init or for this run; '' for the SQLite file in the course root."""
    limits: Limits = field(default_factory=Limits)
    """Resource limits of each grading kernel."""
    workers: int = DEFAULT_WORKERS
    """Local worker processes of `grade` and `report` (a Dask cluster decides its own)."""
    timeout: int = DEFAULT_TIMEOUT
    """Per-cell timeout of a grading kernel, seconds."""
    sandbox: bool = True
    """Run trainee code in the sandbox; False only for trusted code."""
    fresh_kernels: bool = False
    """Start every grading kernel fresh instead of forking it from a warm host."""
    scheduler: str | None = None
    """``tcp://HOST:PORT`` of a Dask scheduler to run jobs on, or None for the local pool."""

    @property
    def db_url(self) -> str:
        """The gradebook URL in use."""
        return self.gradebook_url or f"sqlite:///{self.root / GRADEBOOK_FILE}"

    @property
    def bank_dirs(self) -> tuple[str | None, str | None]:
        """(bank directory, key directory) as the exam functions take them (None: shipped)."""
        return (
            str(self.bank_dir) if self.bank_dir else None,
            str(self.key_dir) if self.key_dir else None,
        )

    def but(self, **changes: Any) -> Settings:
        """These settings with ``changes`` applied; a change of None keeps the current value."""
        given = {name: value for name, value in changes.items() if value is not None}
        if "db_url" in given:
            given["gradebook_url"] = given.pop("db_url")
        return dataclasses.replace(self, **given)

    def to_record(self) -> dict[str, Any]:
        """What ``cmacademy.json`` keeps of these settings (the course's own, not a run's)."""
        return {
            "course_id": self.course_id,
            "bank_dir": str(self.bank_dir) if self.bank_dir else "",
            "key_dir": str(self.key_dir) if self.key_dir else "",
            "bank_version": self.bank_version,
            "db_url": self.gradebook_url,
            "limits": dataclasses.asdict(self.limits),
        }

    @classmethod
    def from_record(cls, root: Path, record: dict[str, Any]) -> Settings:
        """Settings of the course at ``root`` from its ``cmacademy.json`` record."""
        limits = record.get("limits") or {}
        return cls(
            root=root,
            course_id=str(record.get("course_id") or DEFAULT_COURSE_ID),
            bank_dir=Path(record["bank_dir"]) if record.get("bank_dir") else None,
            key_dir=Path(record["key_dir"]) if record.get("key_dir") else None,
            bank_version=str(record.get("bank_version", "")),
            gradebook_url=str(record.get("db_url") or ""),
            limits=Limits(**{k: int(v) for k, v in limits.items() if k in Limits.__dataclass_fields__}),
        )
