"""`cmacademy verify`: is this certificate genuine, current and not revoked, and how do we know?

The answer trusts only keys configured for this installation (its own signing key) or given
explicitly with ``--trust KEYFILE``; a key found next to the certificate is never trusted.
Revocation is checked against a signed revocation list that is fresh (it states when it was
issued and until when it is current), or against the course's own records; when neither can be
consulted the answer says that revocation is unchecked.

Exit codes of ``cmacademy verify`` (`Verification.exit_code`):

====  ==============================================================================
0     valid: signed by a trusted key, in date, and revocation was checked
1     not valid: tampered, revoked, expired, or signed by a key that is not trusted
2     usage error (a missing or bad option)
3     genuine and in date, but revocation could not be checked (no fresh signed list)
4     cannot verify at all: no trusted key is configured here
====  ==============================================================================
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from grading.reports.certificates import PORTAL_DIR, REVOCATIONS_FILE, CertificateError
from grading.signing import (
    did_key,
    fingerprint,
    load_or_create_key,
    load_public_key,
    proof_problem,
    public_key_from_did,
    signing_key_path,
)
from grading.status import CertificateStatus

#: Largest certificate or revocation list read (bytes); real ones are a few kilobytes.
MAX_DOCUMENT_BYTES: Final = 1_000_000
EXIT_VALID: Final = 0
EXIT_NOT_VALID: Final = 1
EXIT_UNCHECKED: Final = 3
EXIT_NO_TRUST: Final = 4
UNCHECKED: Final = "unchecked"
UNTRUSTED: Final = "untrusted"


@dataclass(frozen=True)
class Verification:
    """The answer of `verify_certificate`."""

    status: str
    """valid, expired, revoked, tampered, untrusted, or unchecked (genuine, revocation unknown)."""
    certificate_id: str
    """The certificate's id (empty when unreadable)."""
    detail: str
    """One line for a person: who, what, until when, or what is wrong."""
    revocation: str = ""
    """How revocation was checked, or why it could not be."""

    @property
    def valid(self) -> bool:
        """Whether the certificate is genuine, current, and checked not revoked."""
        return self.status == CertificateStatus.VALID

    @property
    def exit_code(self) -> int:
        """The command's exit code for this answer (see the module's table)."""
        if self.status == CertificateStatus.VALID:
            return EXIT_VALID
        return EXIT_UNCHECKED if self.status == UNCHECKED else EXIT_NOT_VALID

    def lines(self) -> list[str]:
        """What ``cmacademy verify`` prints."""
        return [
            f"{self.status}: {self.detail}",
            *([f"revocation: {self.revocation}"] if self.revocation else []),
        ]


class NoTrustedKey(CertificateError):
    """No key is trusted here: neither this installation's nor one given with --trust."""


def trusted_keys(trust: list[Path]) -> list[Ed25519PublicKey]:
    """This installation's public key (when it has one) and every key given with ``--trust``.

    Raises:
        NoTrustedKey: none at all.
        SigningKeyError: a given key file is unreadable.
    """
    keys = [load_public_key(path) for path in trust]
    own = signing_key_path()
    if own.is_file():
        keys.append(load_or_create_key(own).public_key())
    if not keys:
        raise NoTrustedKey(
            f"no trusted key: this machine holds no cm-academy signing key ({own}) and none was given; "
            "pass --trust ISSUER_KEY.pem with the issuer's public key obtained from the issuer itself "
            "(compare its fingerprint), never one that came with the certificate."
        )
    return keys


def read_document(path: Path, what: str) -> tuple[Any, str]:
    """A JSON document of at most `MAX_DOCUMENT_BYTES`; (document, '') or (None, why not)."""
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            return None, f"{path.name}: {size} bytes, larger than any {what} ({MAX_DOCUMENT_BYTES} at most)"
        return json.loads(path.read_text(encoding="utf-8")), ""
    except RecursionError:
        return None, f"{path.name}: not a readable {what} (nested too deeply)"
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, f"{path.name}: not a readable {what} ({type(exc).__name__})"


def _signed_by(document: Any, keys: list[Ed25519PublicKey]) -> tuple[Ed25519PublicKey | None, str]:
    """The trusted key the document's proof verifies with, or None and the first problem."""
    first = ""
    for key in keys:
        problem = proof_problem(document, key)
        if not problem:
            return key, ""
        first = first or problem
    return None, first


def _untrusted_signer(document: Any) -> str:
    """The fingerprint of a self-consistent proof's own key ('' when the proof is broken)."""
    try:
        method = str(document["proof"]["verificationMethod"]).split("#")[0]
        key = public_key_from_did(method)
    except (KeyError, TypeError, ValueError):
        return ""
    return "" if proof_problem(document, key) else fingerprint(key)


