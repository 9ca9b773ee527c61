"""Identifiers: time-ordered ids for new records, deterministic ids for natural keys."""

from __future__ import annotations

import hashlib
import os
import secrets
import time
import uuid

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_EVENT_NAMESPACE = uuid.UUID("8a6d3f0e-5b7c-4c1e-9a57-2f4d0c9b1e36")


def new_sortable_id() -> str:
    """A ULID: 48 bits of milliseconds then 80 random bits, so ids sort by creation time."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def event_id_for(pipeline_id: str, natural_key: str | None) -> str:
    """Redeliveries of one change map to one id, which the conditional write then dedupes.

    A UUID version 5, computed as ``uuid.uuid5`` does but over bytes that any string can be
    encoded to, since a header such as Idempotency-Key may carry what UTF-8 cannot.
    """
    if natural_key is None:
        return str(uuid.uuid4())
    name = f"{pipeline_id}\n{natural_key}".encode("utf-8", "surrogatepass")
    digest = hashlib.sha1(_EVENT_NAMESPACE.bytes + name, usedforsecurity=False).digest()
    return str(uuid.UUID(bytes=digest[:16], version=5))


MAX_ID_LENGTH = 128


def is_storable_id(value: str) -> bool:
    """Ids from URLs go into DynamoDB keys: anything longer, or with the separator, cannot exist."""
    return 0 < len(value) <= MAX_ID_LENGTH and "#" not in value


DIGEST_LENGTH = 16


def bounded_id(value: str, limit: int = MAX_ID_LENGTH, forbidden: str = "#") -> str:
    """``value`` where it fits ``limit`` and holds none of ``forbidden``; else a readable stand-in
    for it: its beginning (``forbidden`` as ``_``), ``~`` and a digest of the whole, so the same
    name always gives the same id and two names never share one (§22)."""
    cleaned = value.strip()
    if cleaned and len(cleaned) <= limit and not any(character in cleaned for character in forbidden):
        return cleaned
    digest = hashlib.sha256(cleaned.encode("utf-8", "surrogatepass")).hexdigest()[:DIGEST_LENGTH]
    beginning = "".join("_" if character in forbidden else character for character in cleaned)
    beginning = beginning[: limit - DIGEST_LENGTH - 1].rstrip()
    return f"{beginning}~{digest}" if beginning else digest


def new_integration_key(prefix: str) -> str:
    """192 random bits behind a prefix that secret scanners and people can recognise."""
    return prefix + secrets.token_urlsafe(24)


def integration_key_hash(integration_key: str) -> str:
    """What the table keeps of an integration key: a leaked dump reveals no key (§2)."""
    return hashlib.sha256(integration_key.encode("utf-8", "surrogatepass")).hexdigest()
