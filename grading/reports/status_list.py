"""The W3C Bitstring Status List of the issued certificates: one bit per certificate, 1 = revoked.

Every certificate carries a ``BitstringStatusListEntry`` (W3C Bitstring Status List v1.0,
which Open Badges 3.0 accepts for ``credentialStatus``) naming its index and the absolute URL
of the list on the public verification site, ``<publish URL>status/revocation.json``. The list
is a ``BitstringStatusListCredential``: the bitstring GZIP-compressed, base64url without
padding, multibase prefix ``u``; index 0 is the left-most bit; at least 131,072 bits (16 KB)
so that one bit tells little. The list is dated (``validFrom``/``validUntil``: a verifier treats
a stale list as unknown) and signed like a certificate.

A certificate's index is its position in the order certificates were first issued, read from
the append-only audit trail, so it never changes between runs.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import zlib
from collections.abc import Iterable
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

from grading.reports.errors import ReportError

LIST_TYPE: Final = "BitstringStatusListCredential"
SUBJECT_TYPE: Final = "BitstringStatusList"
ENTRY_TYPE: Final = "BitstringStatusListEntry"
PURPOSE: Final = "revocation"
#: Folder and file of the list on the public site.
STATUS_DIR: Final = "status"
STATUS_FILE: Final = "revocation.json"
#: The specification's minimum length of a list (16 KB), for herd privacy.
MIN_BITS: Final = 131_072
#: Largest bitstring a verifier decompresses (bytes): a bound against compression bombs.
MAX_BITSTRING_BYTES: Final = 16 * 1024 * 1024
#: Days a published list stays current; `cmacademy report` publishes a new one.
LIST_VALID_DAYS: Final = 7
#: The public site's address used when none is configured: a reserved name that never resolves.
PLACEHOLDER_PUBLISH_URL: Final = "https://certificates.example.invalid/"
_STAMP: Final = "%Y-%m-%dT%H:%M:%SZ"


class PublishUrlError(ReportError):
    """The public site's base URL is not an absolute http(s) URL."""


def publish_base(url: str) -> str:
    """``url`` as the base of the public site: absolute http(s), ending in ``/``.

    Raises:
        PublishUrlError: not an absolute http(s) URL, or one with a query or fragment.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise PublishUrlError(
            f"--publish-url {url!r}: give the absolute http(s) address where the public site will be "
            f"served, e.g. https://certificates.bank.example/ (placeholder: {PLACEHOLDER_PUBLISH_URL})."
        )
    return url.strip() if url.strip().endswith("/") else url.strip() + "/"


def status_list_url(base: str) -> str:
    """The list's absolute URL under the public site's ``base``."""
    return urljoin(publish_base(base), f"{STATUS_DIR}/{STATUS_FILE}")


def is_placeholder(url: str) -> bool:
    """Whether ``url`` names a reserved host that never resolves (``.invalid``, RFC 2606)."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    return host == "invalid" or host.endswith(".invalid")


def list_length(count: int) -> int:
    """Bits of a list holding ``count`` certificates: `MIN_BITS`, or more in whole bytes."""
    return max(MIN_BITS, (count + 7) // 8 * 8)


def encode_bits(indices: Iterable[int], length: int) -> str:
    """The ``encodedList`` of a bitstring of ``length`` bits with ``indices`` set."""
    data = bytearray(length // 8)
    for index in indices:
        data[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(data), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def bit_at(encoded: str, index: int) -> bool:
    """Whether bit ``index`` of an ``encodedList`` is set.

    Raises:
        ValueError: not a multibase base64url GZIP bitstring, too large, or ``index`` outside it.
    """
    if not encoded.startswith("u"):
        raise ValueError("encodedList is not multibase base64url (prefix 'u')")
    packed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    inflater = zlib.decompressobj(wbits=31)
    try:
        data = inflater.decompress(packed, MAX_BITSTRING_BYTES + 1)
    except zlib.error as exc:
        raise ValueError(f"encodedList is not GZIP data ({exc})") from None
    if len(data) > MAX_BITSTRING_BYTES:
        raise ValueError(f"encodedList is larger than {MAX_BITSTRING_BYTES} bytes")
    if not 0 <= index < len(data) * 8:
        raise ValueError(f"index {index} is outside the list of {len(data) * 8} bits")
    return bool(data[index // 8] & (0x80 >> (index % 8)))


def status_entry(list_url: str, index: int) -> dict[str, Any]:
    """A certificate's ``credentialStatus``: its index in the list at ``list_url``."""
    return {
        "id": f"{list_url}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    list_url: str,
    issued: list[str],
    revoked: Iterable[str],
    issuer: dict[str, Any],
    now: dt.datetime,
) -> dict[str, Any]:
    """The unsigned list: a bit per certificate of ``issued`` (in that order), set when revoked.

    Raises:
        ReportError: a revoked certificate that was never issued (the audit trail would know it).
    """
    position = {cert: index for index, cert in enumerate(issued)}
    unknown = sorted(set(revoked) - set(position))
    if unknown:
        raise ReportError(
            f"the audit trail records no issue of {', '.join(unknown)}; run `cmacademy audit verify`."
        )
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_TYPE],
        "issuer": issuer,
        "validFrom": now.strftime(_STAMP),
        "validUntil": (now + dt.timedelta(days=LIST_VALID_DAYS)).strftime(_STAMP),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": SUBJECT_TYPE,
            "statusPurpose": PURPOSE,
            "encodedList": encode_bits((position[c] for c in revoked), list_length(len(issued))),
        },
    }
