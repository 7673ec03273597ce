"""Verifiable certificates: Open Badges 3.0 credentials with a standard status, and the signed status list.

One JSON file per certificate (``certificates/<certificate id>.json``): an
``OpenBadgeCredential`` whose issuer is the certification body (its id the installation key's
``did:key``), whose subject is the trainee with the achievement = the certified level (with its
image on the public site and a ``resultDescription`` per score), with ``validFrom``/``validUntil``,
the scores as Open Badges ``result`` entries, and a ``BitstringStatusListEntry`` pointing at the
status list on the public site (`grading.reports.status_list`); signed with the installation's
Ed25519 key (`grading.signing`). The certificate holds scores, so it goes to the holder and HR,
never onto the public site.

`grading.reports.verify` checks them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from grading.reports.decisions import DecisionRecord
from grading.reports.errors import ReportError
from grading.reports.render import write_text
from grading.reports.status_list import LIST_VALID_DAYS as LIST_VALID_DAYS
from grading.reports.status_list import status_entry, status_list_credential
from grading.scheme import Level, Scheme
from grading.signing import (
    did_key,
    sign,
)

CONTEXTS: Final = (
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
)
PUBLIC_KEY_FILE: Final = "public_key.pem"
#: Folder of the achievement images on the public site (``badges/<level id>.svg``).
BADGES_DIR: Final = "badges"


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


@dataclass(frozen=True)
class Publication:
    """Where the public site lives and where each certificate sits in its status list."""

    base: str
    """The public site's base URL (absolute, ending in ``/``)."""
    list_url: str
    """The status list's absolute URL."""
    index: dict[str, int]
    """Certificate id -> its index in the status list."""

    def badge_url(self, level: str) -> str:
        """The achievement image of ``level`` on the public site."""
        return f"{self.base}{BADGES_DIR}/{quote(level)}.svg"


def _results(record: DecisionRecord, scheme: Scheme, level: Level) -> tuple[list[Any], list[Any]]:
    """(the achievement's result descriptions, the subject's results): overall and per competency."""
    base = f"urn:cmacademy:result:{scheme.scheme.id}:{level.id}"
    names = {c.id: c for c in scheme.competencies}
    rows = [("overall", "总分 Overall", record.score or 0.0, record.max_score, level.overall_min)]
    rows += [
        (c.competency, f"{names[c.competency].name_zh} {names[c.competency].name_en}", c.score, c.max_score,
         level.competency_min)
        for c in record.competencies
        if c.competency in names
    ]  # fmt: skip
    descriptions = [
        {
            "id": f"{base}:{key}",
            "type": ["ResultDescription"],
            "name": name,
            "resultType": "RawScore",
            "valueMin": "0",
            "valueMax": f"{top:g}",
            "requiredValue": f"{round(top * share, 2):g}",
        }
        for key, name, _, top, share in rows
    ]
    results = [
        {"type": ["Result"], "resultDescription": f"{base}:{key}", "value": f"{got:g}", "status": "Completed"}
        for key, _, got, _, _ in rows
    ]
    return descriptions, results


def build_credential(
    record: DecisionRecord, scheme: Scheme, key: Ed25519PublicKey, publication: Publication
) -> dict[str, Any]:
    """The unsigned credential of a certified decision.

    Raises:
        CertificateError: the decision has no certificate, or no place in the status list.
    """
    if not record.certificate_id or record.issued_on is None or record.expires_on is None:
        raise CertificateError(
            f"{record.exam}/{record.trainee}: no certificate to issue (status {record.status})."
        )
    if record.certificate_id not in publication.index:
        raise CertificateError(
            f"{record.certificate_id}: the audit trail records no issue of it; run `cmacademy audit verify`."
        )
    level = scheme.level(record.level)
    info = scheme.scheme
    descriptions, results = _results(record, scheme, level)
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
                {"type": "IdentityObject", "identityType": "studentId", "hashed": False,
                 "identityHash": record.trainee},
                {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": record.name},
            ],
            "achievement": {
                "id": f"urn:cmacademy:achievement:{info.id}:{level.id}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": level.name_zh,
                "description": f"{level.name_en}. {info.scope_en}",
                "image": {"id": publication.badge_url(level.id), "type": "Image", "caption": level.name_zh},
                "criteria": {
                    "narrative": (
                        f"{info.name_en} {info.version}, exam {level.exam}: overall at least "
                        f"{level.overall_min:.0%} and every competency at least {level.competency_min:.0%}."
                    )
                },
                "resultDescription": descriptions,
            },
            "result": results,
        },
        "evidence": [
            {
                "type": ["Evidence"],
                "name": f"{level.exam}",
                "narrative": f"{record.score or 0:g}/{record.max_score:g} points ({record.share:.0%})",
            }
        ],
        "credentialStatus": status_entry(publication.list_url, publication.index[record.certificate_id]),
        "certificateId": record.certificate_id,
    }  # fmt: skip


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Write a signed document atomically (`grading.reports.render.write_text`)."""
    write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def write_certificates(
    records: Iterable[DecisionRecord],
    folder: Path,
    scheme: Scheme,
    key: Ed25519PrivateKey,
    now: dt.datetime,
    publication: Publication,
) -> list[Path]:
    """Sign and write one file per certificate of ``records`` (revoked ones too: verify says so)."""
    paths = []
    for record in records:
        if record.certificate_id and record.issued_on and record.expires_on:
            signed = sign(build_credential(record, scheme, key.public_key(), publication), key, now)
            path = folder / f"{record.certificate_id}.json"
            _write_json(path, signed)
            paths.append(path)
    return paths


def write_status_list(
    path: Path,
    publication: Publication,
    issued: list[str],
    revoked: list[str],
    scheme: Scheme,
    key: Ed25519PrivateKey,
    now: dt.datetime,
) -> Path:
    """Write the signed status list: a bit per issued certificate, set for ``revoked`` ones.

    The list is current for `LIST_VALID_DAYS`; a verifier treats a list past its
    ``validUntil`` as unknown, so a stale list can never vouch for a certificate revoked since:
    publish a fresh one at least that often.
    """
    issuer = issuer_profile(scheme, key.public_key())
    document = status_list_credential(publication.list_url, issued, revoked, issuer, now)
    _write_json(path, sign(document, key, now))
    return path
