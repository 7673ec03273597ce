"""The trainee's own practice client per curriculum module, drawn from the practice pool.

Every trainee works the "from scratch" exercises of a module on a client of their own, drawn
from the public canonical bank's practice clients that the module's self-checks cover
(`casebank.selfcheck.drawable_clients`). The draw is deterministic per trainee (the hub's
``JUPYTERHUB_USER``, else the operating-system user): each trainee has a fixed shuffled order of
the module's clients and starts at its head; "another client" moves one step along it and is
remembered in ``practice.json`` next to the progress record (``~/.cmacademy``, or
``CMACADEMY_HOME``), so a restarted kernel checks the client the trainee is working on.

How a curriculum module uses it::

    from casebank.practice_pool import Practice
    my = Practice("m03")            # the client drawn for this trainee
    my.client                       # 'C0123'
    my.card()                       # the client's profile card
    my.check("m03.growth", answer)  # or a function: my.check("m03.growth", lambda: f(my.client))
    my.another()                    # or my.button() for a "换一个客户" button

The notebooks call the object ``my`` (``practice`` already names the practice-set table there).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from casebank.errors import CmAcademyError
from casebank.progress import progress_path

if TYPE_CHECKING:
    import pandas as pd

    from casebank.load import CaseBank
    from casebank.selfcheck import CheckResult

HUB_USER_ENV: Final = "JUPYTERHUB_USER"
STATE_FILE: Final = "practice.json"


class PracticeError(CmAcademyError):
    """A module has no drawable clients, or the draw state cannot be used."""


def trainee_id() -> str:
    """The trainee the draw is made for: the hub user, else the operating-system user."""
    hub = os.environ.get(HUB_USER_ENV, "").strip()
    if hub:
        return hub
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid{os.getuid()}"


def state_path() -> Path:
    """Where the trainee's draws (how often each module drew another client) are kept."""
    return progress_path().parent / STATE_FILE


def _read_state(path: Path) -> dict[str, int]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): int(v) for k, v in data.items() if isinstance(v, int) and v >= 0}


def _write_state(path: Path, state: dict[str, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staged = path.with_suffix(".tmp")
    staged.write_text(json.dumps(state, sort_keys=True), encoding="utf-8")
    staged.replace(path)


def draw_order(clients: list[str], trainee: str, module: str) -> list[str]:
    """The trainee's fixed shuffled order of a module's clients (the same on every machine)."""

    def key(client: str) -> str:
        return hashlib.sha256(f"cm-academy-practice|{trainee}|{module}|{client}".encode()).hexdigest()

    return sorted(clients, key=key)


def _module(module: str | int) -> str:
    text = str(module).strip().lower().removeprefix("m")
    if not text.isdigit():
        raise PracticeError(f"module {module!r}: write it as 'm04' or 4")
    return f"m{int(text):02d}"


class Practice:
    """The practice client drawn for one trainee and one curriculum module.

    Args:
        module: the curriculum module, ``"m04"`` or ``4``.
        trainee: whose draw; by default `trainee_id()`.
        bank: the case bank, for `card` and `tables` (loaded on first use by default).
    """

    def __init__(self, module: str | int, trainee: str | None = None, bank: CaseBank | None = None) -> None:
        from casebank.selfcheck import drawable_clients

        self.module = _module(module)
        self.trainee = trainee or trainee_id()
        self.order = draw_order(drawable_clients(self.module), self.trainee, self.module)
        self._bank = bank

    @property
    def draws(self) -> int:
        """How many times this trainee asked for another client in this module."""
        return _read_state(state_path()).get(self.module, 0)

    @property
    def client(self) -> str:
        """The id of the client drawn now (``C0123``)."""
        return self.order[self.draws % len(self.order)]

    def another(self) -> str:
        """Draw another client for this module, remember it, and return its id."""
        path = state_path()
        state = _read_state(path)
        state[self.module] = state.get(self.module, 0) + 1
        try:
            _write_state(path, state)
        except OSError as exc:
            raise PracticeError(
                f"cannot remember the new client in {path} ({exc}); check that the folder is writable"
            ) from None
        return self.client

    @property
    def bank(self) -> CaseBank:
        """The case bank the client is drawn from (the public canonical bank by default)."""
        if self._bank is None:
            from casebank.load import load_bank

            self._bank = load_bank()
        return self._bank

    def card(self) -> pd.Series:
        """The drawn client's profile card (`casebank.teaching.client_views.client_card`)."""
        from casebank.teaching.client_views import client_card

        return client_card(self.bank, self.client)

    def tables(self) -> dict[str, pd.DataFrame]:
        """All case-bank records of the drawn client, by table name (`CaseBank.client`)."""
        return self.bank.client(self.client)

    def check(self, exercise: str, answer: Any) -> CheckResult:
        """Check an answer about the drawn client (`casebank.selfcheck.check`)."""
        from casebank.selfcheck import check

        return check(exercise, answer, client=self.client)

    def button(self) -> Any:
        """A "换一个客户" button that draws another client and says which one, for JupyterLab."""
        import ipywidgets as widgets  # type: ignore[import-untyped]

        button = widgets.Button(description="换一个客户", icon="refresh")
        out = widgets.Output()

        def on_click(_: Any) -> None:
            with out:
                out.clear_output()
                print(f"新的练习客户：{self.another()}。请从“你的练习客户”一节起重新运行单元格。")

        button.on_click(on_click)
        return widgets.VBox([button, out])

    def __repr__(self) -> str:
        return f"Practice({self.module!r}, trainee={self.trainee!r}, client={self.client!r})"

    def _repr_markdown_(self) -> str:
        return (
            f"你的练习客户（{self.module}）：**{self.client}**。"
            "想换一户练习，点“换一个客户”按钮（或运行 `my.another()`），再从这里往下重新运行。"
        )
