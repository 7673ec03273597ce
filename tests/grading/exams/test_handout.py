"""A trainee's handout: their own variant and their own clients' facts, under neutral labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casebank.exam import ExamSession, ExamSessionError
from casebank.load import load_bank
from grading.casegen.pool import ExamPool
from grading.exams import assign_for, exam_bank, kernel_variant, variant_for
from grading.exams.handout import write_handout


@pytest.fixture
def handout_home(tiny_pool: ExamPool, fresh_key: str, tmp_path: Path) -> Path:
    facts = str(tiny_pool.facts)
    assign_for("assoc", ["t1", "t2"], facts, fresh_key)
    home = tmp_path / "home"
    write_handout(
        kernel_variant("assoc", "t1", facts, fresh_key), exam_bank(facts), home / ".cmacademy/exams/assoc"
    )
    return home


def test_the_handout_holds_only_the_trainees_clients(
    handout_home: Path, tiny_pool: ExamPool, fresh_key: str
) -> None:
    bank = load_bank(handout_home / ".cmacademy/exams/assoc/bank", validate=False)
    mine = set(variant_for("assoc", "t1", str(tiny_pool.facts), fresh_key).portfolio)
    for name, frame in bank.tables.items():
        if "client_id" in frame.columns:
            assert set(frame["client_id"]) <= mine, name
    assert set(bank.clients["client_id"]) == mine


def test_the_handout_holds_no_key_and_no_other_variant(handout_home: Path) -> None:
    names = {p.name for p in handout_home.rglob("*")}
    assert not names & {"truth.csv", "key_manifest.json", "variants.json", "assoc.json"}
    variant = json.loads((handout_home / ".cmacademy/exams/assoc/variant.json").read_text())
    assert variant["trainee"] == "t1" and sorted(variant["roles"]) == ["A", "B", "C", "D"]


def test_the_trainees_kernel_opens_its_own_exam(handout_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CMACADEMY_VARIANT", raising=False)
    monkeypatch.setenv("HOME", str(handout_home))
    monkeypatch.setenv("JUPYTERHUB_USER", "t1")
    exam = ExamSession.start("assoc")
    assert exam.role("A") in set(exam.clients["client_id"])
    assert len(exam.clients) == len(exam.variant.portfolio)


def test_someone_elses_handout_is_refused(handout_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CMACADEMY_VARIANT", raising=False)
    monkeypatch.setenv("HOME", str(handout_home))
    monkeypatch.setenv("JUPYTERHUB_USER", "t2")
    with pytest.raises(ExamSessionError, match="this handout is for trainee 't1', not 't2'"):
        ExamSession.start("assoc")


def test_without_a_handout_the_trainee_is_told_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CMACADEMY_VARIANT", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(ExamSessionError, match=r"no exam variant for you yet.*Hub Control Panel"):
        ExamSession.start("assoc")


def test_the_handout_shows_the_trainees_forms_without_keys(
    handout_home: Path, tiny_pool: ExamPool, fresh_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = variant_for("assoc", "t1", str(tiny_pool.facts), fresh_key)
    record = json.loads((Path(fresh_key) / "variants/assoc.json").read_text(encoding="utf-8"))
    assert record["t1"]["forms"] == dict(recorded.forms) and recorded.forms
    text = (handout_home / ".cmacademy/exams/assoc/variant.json").read_text(encoding="utf-8")
    assert '"key"' not in text and "mistakes" not in text
    monkeypatch.delenv("CMACADEMY_VARIANT", raising=False)
    monkeypatch.setenv("HOME", str(handout_home))
    monkeypatch.setenv("JUPYTERHUB_USER", "t1")
    item = ExamSession.start("assoc").item("q11_org_model")
    assert item.form == recorded.forms["q11_org_model"]
    assert item.options["2"] == "增设独立的客户经理岗位"
    assert "- **2**. 增设独立的客户经理岗位" in item._repr_markdown_()
    with pytest.raises(ExamSessionError, match="no fixed-text item 'q99'"):
        ExamSession.start("assoc").item("q99")


def test_opening_the_exam_records_the_sittings_start_but_grading_does_not(
    handout_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    progress = tmp_path / "progress-home"
    monkeypatch.setenv("CMACADEMY_HOME", str(progress))
    monkeypatch.delenv("CMACADEMY_VARIANT", raising=False)
    monkeypatch.setenv("HOME", str(handout_home))
    monkeypatch.setenv("JUPYTERHUB_USER", "t1")
    session = ExamSession.start("assoc")
    lines = (progress / "progress.jsonl").read_text(encoding="utf-8").splitlines()
    assert [(e["event"], e["exam"]) for e in map(json.loads, lines)] == [("exam_started", "assoc")]
    monkeypatch.setenv("CMACADEMY_VARIANT", session.variant.to_json())
    ExamSession.start("assoc", bank_dir=handout_home / ".cmacademy/exams/assoc/bank")
    assert len((progress / "progress.jsonl").read_text(encoding="utf-8").splitlines()) == 1
