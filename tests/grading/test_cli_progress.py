"""Progress: plain lines in a log at least every interval, with done/total, rate and finish."""

from __future__ import annotations

import io
import time

from rich.console import Console

from grading.cli.progress import Tracker


def test_a_log_gets_a_line_per_interval_with_rate_and_finish() -> None:
    stream = io.StringIO()
    console = Console(file=stream, force_terminal=False)
    with Tracker(console, interval=0.05) as tracker:
        tracker.stage("grading assoc")
        tracker.advance(3, 12)
        time.sleep(0.3)
        tracker.stage("reports assoc", total=4)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "grading assoc: started"
    beats = [line for line in lines if line.startswith("grading assoc: 3/12 done in")]
    assert len(beats) >= 3
    assert "/s, expected finish" in beats[0] and "UTC (in" in beats[0]
    assert any(line.startswith("grading assoc: finished (3/12) in") for line in lines)
    assert lines[-2:][0].startswith("reports assoc: started (4 to do)")
    assert lines[-1].startswith("reports assoc: finished")


def test_a_stage_name_with_markup_is_shown_as_written() -> None:
    stream = io.StringIO()
    with Tracker(Console(file=stream, force_terminal=True), interval=60) as tracker:
        tracker.stage("grading [/bold]")
        tracker.advance(1, 2)
