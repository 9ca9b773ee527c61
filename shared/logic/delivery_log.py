"""The delivery log (SPEC §16): "why did my event not show up?" answered per pipeline and alert
source. Writing it never fails a delivery: a log that cannot be written is counted and dropped."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

from shared.adapters.store import deliveries as delivery_store
from shared.domain.errors import BadRequest
from shared.domain.models.deliveries import DeliveryEntry, DeliveryPage, LogOwner
from shared.observability import count, logger

MAX_TEXT = 512


def header_of(headers: Mapping[str, str], *names: str) -> str | None:
    """The first of these headers the sender set, bounded: it is shown, never trusted."""
    return next((headers[name][:MAX_TEXT] for name in names if headers.get(name)), None)


def record(owner: LogOwner, owner_id: str, entry: DeliveryEntry) -> None:
    try:
        delivery_store.put_entry(owner, owner_id, entry)
    except Exception:  # noqa: BLE001 - the delivery itself was answered; the log is best effort
        count("DeliveryLogDropped", owner=owner.value)
        logger.warning("a delivery log entry could not be written", extra={"owner": owner.value})


def _encode(sort_key: str) -> str:
    return base64.urlsafe_b64encode(sort_key.encode("utf-8")).decode("ascii").rstrip("=")


def _decode(cursor: str) -> str:
    try:
        sort_key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        raise BadRequest("cursor: is not a cursor this API returned") from None
    if not 0 < len(sort_key) <= 64 or "#" not in sort_key:
        raise BadRequest("cursor: is not a cursor this API returned")
    return sort_key


def list_entries(owner: LogOwner, owner_id: str, max_results: int, cursor: str | None) -> DeliveryPage:
    entries, last = delivery_store.query_entries(owner, owner_id, max_results, _decode(cursor) if cursor else None)
    return DeliveryPage(items=entries, next_cursor=_encode(last) if last else None)
