"""Verifiable certificates: genuine ones verify; any edit, expiry or revocation is reported."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grading.reports.certificates import CertificateError, verify_certificate
from grading.signing import load_or_create_key, public_pem
from tests.conftest import Cli
from tests.grading.reports.cohort_builder import AS_OF
from tests.grading.reports.conftest import Reported

pytestmark = pytest.mark.slow


def cert(reported: Reported, trainee: str) -> Path:
    return reported.out / "certificates" / f"{reported.cohort.decisions[trainee].certificate_id}.json"


def leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaves(value, (*path, index))
    else:
        yield path


def changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    return f"{value}x"


def test_a_genuine_certificate_is_valid(reported: Reported, cli: Cli) -> None:
    result = verify_certificate(cert(reported, "t03"), today=AS_OF)
    assert result.status == "valid" and "张伟" in result.detail and "2028-10-01" in result.detail
    run = cli("verify", cert(reported, "t03"), "--date", AS_OF.isoformat())
    assert run.exit_code == 0 and run.output.startswith("valid: ")


def test_certificate_is_open_badges_shaped(reported: Reported) -> None:
    doc = json.loads(cert(reported, "t03").read_text(encoding="utf-8"))
    assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert doc["issuer"]["id"].startswith("did:key:z6Mk")
    assert doc["credentialSubject"]["achievement"]["name"] == "初级客户经理"
    assert (doc["validFrom"], doc["validUntil"]) == ("2026-10-01T00:00:00Z", "2028-10-01T00:00:00Z")
    assert doc["evidence"][0]["scores"]["competencies"]["value"]["max"] == 8
    assert doc["proof"]["cryptosuite"] == "eddsa-jcs-2022"


def test_changing_any_field_is_tampering(reported: Reported, tmp_path: Path) -> None:
    original = json.loads(cert(reported, "t03").read_text(encoding="utf-8"))
    target = tmp_path / "certificates" / "c.json"
    target.parent.mkdir()
    shutil.copytree(reported.out / "portal", tmp_path / "portal")
    paths = list(leaves(original))
    assert len(paths) > 40
    for path in paths:
        doc = copy.deepcopy(original)
        node = doc
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = changed(node[path[-1]])
        target.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        assert verify_certificate(target, today=AS_OF).status == "tampered", path
    for edit in ({**original, "extra": 1}, {k: v for k, v in original.items() if k != "evidence"}):
        target.write_text(json.dumps(edit), encoding="utf-8")
        assert verify_certificate(target, today=AS_OF).status == "tampered"
    target.write_text("{not json", encoding="utf-8")
    assert verify_certificate(target, today=AS_OF).status == "tampered"


def test_reformatting_is_not_tampering(reported: Reported, tmp_path: Path) -> None:
    doc = json.loads(cert(reported, "t03").read_text(encoding="utf-8"))
    target = tmp_path / "c.json"
    target.write_text(json.dumps(doc, indent=7, sort_keys=True), encoding="utf-8")
    assert verify_certificate(target, today=AS_OF, revocations=reported.out / "portal").status == "valid"


def test_expired_and_revoked(reported: Reported, cli: Cli) -> None:
    expired = verify_certificate(cert(reported, "t01"), today=AS_OF)
    assert expired.status == "expired" and "2026-09-01" in expired.detail
    revoked = verify_certificate(cert(reported, "t10"), today=AS_OF)
    assert revoked.status == "revoked"
    for trainee, status in (("t01", "expired"), ("t10", "revoked")):
        run = cli("verify", cert(reported, trainee), "--date", AS_OF.isoformat())
        assert run.exit_code == 1 and run.output.startswith(f"{status}: ")


def test_revocation_from_the_course_records(reported: Reported, tmp_path: Path) -> None:
    loose = tmp_path / cert(reported, "t10").name  # no portal beside it: no list consulted
    shutil.copy(cert(reported, "t10"), loose)
    key = reported.out / "portal" / "public_key.pem"
    assert verify_certificate(loose, today=AS_OF, public_key=key).status == "valid"
    result = verify_certificate(loose, today=AS_OF, public_key=key, course_dir=reported.cohort.course.root)
    assert result.status == "revoked" and "course's records" in result.detail


def test_a_certificate_signed_by_another_key_is_tampered(reported: Reported, tmp_path: Path) -> None:
    other = load_or_create_key(tmp_path / "other.pem")
    (tmp_path / "other.pub.pem").write_text(public_pem(other.public_key()))
    result = verify_certificate(cert(reported, "t03"), today=AS_OF, public_key=tmp_path / "other.pub.pem")
    assert result.status == "tampered" and "different key" in result.detail


def test_a_forged_revocation_list_is_refused(reported: Reported, tmp_path: Path) -> None:
    portal = tmp_path / "portal"
    shutil.copytree(reported.out / "portal", portal)
    listing = json.loads((portal / "revocations.json").read_text(encoding="utf-8"))
    listing["revoked"] = []
    (portal / "revocations.json").write_text(json.dumps(listing), encoding="utf-8")
    with pytest.raises(CertificateError, match="revocation list is not genuine"):
        verify_certificate(cert(reported, "t10"), today=AS_OF, revocations=portal)


def test_verify_on_another_machine_trusts_the_portal_key(
    reported: Reported, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CMACADEMY_SIGNING_KEY", str(tmp_path / "absent.pem"))
    assert verify_certificate(cert(reported, "t03"), today=dt.date(2026, 12, 1)).status == "valid"
    loose = tmp_path / "c.json"
    shutil.copy(cert(reported, "t03"), loose)
    with pytest.raises(CertificateError, match="no trusted public key"):
        verify_certificate(loose)
