"""The live overview's list (SPEC §8): newest first, filtered, paged by an opaque cursor.

It reads the same day-bucket partitions correlation reads (the account's, or a team's for the
team filter), newest bucket first, with Query only. Buckets are probed in growing parallel
batches (1, 2, 4 ... 16), so a page costs few round trips even when most days are empty.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime, timedelta
from functools import partial

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.adapters.parallel import run_all
from shared.adapters.store import events as event_store
from shared.domain import keys
from shared.domain.errors import BadRequest, NotFound
from shared.domain.ids import is_storable_id
from shared.domain.models.deployments import DeploymentEvent, EventPage
from shared.domain.timestamps import FUTURE_TOLERANCE, TimestampError, parse_timestamp
from shared.settings import store_settings

MAX_PARALLEL_BUCKETS = 16
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class _Cursor(BaseModel):
    """Where the previous page stopped: a bucket and the last sort key returned from it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bucket: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    after: str = Field(min_length=1, max_length=400)


def encode_cursor(bucket: str, after: str) -> str:
    raw = json.dumps({"bucket": bucket, "after": after}, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> _Cursor:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return _Cursor.model_validate_json(raw)
    except (binascii.Error, ValueError, ValidationError):
        raise BadRequest("cursor: is not a cursor this API returned") from None


def parse_bound(value: str | None, name: str) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        return parse_timestamp(value)
    except TimestampError as error:
        raise BadRequest(f"{name}: {error}") from None


def list_events(
    *,
    now: datetime,
    pipeline_id: str | None = None,
    team_id: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    max_results: int = DEFAULT_PAGE_SIZE,
    cursor: str | None = None,
) -> EventPage:
    if start is not None and end is not None and start > end:
        raise BadRequest("from: must not be later than until")
    # Ingest keeps only events within [now - retention, now + tolerance]; nothing lies outside.
    stored_from = now - timedelta(days=store_settings().retention_days)
    stored_until = now + FUTURE_TOLERANCE
    start = max(start or stored_from, stored_from)
    end = min(end or stored_until, stored_until)
    resume = decode_cursor(cursor) if cursor else None
    if team_id is not None and not re.fullmatch(r"[^#]{1,128}", team_id):
        raise BadRequest("team: is not a team id")

    buckets = [bucket for bucket in keys.buckets_between(start, end) if resume is None or bucket <= resume.bucket]
    pipeline_ids = [pipeline_id] if pipeline_id else []

    def partition_of(bucket: str) -> str:
        return keys.team_bucket_pk(team_id, bucket) if team_id else keys.account_bucket_pk(bucket)

    def first_page(bucket: str, limit: int) -> event_store.TimelinePage:
        after = resume.after if resume and bucket == resume.bucket else None
        return event_store.query_timeline(
            partition_of(bucket), start, end, limit=limit, after_sort_key=after, pipeline_ids=pipeline_ids
        )

    items: list[DeploymentEvent] = []
    batch_size = 1
    position = 0
    while position < len(buckets) and len(items) < max_results:
        batch = buckets[position : position + batch_size]
        needed = max_results - len(items)
        pages = run_all([partial(first_page, bucket, needed) for bucket in batch])
        for bucket, first in zip(batch, pages, strict=True):
            items.extend(first.events[: max_results - len(items)])
            after = first.last_sort_key
            while len(items) < max_results and after is not None:
                following = event_store.query_timeline(
                    partition_of(bucket),
                    start,
                    end,
                    limit=max_results - len(items),
                    after_sort_key=after,
                    pipeline_ids=pipeline_ids,
                )
                items.extend(following.events)
                after = following.last_sort_key
            if len(items) >= max_results:
                last = items[-1]
                return EventPage(
                    items=items, next_cursor=encode_cursor(bucket, keys.timeline_sort_key(last.timestamp, last.id))
                )
        position += len(batch)
        batch_size = min(batch_size * 2, MAX_PARALLEL_BUCKETS)
    return EventPage(items=items, next_cursor=None)


def get_event(event_id: str) -> DeploymentEvent:
    stored = event_store.get_event(event_id) if is_storable_id(event_id) else None
    if stored is None:
        raise NotFound(f"no deployment event with id {event_id!r}")
    return stored.event
