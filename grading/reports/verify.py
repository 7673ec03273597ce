"""`cmacademy verify`: is this certificate genuine, current and not revoked, and how do we know?

The answer trusts only keys configured for this installation (its own signing key) or given
explicitly with ``--trust KEYFILE``; a key found next to the certificate is never trusted.
Revocation is checked against the W3C Bitstring Status List the certificate names by absolute
URL (`grading.reports.status_list`): read from a local copy given with ``--status-list`` (the
list, or a copy of the public site), else from the ``public/`` folder beside the certificate's
folder, else fetched from its URL. The list must be signed by the certificate's issuer, be the
list the certificate names, and be fresh (it states when it was issued and until when it is
current). With ``--course`` the course's own records decide instead. When none of these can be
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
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from grading.reports.certificates import CertificateError
from grading.reports.layout import PUBLIC_DIR
from grading.reports.status_list import (
    ENTRY_TYPE,
    LIST_TYPE,
    PURPOSE,
    STATUS_DIR,
    STATUS_FILE,
    bit_at,
    is_placeholder,
)
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
#: Seconds to wait for the published status list.
FETCH_TIMEOUT: Final = 10
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


def _entry(document: dict[str, Any]) -> tuple[str, int] | None:
    """(status list URL, index) of the certificate's revocation entry, or None when it has none."""
    entries = document.get("credentialStatus")
    for entry in entries if isinstance(entries, list) else [entries]:
        if (
            isinstance(entry, dict)
            and entry.get("type") == ENTRY_TYPE
            and entry.get("statusPurpose") == PURPOSE
        ):
            try:
                return str(entry["statusListCredential"]), int(str(entry["statusListIndex"]))
            except (KeyError, ValueError):
                return None
    return None


def _local_copy(folder: Path, url: str) -> Path | None:
    """The file in a local copy of the public site that stands for ``url`` (longest path first)."""
    parts = [p for p in urlsplit(url).path.split("/") if p]
    for start in range(len(parts)):
        candidate = folder.joinpath(*parts[start:])
        if candidate.is_file():
            return candidate
    return None


def _fetch(url: str) -> tuple[Any, str]:
    """The document at ``url`` over http(s): (document, where) or (None, why not)."""
    if urlsplit(url).scheme not in ("http", "https"):
        return None, f"{url} is not an http(s) address"
    if is_placeholder(url):
        return None, f"{url} is a placeholder address (.invalid) that never resolves"
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
            body = response.read(MAX_DOCUMENT_BYTES + 1)
    except (OSError, ValueError) as exc:
        return None, f"cannot reach {url} ({getattr(exc, 'reason', None) or exc})"
    if len(body) > MAX_DOCUMENT_BYTES:
        return None, f"{url}: larger than any status list ({MAX_DOCUMENT_BYTES} bytes at most)"
    try:
        return json.loads(body.decode("utf-8")), url
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, f"{url}: not a readable status list"


def _status_document(url: str, source: Path | None) -> tuple[Any, str]:
    """The status list from ``source`` (a file, or a copy of the public site) or from ``url``."""
    if source is None:
        return _fetch(url)
    path = source if source.is_file() else _local_copy(source, url) if source.is_dir() else None
    if path is None:
        return None, f"{source} holds no copy of {url}"
    document, problem = read_document(path, "status list")
    return (document, str(path)) if document is not None else (None, problem)


def _list_problem(document: Any, url: str, signer: Ed25519PublicKey, now: dt.datetime) -> str:
    """Why ``document`` is not the issuer's current status list at ``url`` ('' when it is)."""
    if not isinstance(document, dict) or LIST_TYPE not in document.get("type", []):
        return f"it is not a {LIST_TYPE}"
    if proof_problem(document, signer):
        return f"it is not signed by the certificate's issuer ({proof_problem(document, signer)})"
    if document.get("id") != url:
        return f"it is the list {document.get('id')!r}, not {url}"
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("statusPurpose") != PURPOSE:
        return f"it is not a {PURPOSE} list"
    try:
        issued = dt.datetime.fromisoformat(str(document["validFrom"]).replace("Z", "+00:00"))
        until = dt.datetime.fromisoformat(str(document["validUntil"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return "it does not say when it was issued and until when it is current"
    if not issued <= now <= until:
        return (
            f"the list was current from {issued:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M} UTC; get the "
            "issuer's current list (`cmacademy report` publishes one) or check with --course"
        )
    return ""


def revocation_status(
    document: dict[str, Any], source: Path | None, signer: Ed25519PublicKey, now: dt.datetime
) -> tuple[bool | None, str]:
    """Whether the certificate's status list revokes it: (True/False, how) or (None, why not).

    Args:
        document: the certificate (its proof already checked with ``signer``).
        source: a local copy of the list, or of the public site holding it (None: fetch the URL).
        signer: the trusted key that signed the certificate; the list must be signed by it too.
        now: the moment the list must be current at.
    """
    entry = _entry(document)
    if entry is None:
        return None, "unchecked: the certificate names no revocation status list"
    url, index = entry
    listing, where = _status_document(url, source)
    if listing is None:
        return None, (
            f"unchecked: {where}; give a copy of the status list or of the public site with --status-list, "
            "or check with --course"
        )
    problem = _list_problem(listing, url, signer, now)
    if problem:
        kind = "not signed by a trusted key" if problem.startswith("it is not signed") else "not usable"
        return None, f"unchecked: the status list from {where} is {kind}: {problem}"
    try:
        revoked = bit_at(str(listing["credentialSubject"]["encodedList"]), index)
    except (KeyError, ValueError) as exc:
        return None, f"unchecked: the status list from {where} is not usable: {exc}"
    issued = str(listing["validFrom"]).replace("T", " ").removesuffix("Z")[:16]
    until = str(listing["validUntil"]).replace("T", " ").removesuffix("Z")[:16]
    return revoked, (
        f"checked against the signed list issued {issued} UTC, current until {until} UTC "
        f"({url}, index {index}, read from {where})"
    )


def _default_list(path: Path) -> Path | None:
    """The public site beside the certificate's folder, as `cmacademy report` leaves them."""
    sibling = path.resolve().parent.parent / PUBLIC_DIR
    return sibling if (sibling / STATUS_DIR / STATUS_FILE).is_file() else None


def verify_certificate(
    path: Path,
    *,
    today: dt.date | None = None,
    trust: list[Path] | None = None,
    status_list: Path | None = None,
    course_dir: Path | None = None,
    now: dt.datetime | None = None,
) -> Verification:
    """Check a certificate file: tampered, untrusted, revoked, expired, unchecked or valid.

    Args:
        path: the certificate JSON.
        today: the day to check the validity period for (default: today).
        trust: public keys (PEM) to trust besides this installation's own.
        status_list: a copy of the status list, or of the public site holding it; default: the
            ``public/`` beside the certificate's folder when it holds the list, else the list's URL.
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
        _revocation(document, status_list or _default_list(path), key, course_dir, now),
    )  # fmt: skip


def _revocation(
    document: dict[str, Any],
    source: Path | None,
    signer: Ed25519PublicKey,
    course_dir: Path | None,
    now: dt.datetime | None,
) -> tuple[bool | None, str]:
    """Revocation from the course's records when given, else from the signed status list."""
    if course_dir is not None:
        from grading.reports.course_check import course_revocation

        return course_revocation(course_dir, str(document.get("certificateId", "")))
    return revocation_status(document, source, signer, now or dt.datetime.now(dt.UTC))


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
