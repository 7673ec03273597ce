"""The installation's Ed25519 signing key and Data Integrity proofs (``eddsa-jcs-2022``).

The private key is created once per installation, outside the repository
(``~/.config/cm-academy/signing/ed25519.pem``, or ``CMACADEMY_SIGNING_KEY``, or an explicit
path) with owner-only permissions; a key path inside the source tree or inside a published
output folder is refused. The public key is published with the portal.

Proofs follow W3C's ``eddsa-jcs-2022`` cryptosuite: the document without ``proof`` and the
proof options (every proof field except ``proofValue``, plus the document's ``@context``) are
each canonicalised with JCS (RFC 8785), hashed with SHA-256, and the concatenated hashes
signed; ``proofValue`` is the signature in multibase base58-btc. Any change to any field,
including the proof's own fields, breaks the signature.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
from pathlib import Path
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from casebank.errors import CmAcademyError

ENV_SIGNING_KEY: Final = "CMACADEMY_SIGNING_KEY"
KEY_FILE: Final = Path("cm-academy") / "signing" / "ed25519.pem"
SOURCE_ROOT: Final = Path(__file__).resolve().parents[1]
CRYPTOSUITE: Final = "eddsa-jcs-2022"
PROOF_TYPE: Final = "DataIntegrityProof"
_MULTICODEC_ED25519_PUB: Final = b"\xed\x01"
_B58: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class SigningKeyError(CmAcademyError):
    """The signing key cannot be created, read, or is in a place it must not be."""


def default_key_path() -> Path:
    """``$XDG_CONFIG_HOME/cm-academy/signing/ed25519.pem`` (``~/.config`` when unset)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / KEY_FILE


def signing_key_path(path: Path | str | None = None) -> Path:
    """The key to use: ``path``, else ``CMACADEMY_SIGNING_KEY``, else `default_key_path`."""
    chosen = path or os.environ.get(ENV_SIGNING_KEY) or default_key_path()
    return Path(chosen).expanduser().resolve()


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_key_location(path: Path, published: Path | None = None) -> None:
    """Refuse a key inside the source tree or a folder that gets published.

    Raises:
        SigningKeyError: naming the path and where to put the key instead.
    """
    where = None
    if (SOURCE_ROOT / "pyproject.toml").is_file() and _inside(path, SOURCE_ROOT):
        where = f"inside the cm-academy source tree {SOURCE_ROOT}, where it could be committed"
    elif published is not None and _inside(path, published.resolve()):
        where = f"inside the output folder {published}, which is published"
    if where:
        raise SigningKeyError(
            f"{path}: the signing key must not be {where}; keep it outside, e.g. the default "
            f"{default_key_path()}, or set {ENV_SIGNING_KEY}."
        )


def load_or_create_key(path: Path, published: Path | None = None) -> Ed25519PrivateKey:
    """Read the installation's private key, creating it (mode 0600) on first use.

    Raises:
        SigningKeyError: a refused location, or an unreadable or foreign key file.
    """
    check_key_location(path, published)
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
            os.replace(tmp, path)
        except OSError as exc:
            raise SigningKeyError(
                f"{path}: cannot create the signing key ({exc}); choose a writable place with "
                f"--signing-key or {ENV_SIGNING_KEY}."
            ) from None
        return key
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise SigningKeyError(
            f"{path}: cannot read the signing key ({exc}); restore it from your backup."
        ) from None
    if not isinstance(loaded, Ed25519PrivateKey):
        raise SigningKeyError(
            f"{path}: not an Ed25519 private key; point {ENV_SIGNING_KEY} at the right file."
        )
    return loaded


