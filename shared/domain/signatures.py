"""Shared secrets checked and made in one way: HMAC-SHA256 over the raw bytes, compared in
constant time. A signature is computed over the body exactly as sent, never a re-serialised one."""

from __future__ import annotations

import hashlib
import hmac


def hmac_sha256_hex(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def same_secret(expected: str, presented: str) -> bool:
    """Constant-time equality; a presented value that is not even UTF-8 (a header may carry any
    byte) simply does not match."""
    return hmac.compare_digest(expected.encode("utf-8"), presented.encode("utf-8", "surrogatepass"))
