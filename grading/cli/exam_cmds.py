"""`cmacademy exam ...`: what an exam measures and how well (blueprint, simulated sittings)."""

from __future__ import annotations

import click


@click.group("exam")
def exam() -> None:
    """Inspect a certification exam: its blueprint and its simulated psychometrics."""