def public_pem(key: Ed25519PublicKey) -> str:
    """The public key as PEM (SubjectPublicKeyInfo)."""
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_public_key(path: Path) -> Ed25519PublicKey:
    """Read a published public key (PEM).

    Raises:
        SigningKeyError: missing or not an Ed25519 public key.
    """
    try:
        loaded = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise SigningKeyError(
            f"{path}: cannot read the public key ({exc}); use the portal's public_key.pem."
        ) from None
    if not isinstance(loaded, Ed25519PublicKey):
        raise SigningKeyError(f"{path}: not an Ed25519 public key; use the portal's public_key.pem.")
    return loaded


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def b58encode(data: bytes) -> str:
    """Base58 (Bitcoin alphabet)."""
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text: str) -> bytes:
    """Inverse of `b58encode`.

    Raises:
        ValueError: a character outside the alphabet.
    """
    number = 0
    for char in text:
        number = number * 58 + _B58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def did_key(key: Ed25519PublicKey) -> str:
    """The key as a ``did:key`` identifier (``did:key:z6Mk...``)."""
    return "did:key:z" + b58encode(_MULTICODEC_ED25519_PUB + _raw(key))


def public_key_from_did(did: str) -> Ed25519PublicKey:
    """The Ed25519 key a ``did:key`` names.

    Raises:
        ValueError: not an Ed25519 ``did:key``.
    """
    if not did.startswith("did:key:z"):
        raise ValueError(f"{did!r} is not a did:key")
    raw = b58decode(did.removeprefix("did:key:z"))
    if not raw.startswith(_MULTICODEC_ED25519_PUB) or len(raw) != 34:
        raise ValueError(f"{did!r} does not name an Ed25519 key")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def verification_method(key: Ed25519PublicKey) -> str:
    """The proof's ``verificationMethod`` for ``key``."""
    did = did_key(key)
    return f"{did}#{did.removeprefix('did:key:')}"


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, first 16 bytes in groups (for people comparing keys)."""
    digest = hashlib.sha256(_raw(key)).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def _jcs_number(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(f"JCS has no representation for {value}")
    if value == int(value) and abs(value) < 2**53:
        return str(int(value))
    if not 1e-6 <= abs(value) < 1e21:
        raise ValueError(f"number {value!r} outside the range certificates use")
    return repr(value)


def canonical(value: Any) -> str:
    """JCS (RFC 8785) serialisation of the JSON values certificates hold.

    Raises:
        ValueError: a value JSON cannot hold, or a float outside 1e-6..1e21.
    """
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _jcs_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, dict):
        # JCS orders keys by their UTF-16 code units.
        keys = sorted(value, key=lambda k: str(k).encode("utf-16-be"))
        return (
            "{"
            + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{canonical(value[k])}" for k in keys)
            + "}"
        )
    raise ValueError(f"not a JSON value: {value!r}")


def _hash_data(document: dict[str, Any], options: dict[str, Any]) -> bytes:
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {**options, "@context": document.get("@context")}
    return (
        hashlib.sha256(canonical(config).encode()).digest()
        + hashlib.sha256(canonical(unsecured).encode()).digest()
    )


def sign(document: dict[str, Any], key: Ed25519PrivateKey, created: dt.datetime) -> dict[str, Any]:
    """``document`` with an ``eddsa-jcs-2022`` Data Integrity proof."""
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method(key.public_key()),
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(document, options))
    return {**document, "proof": {**options, "proofValue": "z" + b58encode(signature)}}


def proof_problem(document: Any, key: Ed25519PublicKey) -> str:
    """Why ``document``'s proof does not hold for ``key`` (empty when it holds)."""
    if not isinstance(document, dict) or not isinstance(document.get("proof"), dict):
        return "no proof"
    proof = document["proof"]
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return f"not an {CRYPTOSUITE} proof"
    if proof.get("verificationMethod") != verification_method(key):
        return "signed by a different key than the trusted one (another issuer's? pass its --public-key)"
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return "malformed proofValue"
    try:
        signature = b58decode(value[1:])
        data = _hash_data(document, {k: v for k, v in proof.items() if k != "proofValue"})
        key.verify(signature, data)
    except (ValueError, InvalidSignature):
        return "the signature does not match the content"
    return ""
