"""Verifiable certificates: Open Badges 3.0-shaped credentials, a signed revocation list, `verify`.

One JSON file per certificate (``certificates/<certificate id>.json``): an
``OpenBadgeCredential`` whose issuer is the certification body (its id the installation key's
``did:key``), whose subject is the trainee with the achievement = the certified level, with
``validFrom``/``validUntil`` and the scores as evidence, signed with the installation's Ed25519
key (`grading.signing`).

`grading.reports.verify` checks them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from grading.reports.data import DecisionRecord
from grading.reports.errors import ReportError
from grading.scheme import Scheme
from grading.signing import (
    did_key,
    sign,
)

CONTEXTS: Final = (
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
)
REVOCATION_TYPE: Final = "CmAcademyRevocationList"
PUBLIC_KEY_FILE: Final = "public_key.pem"
REVOCATIONS_FILE: Final = "revocations.json"
PORTAL_DIR: Final = "portal"
#: Days a published revocation list stays current; `cmacademy report` publishes a new one.
LIST_VALID_DAYS: Final = 7


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
    """Write atomically through a temporary file of this run's own (concurrent runs never share one).

    Raises:
        ReportError: the folder cannot be written (nothing partial is left).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ReportError(
            f"{path.parent}: cannot write there ({exc.strerror}); choose a writable --out."
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ReportError(
            f"{path}: cannot write it ({exc.strerror}); free space or choose another --out."
        ) from None


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
    """Write the signed list of revoked (or withdrawn) certificate ids, current for `LIST_VALID_DAYS`.

    A verifier treats a list past its ``validUntil`` as unknown, so a stale list can never
    vouch for a certificate revoked since: publish a fresh one at least that often.
    """
    document = {
        "@context": [CONTEXTS[0]],
        "type": [REVOCATION_TYPE],
        "issuer": did_key(key.public_key()),
        "name": scheme.scheme.body,
        "validFrom": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "validUntil": (now + dt.timedelta(days=LIST_VALID_DAYS)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "revoked": revoked,
    }
    _write_json(path, sign(document, key, now))
    return path
