"""The assessor key: ground truth of every client, stored in `grading/key/`."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Final

import pandas as pd

from casebank.errors import CmAcademyError
from casebank.manifest import sha256_file

DEFAULT_KEY_DIR: Final = Path(__file__).resolve().parent / "key"
TRUTH_FILE: Final = "truth.csv"
KEY_MANIFEST: Final = "key_manifest.json"


class KeyFileError(CmAcademyError):
    """The assessor key is missing, altered or does not belong to the bank."""


@cache
def load_truth(key_dir: Path = DEFAULT_KEY_DIR, bank_version: str | None = None) -> pd.DataFrame:
    """Load the truth table (index: client id), checked against its manifest.

    Args:
        key_dir: directory holding ``truth.csv`` and ``key_manifest.json``.
        bank_version: when given, the key must belong to this bank version.

    Raises:
        KeyFileError: the key is missing, its checksum does not match, or it is for another bank.
    """
    manifest_path, truth_path = key_dir / KEY_MANIFEST, key_dir / TRUTH_FILE
    if not manifest_path.is_file() or not truth_path.is_file():
        raise KeyFileError(
            f"{key_dir}: assessor key missing; regenerate it with `cmacademy casebank generate`."
        )
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if sha256_file(truth_path) != manifest["files"][TRUTH_FILE]["sha256"]:
        raise KeyFileError(f"{truth_path}: checksum mismatch with {KEY_MANIFEST}; the key was altered.")
    if bank_version is not None and manifest["bank_version"] != bank_version:
        raise KeyFileError(
            f"{key_dir}: key is for bank {manifest['bank_version']}, not {bank_version}; use the key "
            "generated together with the bank."
        )
    truth = pd.read_csv(truth_path, dtype=str, keep_default_na=False).set_index("client_id")
    truth["health_score"] = truth["health_score"].astype(int)
    return truth


def split_codes(value: str) -> list[str]:
    """Split a ``;``-separated key field."""
    return [v for v in value.split(";") if v]


def truth_codes(truth: pd.DataFrame, client_id: str, column: str) -> list[str]:
    """The codes of one ``;``-separated key field of one client."""
    return split_codes(str(truth.at[client_id, column]))
