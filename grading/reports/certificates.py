"""Verifiable certificates: Open Badges 3.0-shaped credentials, a signed revocation list, `verify`.

One JSON file per certificate (``certificates/<certificate id>.json``): an
``OpenBadgeCredential`` whose issuer is the certification body (its id the installation key's
``did:key``), whose subject is the trainee with the achievement = the certified level, with
``validFrom``/``validUntil`` and the scores as evidence, signed with the installation's Ed25519
key (`grading.signing`).

`verify_certificate` answers, in this order: **tampered** (unreadable, or the proof fails for
the trusted key), **revoked** (listed in a signed revocation list, or revoked or withdrawn in
the course's records), **expired** (the day is after ``validUntil``), else **valid**.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from grading.reports.data import DecisionRecord
from grading.reports.errors import ReportError
from grading.scheme import Scheme
from grading.signing import (
    did_key,
    load_public_key,
    proof_problem,
    sign,
    signing_key_path,
)
from grading.status import CertificateStatus

CONTEXTS: Final = (
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
)
REVOCATION_TYPE: Final = "CmAcademyRevocationList"
PUBLIC_KEY_FILE: Final = "public_key.pem"
REVOCATIONS_FILE: Final = "revocations.json"
PORTAL_DIR: Final = "portal"


class CertificateError(ReportError):
    """A certificate or revocation list cannot be read, or no trusted key is known."""


def certificate_urn(certificate_id: str) -> str:
    """The credential id of a certificate."""
    return f"urn:cmacademy:certificate:{certificate_id}"


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def issuer_profile(scheme: Scheme, key: Ed25519PublicKey) -> dict[str, Any]:
    """The certification body as an Open Badges ``Profile``."""
    return {"id": did_key(key), "type": ["Profile"], "name": scheme.scheme.body}


def build_credential(record: DecisionRecord, scheme: Scheme, key: Ed25519PublicKey) -> dict[str, Any]:
    """The unsigned credential of a certified decision.

    Raises:
        CertificateError: the decision has no certificate.
    """
    if not record.certificate_id or record.issued_on is None or record.expires_on is None:
        raise CertificateError(
            f"{record.exam}/{record.trainee}: no certificate to issue (status {record.status})."
        )
    level = scheme.level(record.level)
    info = scheme.scheme
    names = {c.id: c for c in scheme.competencies}
    return {
        "@context": list(CONTEXTS),
        "id": certificate_urn(record.certificate_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{level.name_zh} {level.name_en}",
        "issuer": issuer_profile(scheme, key),
        "validFrom": _stamp(record.issued_on),
        "validUntil": _stamp(record.expires_on),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "studentId",
                    "hashed": False,
                    "identityHash": record.trainee,
                },
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": record.name,
                },
            ],
            "achievement": {
                "id": f"urn:cmacademy:achievement:{info.id}:{level.id}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": level.name_zh,
                "description": f"{level.name_en}. {info.scope_en}",
                "criteria": {
                    "narrative": (
                        f"{info.name_en} {info.version}, exam {level.exam}: overall at least "
                        f"{level.overall_min:.0%} and every competency at least {level.competency_min:.0%}."
                    )
                },
            },
        },
        "evidence": [
            {
                "type": ["Evidence"],
                "name": f"{level.exam}",
                "narrative": f"{record.score or 0:g}/{record.max_score:g} points ({record.share:.0%})",
                "scores": {
                    "overall": {"score": record.score or 0.0, "max": record.max_score},
                    "competencies": {
                        c.competency: {
                            "name": names[c.competency].name_zh,
                            "score": c.score,
                            "max": c.max_score,
                        }
                        for c in record.competencies
                        if c.competency in names
                    },
                },
            }
        ],
        "credentialStatus": {"type": REVOCATION_TYPE, "id": f"{REVOCATIONS_FILE}#{record.certificate_id}"},
        "certificateId": record.certificate_id,
    }


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def write_certificates(
    records: Iterable[DecisionRecord], folder: Path, scheme: Scheme, key: Ed25519PrivateKey, now: dt.datetime
) -> list[Path]:
    """Sign and write one file per certificate of ``records`` (revoked ones too: verify says so)."""
    paths = []
    for record in records:
        if record.certificate_id and record.issued_on and record.expires_on:
            signed = sign(build_credential(record, scheme, key.public_key()), key, now)
            path = folder / f"{record.certificate_id}.json"
            _write_json(path, signed)
            paths.append(path)
    return paths


def write_revocations(
    revoked: list[str], path: Path, scheme: Scheme, key: Ed25519PrivateKey, now: dt.datetime
) -> Path:
    """Write the signed list of revoked (or withdrawn) certificate ids."""
    document = {
        "@context": [CONTEXTS[0]],
        "type": [REVOCATION_TYPE],
        "issuer": did_key(key.public_key()),
        "name": scheme.scheme.body,
        "updated": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "revoked": revoked,
    }
    _write_json(path, sign(document, key, now))
    return path


@dataclass(frozen=True)
class Verification:
    """The answer of `verify_certificate`."""

    status: str
    """valid, expired, revoked or tampered."""
    certificate_id: str
    """The certificate's id (empty when unreadable)."""
    detail: str
    """One line for a person: who, what, until when, or what is wrong."""

    @property
    def valid(self) -> bool:
        """Whether the certificate is genuine, current and not revoked."""
        return self.status == CertificateStatus.VALID


