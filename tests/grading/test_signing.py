"""The signing key stays outside the repository; proofs follow eddsa-jcs-2022."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest

from grading.signing import (
    SOURCE_ROOT,
    SigningKeyError,
    b58decode,
    b58encode,
    canonical,
    did_key,
    load_or_create_key,
    proof_problem,
    sign,
    signing_key_path,
)

NOW = dt.datetime(2026, 11, 26, 9, 0, 0)


def test_jcs_sorts_keys_and_writes_numbers_like_javascript() -> None:
    assert (
        canonical({"b": 1.0, "a": [True, None, "中"], "c": 0.25}) == '{"a":[true,null,"中"],"b":1,"c":0.25}'
    )


def test_jcs_refuses_what_json_cannot_hold() -> None:
    with pytest.raises(ValueError):
        canonical({"x": float("nan")})


def test_base58_round_trip_keeps_leading_zeros() -> None:
    data = b"\0\0\x01\xff\x10"
    assert b58decode(b58encode(data)) == data
    assert b58encode(b"\0") == "1"


def test_key_is_created_once_with_owner_only_permissions(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "ed25519.pem"
    first = load_or_create_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert did_key(load_or_create_key(path).public_key()) == did_key(first.public_key())
    assert did_key(first.public_key()).startswith("did:key:z6Mk")


def test_key_path_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CMACADEMY_SIGNING_KEY", str(tmp_path / "k.pem"))
    assert signing_key_path() == tmp_path / "k.pem"
    assert signing_key_path(tmp_path / "explicit.pem") == tmp_path / "explicit.pem"


def test_key_inside_the_repository_is_refused() -> None:
    with pytest.raises(SigningKeyError, match="source tree"):
        load_or_create_key(SOURCE_ROOT / "build" / "ed25519.pem")
    assert not (SOURCE_ROOT / "build" / "ed25519.pem").exists()


def test_key_inside_the_published_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyError, match="published"):
        load_or_create_key(tmp_path / "out" / "k.pem", published=tmp_path / "out")


def test_a_foreign_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    path.write_text("not a key")
    with pytest.raises(SigningKeyError, match="cannot read the signing key"):
        load_or_create_key(path)


def test_proof_holds_and_breaks_on_any_change(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path / "k.pem")
    signed = sign({"@context": ["x"], "name": "证书", "n": 3}, key, NOW)
    assert proof_problem(signed, key.public_key()) == ""
    assert proof_problem({**signed, "n": 4}, key.public_key()) == "the signature does not match the content"
    changed_proof = {**signed, "proof": {**signed["proof"], "created": "2030-01-01T00:00:00Z"}}
    assert proof_problem(changed_proof, key.public_key()) != ""
    other = load_or_create_key(tmp_path / "other.pem")
    assert proof_problem(signed, other.public_key()).startswith("signed by a different key")
