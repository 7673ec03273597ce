"""The bank's manifest: seed, versions and the checksum of every file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from casebank.errors import BankError
from casebank.schema import MANIFEST_FILE

REQUIRED_FIELDS = ("schema_version", "generator_version", "seed", "as_of", "bank_version", "files")


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 digest of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def bank_version(file_digests: dict[str, str]) -> str:
    """Return a short version id derived from the digests of all files.

    Args:
        file_digests: file name -> SHA-256 digest.

    Returns:
        The first 12 hex digits of the SHA-256 over the sorted ``name:digest`` lines. Any change
        to any file changes the version, so variants drawn from it change too.
    """
    text = "".join(f"{name}:{digest}\n" for name, digest in sorted(file_digests.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def dump_json(data: Any) -> str:
    """Serialise JSON the one way the bank writes it (stable keys, UTF-8, final newline)."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def read_manifest(directory: Path) -> dict[str, Any]:
    """Read and check the shape of ``directory/manifest.json``.

    Raises:
        BankError: the manifest is missing, not JSON, or lacks a required field.
    """
    path = directory / MANIFEST_FILE
    if not path.is_file():
        raise BankError(
            f"{path}: manifest missing; a bank directory needs the manifest.json written by "
            "`cmacademy casebank generate`."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise BankError(f"{path}: not UTF-8 text ({exc.reason}); regenerate the bank.") from exc
    except json.JSONDecodeError as exc:
        raise BankError(
            f"{path}: line {exc.lineno}, column {exc.colno}: malformed JSON ({exc.msg}); "
            "restore the file or regenerate the bank."
        ) from exc
    if not isinstance(data, dict):
        raise BankError(f"{path}: expected a JSON object at the top level.")
    missing = [f for f in REQUIRED_FIELDS if f not in data]
    if missing:
        raise BankError(f"{path}: missing field(s) {', '.join(missing)}; regenerate the bank.")
    files = data["files"]
    if not isinstance(files, dict) or not all(
        isinstance(v, dict) and isinstance(v.get("sha256"), str) and isinstance(v.get("rows"), int)
        for v in files.values()
    ):
        raise BankError(f"{path}: field 'files' must map each file name to {{'sha256': ..., 'rows': ...}}.")
    return data
