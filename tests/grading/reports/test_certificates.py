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

from grading.reports.certificates import LIST_VALID_DAYS
from grading.reports.verify import NoTrustedKey, verify_certificate
from grading.signing import fingerprint, load_or_create_key, public_pem, sign
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
    assert revoked.status == "revoked" and "signed list issued" in revoked.revocation
    for trainee, status in (("t01", "expired"), ("t10", "revoked")):
        run = cli("verify", cert(reported, trainee), "--date", AS_OF.isoformat())
        assert run.exit_code == 1 and run.output.startswith(f"{status}: ")


def test_a_revoked_certificate_alone_is_never_valid(reported: Reported, cli: Cli, tmp_path: Path) -> None:
    loose = tmp_path / "empty" / cert(reported, "t10").name
    loose.parent.mkdir()
    shutil.copy(cert(reported, "t10"), loose)
    result = verify_certificate(loose, today=AS_OF)
    assert result.status == "unchecked" and "no revocation list" in result.revocation
    run = cli("verify", loose, "--date", AS_OF.isoformat())
    assert run.exit_code == 3 and run.output.startswith("unchecked: ")
    assert "valid until" in run.output and "revocation: unchecked" in run.output


def test_revocation_from_the_course_records(reported: Reported, tmp_path: Path) -> None:
    loose = tmp_path / cert(reported, "t10").name
    shutil.copy(cert(reported, "t10"), loose)
    result = verify_certificate(loose, today=AS_OF, course_dir=reported.cohort.course.root)
    assert (
        result.status == "revoked"
        and "course" in result.revocation
        and "audit trail intact" in result.revocation
    )
    held = verify_certificate(cert(reported, "t03"), today=AS_OF, course_dir=reported.cohort.course.root)
    assert held.status == "valid"


def test_a_stale_revocation_list_leaves_revocation_unchecked(reported: Reported) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=LIST_VALID_DAYS + 1)
    result = verify_certificate(cert(reported, "t03"), today=AS_OF, now=later)
    assert result.status == "unchecked" and "was current from" in result.revocation


def test_a_certificate_signed_by_another_key_is_untrusted(reported: Reported, tmp_path: Path) -> None:
    other = load_or_create_key(tmp_path / "other.pem")
    doc = json.loads(cert(reported, "t03").read_text(encoding="utf-8"))
    doc.pop("proof")
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(sign(doc, other, dt.datetime(2026, 11, 1, tzinfo=dt.UTC))), encoding="utf-8")
    result = verify_certificate(forged, today=AS_OF)
    assert result.status == "untrusted" and fingerprint(other.public_key()) in result.detail
    assert result.exit_code == 1
    (tmp_path / "other.pub.pem").write_text(public_pem(other.public_key()))
    trusted = verify_certificate(forged, today=AS_OF, trust=[tmp_path / "other.pub.pem"])
    assert trusted.status == "unchecked"  # genuine for the key given; no list of that issuer


def test_a_forged_revocation_list_is_not_trusted(reported: Reported, tmp_path: Path) -> None:
    portal = tmp_path / "portal"
    shutil.copytree(reported.out / "portal", portal)
    listing = json.loads((portal / "revocations.json").read_text(encoding="utf-8"))
    listing["revoked"] = []
    (portal / "revocations.json").write_text(json.dumps(listing), encoding="utf-8")
    result = verify_certificate(cert(reported, "t10"), today=AS_OF, revocations=portal)
    assert result.status == "unchecked" and "not signed by a trusted key" in result.revocation


def test_a_key_beside_the_certificate_is_never_trusted(
    reported: Reported, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cli: Cli
) -> None:
    # A forged folder with its own portal/public_key.pem, on a machine without the installation key.
    forger = load_or_create_key(tmp_path / "forger.pem")
    doc = json.loads(cert(reported, "t03").read_text(encoding="utf-8"))
    doc.pop("proof")
    doc["credentialSubject"]["identifier"][0]["identityHash"] = "虚构的人"
    (tmp_path / "site" / "certificates").mkdir(parents=True)
    (tmp_path / "site" / "portal").mkdir()
    forged = tmp_path / "site" / "certificates" / "c.json"
    forged.write_text(
        json.dumps(sign(doc, forger, dt.datetime(2026, 11, 1, tzinfo=dt.UTC))), encoding="utf-8"
    )
    (tmp_path / "site" / "portal" / "public_key.pem").write_text(public_pem(forger.public_key()))
    monkeypatch.setenv("CMACADEMY_SIGNING_KEY", str(tmp_path / "absent.pem"))
    with pytest.raises(NoTrustedKey, match="--trust"):
        verify_certificate(forged)
    run = cli("verify", forged)
    assert run.exit_code == 4 and "cannot verify" in run.output


@pytest.mark.parametrize(
    ("text", "why"),
    [("[" * 100_000 + "]" * 100_000, "nested too deeply"), (" " * 1_000_001, "larger than any certificate")],
)
def test_oversized_or_deeply_nested_json_is_refused(tmp_path: Path, text: str, why: str) -> None:
    path = tmp_path / "c.json"
    path.write_text(text, encoding="utf-8")
    result = verify_certificate(path)
    assert result.status == "tampered" and why in result.detail
