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

from grading.reports.status_list import LIST_VALID_DAYS, MIN_BITS, bit_at, encode_bits
from grading.reports.verify import NoTrustedKey, verify_certificate
from grading.signing import fingerprint, load_or_create_key, public_pem, sign
from tests.conftest import Cli
from tests.grading.reports.cohort_builder import AS_OF
from tests.grading.reports.conftest import Reported
from tests.grading.reports.site_server import serve

LIST_URL = "https://certificates.example.invalid/status/revocation.json"

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
    achievement = doc["credentialSubject"]["achievement"]
    described = {d["id"].rsplit(":", 1)[1]: d for d in achievement["resultDescription"]}
    assert described["value"]["valueMax"] == "8" and described["value"]["resultType"] == "RawScore"
    results = {r["resultDescription"].rsplit(":", 1)[1]: r for r in doc["credentialSubject"]["result"]}
    assert (
        set(results) == set(described)
        and results["overall"]["value"] == f"{reported.cohort.decisions['t03'].score:g}"
    )
    assert achievement["image"] == {
        "id": "https://certificates.example.invalid/badges/associate.svg",
        "type": "Image",
        "caption": "初级客户经理",
    }
    status = doc["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert (
        status["statusListCredential"] == LIST_URL
        and status["id"] == f"{LIST_URL}#{status['statusListIndex']}"
    )
    assert doc["proof"]["cryptosuite"] == "eddsa-jcs-2022"


def test_the_status_list_is_a_signed_w3c_bitstring_status_list(reported: Reported) -> None:
    listing = json.loads((reported.out / "public" / "status" / "revocation.json").read_text(encoding="utf-8"))
    assert listing["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listing["id"] == LIST_URL and listing["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    subject = listing["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    assert listing["validFrom"] < listing["validUntil"]

    def index(trainee: str) -> int:
        return int(
            json.loads(cert(reported, trainee).read_text(encoding="utf-8"))["credentialStatus"][
                "statusListIndex"
            ]
        )

    assert bit_at(subject["encodedList"], index("t10")) and not bit_at(subject["encodedList"], index("t03"))
    assert not bit_at(subject["encodedList"], MIN_BITS - 1)
    with pytest.raises(ValueError, match="outside"):
        bit_at(subject["encodedList"], MIN_BITS)


def test_changing_any_field_is_tampering(reported: Reported, tmp_path: Path) -> None:
    original = json.loads(cert(reported, "t03").read_text(encoding="utf-8"))
    target = tmp_path / "certificates" / "c.json"
    target.parent.mkdir()
    shutil.copytree(reported.out / "public", tmp_path / "public")
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
    assert verify_certificate(target, today=AS_OF, status_list=reported.out / "public").status == "valid"


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
    assert result.status == "unchecked" and "placeholder" in result.revocation
    run = cli("verify", loose, "--date", AS_OF.isoformat())
    assert run.exit_code == 3 and run.output.startswith("unchecked: ")
    assert "valid until" in run.output and "revocation: unchecked" in run.output


@pytest.mark.parametrize("copy", ["site", "list"])
def test_a_revoked_certificate_alone_checked_against_the_published_list_is_revoked(
    reported: Reported, cli: Cli, tmp_path: Path, copy: str
) -> None:
    loose = tmp_path / "empty" / cert(reported, "t10").name
    loose.parent.mkdir()
    shutil.copy(cert(reported, "t10"), loose)
    published = tmp_path / "mirror"
    shutil.copytree(reported.out / "public", published)
    source = published if copy == "site" else published / "status" / "revocation.json"
    result = verify_certificate(loose, today=AS_OF, status_list=source)
    assert result.status == "revoked" and "signed list issued" in result.revocation
    run = cli("verify", loose, "--date", AS_OF.isoformat(), "--status-list", source)
    assert run.exit_code == 1 and run.output.startswith("revoked: ")


def test_verify_fetches_the_status_list_from_the_published_url(
    reported: Reported, installation_key: Path, tmp_path: Path
) -> None:
    """The site served on loopback at the URL the certificate names: verify reads the list there."""
    key = load_or_create_key(installation_key)
    site = tmp_path / "site"
    shutil.copytree(reported.out / "public", site)
    with serve(site) as base:
        url = f"{base}status/revocation.json"
        listing = json.loads((site / "status" / "revocation.json").read_text(encoding="utf-8"))
        listing.pop("proof")
        listing["id"], listing["credentialSubject"]["id"] = url, f"{url}#list"
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        (site / "status" / "revocation.json").write_text(
            json.dumps(sign(listing, key, now)), encoding="utf-8"
        )
        verdicts = {}
        for trainee in ("t10", "t03"):
            doc = json.loads(cert(reported, trainee).read_text(encoding="utf-8"))
            doc.pop("proof")
            index = doc["credentialStatus"]["statusListIndex"]
            doc["credentialStatus"] |= {"id": f"{url}#{index}", "statusListCredential": url}
            loose = tmp_path / f"{trainee}.json"
            loose.write_text(json.dumps(sign(doc, key, now)), encoding="utf-8")
            verdicts[trainee] = verify_certificate(loose, today=AS_OF)
    assert verdicts["t10"].status == "revoked" and url in verdicts["t10"].revocation
    assert verdicts["t03"].status == "valid" and url in verdicts["t03"].revocation


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
    public = tmp_path / "public"
    shutil.copytree(reported.out / "public", public)
    listing = json.loads((public / "status" / "revocation.json").read_text(encoding="utf-8"))
    listing["credentialSubject"]["encodedList"] = encode_bits([], MIN_BITS)
    (public / "status" / "revocation.json").write_text(json.dumps(listing), encoding="utf-8")
    result = verify_certificate(cert(reported, "t10"), today=AS_OF, status_list=public)
    assert result.status == "unchecked" and "not signed by a trusted key" in result.revocation


def test_another_signed_list_cannot_stand_in_for_the_named_one(
    reported: Reported, installation_key: Path, tmp_path: Path
) -> None:
    listing = json.loads((reported.out / "public" / "status" / "revocation.json").read_text(encoding="utf-8"))
    listing.pop("proof")
    listing["id"] = "https://elsewhere.example/status/other.json"
    listing["credentialSubject"]["encodedList"] = encode_bits([], MIN_BITS)
    other = tmp_path / "other.json"
    key = load_or_create_key(installation_key)
    other.write_text(json.dumps(sign(listing, key, dt.datetime.now(dt.UTC))), encoding="utf-8")
    result = verify_certificate(cert(reported, "t10"), today=AS_OF, status_list=other)
    assert result.status == "unchecked" and "not " + LIST_URL in result.revocation


def test_a_key_beside_the_certificate_is_never_trusted(
    reported: Reported, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cli: Cli
) -> None:
    # A forged folder with its own public/public_key.pem, on a machine without the installation key.
    forger = load_or_create_key(tmp_path / "forger.pem")
    doc = json.loads(cert(reported, "t03").read_text(encoding="utf-8"))
    doc.pop("proof")
    doc["credentialSubject"]["identifier"][0]["identityHash"] = "虚构的人"
    (tmp_path / "site" / "certificates").mkdir(parents=True)
    (tmp_path / "site" / "public").mkdir()
    forged = tmp_path / "site" / "certificates" / "c.json"
    forged.write_text(
        json.dumps(sign(doc, forger, dt.datetime(2026, 11, 1, tzinfo=dt.UTC))), encoding="utf-8"
    )
    (tmp_path / "site" / "public" / "public_key.pem").write_text(public_pem(forger.public_key()))
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
