"""A tamper-evident audit trail: entries chained by hash, the chain's head signed.

Every entry of ``cma_audit`` carries its sequence number, the hash of the entry before it and
its own hash: SHA-256 over a canonical JSON of its fields and the previous hash. The head of
the chain (last sequence number and hash) lives in ``cma_audit_head``, signed with the
installation's Ed25519 key (`grading.signing`). So:

- editing an entry changes its hash (detected);
- deleting an entry leaves a gap in the sequence and a broken link (detected);
- inserting, reordering or removing entries at the end needs a new signed head, which needs
  the private key (detected without it);
- every ``cma_decision`` row names the hash of the entry that made it, and that entry holds
  the decision's full state, so editing a decision directly is detected too.

Appends are serialised: an append first updates the head row, which takes the database's
write lock (SQLite) or the row's lock (PostgreSQL) until the transaction ends.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import pwd
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import select, update

from casebank.errors import CmAcademyError
from grading.signing import fingerprint, load_or_create_key, signing_key_path

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
    from sqlalchemy.orm import Session

    from grading.pipeline.records import AuditEntry, AuditHead, Decision

GENESIS: Final = "0" * 64
HEAD_ID: Final = 1
#: What the head's signature covers: a fixed label, the sequence number and the hash.
HEAD_LABEL: Final = "cm-academy audit head"


class AuditError(CmAcademyError):
    """The audit trail does not back the records: an entry or decision was edited, deleted or added."""


def actor() -> str:
    """Who makes a change: the operating-system user, with the JupyterHub user where one is logged in.

    The name comes from the process's real uid (not from a variable anyone can set); on a hub
    the hub's user is added, as the hub sets it for the single-user server.
    """
    try:
        name = pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        name = f"uid {os.getuid()}"
    hub_user = os.environ.get("JUPYTERHUB_USER", "").strip()
    return f"{hub_user} (as {name})" if hub_user and hub_user != name else name


@functools.cache
def _key_at(path: Path) -> Ed25519PrivateKey:
    return load_or_create_key(path)


def _key() -> Ed25519PrivateKey:
    """This installation's signing key (read once per process and location)."""
    return _key_at(signing_key_path())


def installation_public_key() -> Ed25519PublicKey:
    """The public key the head is signed for (this installation's)."""
    return _key().public_key()


def entry_hash(
    seq: int,
    prev: str,
    at: dt.datetime,
    who: str,
    action: str,
    exam: str,
    trainee: str,
    details: str,
    reason: str,
) -> str:
    """SHA-256 of one entry's fields and the hash before it."""
    body = json.dumps(
        [seq, prev, at.isoformat(timespec="microseconds"), who, action, exam, trainee, details, reason],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _head_message(seq: int, digest: str) -> bytes:
    return f"{HEAD_LABEL}\n{seq}\n{digest}".encode()


def sign_head(head: AuditHead, seq: int, digest: str) -> None:
    """Point the head at entry ``seq`` with hash ``digest`` and sign it."""
    key = _key()
    head.seq, head.hash = seq, digest
    head.signature = key.sign(_head_message(seq, digest)).hex()
    head.key_fingerprint = fingerprint(key.public_key())


def ensure_head(s: Session) -> None:
    """Create the chain's signed genesis head when the database has none."""
    from grading.pipeline.records import AuditHead

    if s.get(AuditHead, HEAD_ID) is None:
        head = AuditHead(id=HEAD_ID, seq=0, hash=GENESIS, signature="", key_fingerprint="")
        sign_head(head, 0, GENESIS)
        s.add(head)
        s.flush()


def append(
    s: Session, action: str, exam: str, trainee: str, details: dict[str, Any], reason: str = ""
) -> AuditEntry:
    """Append one entry to the chain (in the caller's transaction) and re-sign the head."""
    from grading.pipeline.records import AuditEntry, AuditHead, now

    ensure_head(s)
    # Take the lock first: the head row is written before it is read.
    s.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(seq=AuditHead.seq))
    head = s.execute(select(AuditHead).where(AuditHead.id == HEAD_ID)).scalar_one()
    s.refresh(head)
    seq, prev, at, who = head.seq + 1, head.hash, now(), actor()
    text = json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)
    digest = entry_hash(seq, prev, at, who, action, exam, trainee, text, reason)
    entry = AuditEntry(
        seq=seq,
        prev_hash=prev,
        hash=digest,
        at=at,
        actor=who,
        action=action,
        exam=exam,
        trainee=trainee,
        details=text,
        reason=reason,
    )
    s.add(entry)
    sign_head(head, seq, digest)
    return entry


def decision_state(decision: Decision) -> dict[str, Any]:
    """Everything a decision row asserts, as the audit entry that made it records it."""

    def day(value: dt.datetime | None) -> str | None:
        return value.date().isoformat() if value is not None else None

    return {
        "status": decision.status,
        "level": decision.level,
        "score": decision.score,
        "max_score": decision.max_score,
        "competencies": decision.competencies,
        "certificate_id": decision.certificate_id,
        "issued_on": day(decision.issued_on),
        "expires_on": day(decision.expires_on),
        "revoked": bool(decision.revoked),
        "revoked_on": day(decision.revoked_at),
        "revoked_reason": decision.revoked_reason,
    }


