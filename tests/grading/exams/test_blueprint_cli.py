"""`cmacademy exam blueprint`: the items, their pools and the rule violations, as text or JSON."""

from __future__ import annotations

import json

from click.testing import CliRunner

from grading.cli import main


def test_blueprint_json_lists_every_item_with_its_pool_and_rule() -> None:
    result = CliRunner().invoke(main, ["exam", "blueprint", "assoc", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    items = {i["id"]: i for i in report["items"]}
    assert items["q11_org_model"]["pool"] == "forms" and items["q11_org_model"]["pool_size"] >= 4
    assert items["q3_share_of_wallet"]["pool"] == "role" and items["q3_share_of_wallet"]["role"] == "value"
    assert items["q1_abc_tiers"]["scoring"] == "per_key"
    assert items["q21_report_evidence"]["kind"] == "manual"
    assert report["violations"] == []


def test_blueprint_text_names_each_item() -> None:
    result = CliRunner().invoke(main, ["exam", "blueprint", "assoc"])
    assert result.exit_code == 0, result.output
    assert "q15_complaint" in result.output and "judgment" in result.output


def test_an_unknown_exam_is_refused() -> None:
    result = CliRunner().invoke(main, ["exam", "blueprint", "expert"])
    assert result.exit_code == 2
    assert "expert" in result.output