def trusted_key(public_key: Path | None, portal: Path | None) -> Ed25519PublicKey:
    """The key certificates must be signed with.

    ``public_key`` when given; else this installation's key when it holds one; else the
    portal's published ``public_key.pem``.

    Raises:
        CertificateError: none of them exists.
    """
    from grading.signing import load_or_create_key

    if public_key is not None:
        return load_public_key(public_key)
    own = signing_key_path()
    if own.is_file():
        return load_or_create_key(own).public_key()
    if portal is not None and (portal / PUBLIC_KEY_FILE).is_file():
        return load_public_key(portal / PUBLIC_KEY_FILE)
    raise CertificateError(
        "no trusted public key: pass --public-key PORTAL/public_key.pem (or --revocations PORTAL) "
        "with the portal that published the certificate."
    )


def revoked_ids(source: Path, key: Ed25519PublicKey) -> set[str]:
    """Certificate ids revoked by a signed revocation list (a file, or a portal folder).

    Raises:
        CertificateError: missing, unreadable or not signed by the trusted key.
    """
    path = source / REVOCATIONS_FILE if source.is_dir() else source
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CertificateError(
            f"{path}: cannot read the revocation list ({exc}); use the portal's revocations.json."
        ) from None
    problem = proof_problem(document, key)
    if problem:
        raise CertificateError(
            f"{path}: revocation list is not genuine ({problem}); use the portal's current list."
        )
    return {str(i) for i in document.get("revoked", [])}


def course_revocations(course_dir: Path, certificate_id: str) -> str:
    """Why the course's records no longer back ``certificate_id`` (empty when they do)."""
    from grading.pipeline.course import Course
    from grading.pipeline.records import Decision, open_engine, session

    engine = open_engine(Course.open(course_dir).db_url)
    with session(engine) as s:
        decision = s.query(Decision).filter(Decision.certificate_id == certificate_id).one_or_none()
        why = (
            "withdrawn: the course's records no longer hold it"
            if decision is None
            else ("revoked in the course's records" if decision.revoked else "")
        )
    engine.dispose()
    return why


def verify_certificate(
    path: Path,
    *,
    today: dt.date | None = None,
    public_key: Path | None = None,
    revocations: Path | None = None,
    course_dir: Path | None = None,
) -> Verification:
    """Check a certificate file: tampered, revoked, expired or valid.

    Args:
        path: the certificate JSON.
        today: the day to check validity for (default: today).
        public_key: the trusted public key (PEM); see `trusted_key` for the default.
        revocations: a revocation list or a portal folder; default: the ``portal/`` beside the
            certificate's folder, when there is one.
        course_dir: also consult this course's gradebook for revocations.

    Raises:
        CertificateError: the file does not exist, no trusted key is known, or the revocation
            list is not genuine.
    """
    if not path.is_file():
        raise CertificateError(f"{path}: no such certificate file.")
    if revocations is None:
        sibling = path.resolve().parent.parent / PORTAL_DIR
        revocations = sibling if (sibling / REVOCATIONS_FILE).is_file() else None
    portal = revocations if revocations is not None and revocations.is_dir() else None
    if portal is None and revocations is not None:
        portal = revocations.parent
    key = trusted_key(public_key, portal)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError):
        return Verification(CertificateStatus.TAMPERED, "", f"{path}: not a readable certificate (not JSON)")
    problem = proof_problem(document, key)
    cert_id = str(document.get("certificateId", "")) if isinstance(document, dict) else ""
    if problem:
        return Verification(CertificateStatus.TAMPERED, cert_id, f"{path.name}: {problem}")
    subject = document["credentialSubject"]
    names = {i["identityType"]: i["identityHash"] for i in subject.get("identifier", [])}
    who = f"{names.get('name', '?')} ({names.get('studentId', '?')}), {subject['achievement']['name']}"
    if revocations is not None and cert_id in revoked_ids(revocations, key):
        return Verification(
            CertificateStatus.REVOKED, cert_id, f"{cert_id}: {who}: revoked (listed in {revocations})"
        )
    if course_dir is not None:
        why = course_revocations(course_dir, cert_id)
        if why:
            return Verification(CertificateStatus.REVOKED, cert_id, f"{cert_id}: {who}: {why}")
    until = dt.date.fromisoformat(str(document["validUntil"])[:10])
    day = today or dt.date.today()
    if day > until:
        return Verification(
            CertificateStatus.EXPIRED, cert_id, f"{cert_id}: {who}: expired on {until.isoformat()}"
        )
    return Verification(
        CertificateStatus.VALID, cert_id, f"{cert_id}: {who}: valid until {until.isoformat()}"
    )