def record_decision(
    s: Session, decision: Decision, action: str, details: dict[str, Any], reason: str = ""
) -> AuditEntry:
    """Audit a decision's new state and tie the decision row to that entry."""
    entry = append(
        s, action, decision.exam, decision.trainee, details | {"decision": decision_state(decision)}, reason
    )
    decision.audit_hash = entry.hash
    return entry


@dataclass(frozen=True)
class Finding:
    """One thing the trail does not back."""

    where: str
    """The entry (``entry 12 (id 12, certify t001)``), the head, or the decision."""
    problem: str
    """What is wrong, in words."""

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


def _label(entry: AuditEntry) -> str:
    who = f"{entry.action} {entry.exam}/{entry.trainee}".rstrip("/ ")
    return f"entry {entry.seq} (id {entry.id}, {who}, {entry.at:%Y-%m-%d %H:%M:%S})"


def check_chain(entries: list[AuditEntry]) -> tuple[list[Finding], int, str]:
    """Walk the chain; returns the findings and the last sequence number and hash reached."""
    findings: list[Finding] = []
    seq, prev = 0, GENESIS
    unchained = [e for e in entries if e.seq is None or e.hash is None]
    if unchained:
        findings.append(
            Finding(
                f"entries with id {', '.join(str(e.id) for e in unchained[:5])}"
                + (" ..." if len(unchained) > 5 else ""),
                "not part of the chain (written without it: inserted directly into cma_audit, or by a "
                "cm-academy older than the chained trail)",
            )
        )
    chained = sorted(
        ((e.seq, e.hash, e) for e in entries if e.seq is not None and e.hash is not None), key=lambda c: c[0]
    )
    for number, recorded, entry in chained:
        if number > seq + 1:
            gap = f"{seq + 1}" if number == seq + 2 else f"{seq + 1}-{number - 1}"
            findings.append(Finding(f"entry {gap}", "missing (deleted)"))
        elif entry.prev_hash != prev:
            findings.append(
                Finding(_label(entry), "does not follow the entry before it (inserted or replaced)")
            )
        digest = entry_hash(
            number, entry.prev_hash or "", entry.at, entry.actor, entry.action, entry.exam, entry.trainee,
            entry.details, entry.reason or "",
        )  # fmt: skip
        if digest != recorded:
            findings.append(
                Finding(_label(entry), "edited after it was written (its hash no longer matches)")
            )
        seq, prev = number, recorded
    return findings, seq, prev


def check_head(head: AuditHead | None, seq: int, digest: str, key: Ed25519PublicKey) -> list[Finding]:
    """Whether the signed head names the last entry of the chain."""
    from cryptography.exceptions import InvalidSignature

    if head is None:
        return [Finding("the signed head", "missing (cma_audit_head was emptied)")] if seq else []
    try:
        key.verify(bytes.fromhex(head.signature), _head_message(head.seq, head.hash))
    except (InvalidSignature, ValueError):
        return [
            Finding(
                "the signed head",
                f"its signature does not verify with the trusted key ({fingerprint(key)}): the head was "
                "rewritten without the installation's private key",
            )
        ]
    if (head.seq, head.hash) != (seq, digest):
        return [
            Finding(
                "the signed head",
                f"names entry {head.seq}, but the trail ends at entry {seq}: entries at the end were "
                "deleted or added",
            )
        ]
    return []


def check_decisions(decisions: list[Decision], entries: list[AuditEntry]) -> list[Finding]:
    """Whether every decision row is the state its latest audit entry recorded, and none is missing."""
    latest: dict[tuple[str, str], tuple[AuditEntry, dict[str, Any]]] = {}
    for entry in sorted((e for e in entries if e.seq is not None), key=lambda e: e.seq or 0):
        try:
            state = json.loads(entry.details).get("decision")
        except (ValueError, AttributeError):
            continue
        if isinstance(state, dict):
            latest[(entry.exam, entry.trainee)] = (entry, state)
    findings = []
    rows = {(d.exam, d.trainee): d for d in decisions}
    for key, decision in sorted(rows.items()):
        where = f"decision {key[0]}/{key[1]}"
        if key not in latest:
            findings.append(Finding(where, "no audit entry made it (written outside cm-academy)"))
            continue
        entry, state = latest[key]
        if decision.audit_hash != entry.hash:
            findings.append(
                Finding(
                    where, f"is not the state recorded last, by {_label(entry)} (rolled back or rewritten)"
                )
            )
        elif state != decision_state(decision):
            findings.append(
                Finding(where, f"differs from what {_label(entry)} recorded (edited outside cm-academy)")
            )
    for key, (entry, _) in sorted(latest.items()):
        if key not in rows:
            findings.append(
                Finding(f"decision {key[0]}/{key[1]}", f"missing, though {_label(entry)} made it (deleted)")
            )
    return findings


def verify_trail(s: Session, key: Ed25519PublicKey | None = None) -> list[Finding]:
    """Every finding against the audit trail and the decisions of this database (empty: intact)."""
    from grading.pipeline.records import AuditEntry, AuditHead, Decision

    entries = list(s.execute(select(AuditEntry)).scalars())
    findings, seq, digest = check_chain(entries)
    findings += check_head(s.get(AuditHead, HEAD_ID), seq, digest, key or installation_public_key())
    findings += check_decisions(list(s.execute(select(Decision)).scalars()), entries)
    return findings