def revocation_status(
    cert_id: str, source: Path | None, keys: list[Ed25519PublicKey], now: dt.datetime
) -> tuple[bool | None, str]:
    """Whether a fresh, trusted revocation list revokes ``cert_id``: (True/False, how) or (None, why not)."""
    if source is None:
        return (
            None,
            "unchecked: no revocation list was found beside the certificate or given with --revocations",
        )
    path = source / REVOCATIONS_FILE if source.is_dir() else source
    if not path.is_file():
        return None, f"unchecked: {path} does not exist"
    document, problem = read_document(path, "revocation list")
    if document is None or not isinstance(document, dict):
        return None, f"unchecked: {problem or path.name + ' is not a revocation list'}"
    key, problem = _signed_by(document, keys)
    if key is None:
        return None, f"unchecked: {path} is not signed by a trusted key ({problem})"
    try:
        issued = dt.datetime.fromisoformat(str(document["validFrom"]).replace("Z", "+00:00"))
        until = dt.datetime.fromisoformat(str(document["validUntil"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None, f"unchecked: {path} does not say when it was issued and until when it is current"
    if not issued <= now <= until:
        return None, (
            f"unchecked: the list {path} was current from {issued:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M} UTC; "
            "get the issuer's current list (`cmacademy report` publishes one) or check with --course"
        )
    revoked = cert_id in {str(i) for i in document.get("revoked", [])}
    return (
        revoked,
        f"checked against the signed list issued {issued:%Y-%m-%d %H:%M} UTC, current until {until:%Y-%m-%d %H:%M} UTC",
    )


def _default_list(path: Path) -> Path | None:
    sibling = path.resolve().parent.parent / PORTAL_DIR
    return sibling if (sibling / REVOCATIONS_FILE).is_file() else None


def verify_certificate(
    path: Path,
    *,
    today: dt.date | None = None,
    trust: list[Path] | None = None,
    revocations: Path | None = None,
    course_dir: Path | None = None,
    now: dt.datetime | None = None,
) -> Verification:
    """Check a certificate file: tampered, untrusted, revoked, expired, unchecked or valid.

    Args:
        path: the certificate JSON.
        today: the day to check the validity period for (default: today).
        trust: public keys (PEM) to trust besides this installation's own.
        revocations: a revocation list, or the portal folder holding it; default: the
            ``portal/`` beside the certificate's folder, when there is one.
        course_dir: also consult this course's records (authoritative for revocation; its audit
            trail must back them).
        now: the moment revocation lists must be current at (default: now).

    Raises:
        CertificateError: the file does not exist.
        NoTrustedKey: no key is trusted here.
    """
    if not path.is_file():
        raise CertificateError(f"{path}: no such certificate file.")
    keys = trusted_keys(list(trust or []))
    document, problem = read_document(path, "certificate")
    if not isinstance(document, dict):
        return Verification(CertificateStatus.TAMPERED, "", problem or f"{path.name}: not a certificate")
    cert_id = str(document.get("certificateId", ""))
    key, problem = _signed_by(document, keys)
    if key is None:
        signer = _untrusted_signer(document)
        if signer:
            return Verification(
                UNTRUSTED,
                cert_id,
                f"{path.name}: signed by a key this installation does not trust ({signer}); pass --trust "
                "with the issuer's public key if you obtained it from the issuer",
            )
        return Verification(CertificateStatus.TAMPERED, cert_id, f"{path.name}: {problem}")
    try:
        subject = document["credentialSubject"]
        names = {i["identityType"]: i["identityHash"] for i in subject.get("identifier", [])}
        who = f"{names.get('name', '?')} ({names.get('studentId', '?')}), {subject['achievement']['name']}"
        until = dt.date.fromisoformat(str(document["validUntil"])[:10])
    except (KeyError, TypeError, ValueError):
        return Verification(CertificateStatus.TAMPERED, cert_id, f"{path.name}: not a cm-academy certificate")
    signed = f"signed by {did_key(key)[:24]}… ({fingerprint(key)})"
    return _decide(
        cert_id, who, until, signed, today or dt.date.today(),
        _revocation(cert_id, revocations or _default_list(path), keys, course_dir, now),
    )  # fmt: skip


def _revocation(
    cert_id: str,
    source: Path | None,
    keys: list[Ed25519PublicKey],
    course_dir: Path | None,
    now: dt.datetime | None,
) -> tuple[bool | None, str]:
    """Revocation from the course's records when given, else from a fresh signed list."""
    if course_dir is not None:
        from grading.reports.course_check import course_revocation

        return course_revocation(course_dir, cert_id)
    return revocation_status(cert_id, source, keys, now or dt.datetime.now(dt.UTC))


def _decide(
    cert_id: str, who: str, until: dt.date, signed: str, day: dt.date, revocation: tuple[bool | None, str]
) -> Verification:
    revoked, how = revocation
    if revoked:
        return Verification(CertificateStatus.REVOKED, cert_id, f"{cert_id}: {who}: revoked", how)
    if revoked is None and how.startswith("tampered"):
        return Verification(CertificateStatus.TAMPERED, cert_id, f"{cert_id}: {who}: {how}")
    if day > until:
        return Verification(CertificateStatus.EXPIRED, cert_id, f"{cert_id}: {who}: expired on {until}", how)
    if revoked is None:
        return Verification(
            UNCHECKED, cert_id, f"{cert_id}: {who}: genuine, valid until {until}, {signed}", how
        )
    return Verification(
        CertificateStatus.VALID, cert_id, f"{cert_id}: {who}: valid until {until}, {signed}", how
    )
