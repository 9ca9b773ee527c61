"""The delivery log (§16): "why did my event not show up?" answered per pipeline and alert
source. Writing it never fails a delivery: a log that cannot be written is counted and dropped."""

from __future__ import annotations

from collections.abc import Mapping

from shared.adapters.store import deliveries as delivery_store
from shared.domain.cursors import decode_cursor, encode_cursor
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


def _sort_key(position: str) -> str:
    if not 0 < len(position) <= 64 or "#" not in position:
        raise ValueError("not a delivery's sort key")
    return position


def list_entries(owner: LogOwner, owner_id: str, max_results: int, cursor: str | None) -> DeliveryPage:
    after = decode_cursor(cursor, _sort_key) if cursor else None
    entries, last = delivery_store.query_entries(owner, owner_id, max_results, after)
    return DeliveryPage(items=entries, next_cursor=encode_cursor(last) if last else None)
