"""The live overview's list (SPEC §8): newest first, filtered, paged by an opaque cursor.

It reads the table's Listing index, where each event is listed once per owner (its pipeline, the
account, each of its teams), newest first, with Query only: a page costs what it returns, not
what retention allows (correlation reads the day buckets instead, whose window it knows).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.adapters.store import events as event_store
from shared.domain import keys
from shared.domain.errors import BadRequest, NotFound
from shared.domain.ids import is_storable_id
from shared.domain.models.deployments import DeploymentEvent, EventPage
from shared.domain.timestamps import FUTURE_TOLERANCE, TimestampError, parse_timestamp

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class _Cursor(BaseModel):
    """Where the previous page stopped: the index key of the last event it returned."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pk: str = Field(min_length=1, max_length=400)
    sk: str = Field(min_length=1, max_length=400)
    list_pk: str = Field(min_length=1, max_length=400, alias="lp")
    list_sk: str = Field(min_length=1, max_length=400, alias="ls")

    def index_key(self) -> dict[str, dict[str, str]]:
        return {
            "PK": {"S": self.pk},
            "SK": {"S": self.sk},
            "listPK": {"S": self.list_pk},
            "listSK": {"S": self.list_sk},
        }


def encode_cursor(index_key: dict[str, dict[str, str]]) -> str:
    values = {"pk": index_key["PK"]["S"], "sk": index_key["SK"]["S"]}
    values.update(lp=index_key["listPK"]["S"], ls=index_key["listSK"]["S"])
    raw = json.dumps(values, separators=(",", ":")).encode("utf-8")
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
    """One owner's partition of the Listing index (a pipeline's, a team's or the account's),
    newest first: a page costs one Query, more only when DynamoDB's 1 MB page or the other
    filter cuts it short, whatever the retention and however sparse the events."""
    if start is not None and end is not None and start > end:
        raise BadRequest("from: must not be later than until")
    if team_id is not None and not re.fullmatch(r"[^#]{1,128}", team_id):
        raise BadRequest("team: is not a team id")
    resume = decode_cursor(cursor).index_key() if cursor else None
    start = start or EARLIEST
    end = end or now + FUTURE_TOLERANCE
    if team_id:
        partition, filtered = keys.team_listing(team_id), [pipeline_id] if pipeline_id else []
    elif pipeline_id:
        partition, filtered = keys.pipeline_listing(pipeline_id), []
    else:
        partition, filtered = keys.ACCOUNT_LISTING, []
    items: list[DeploymentEvent] = []
    while len(items) < max_results:
        page = event_store.query_listing(
            partition, start, end, limit=max_results - len(items), resume_after=resume, pipeline_ids=filtered
        )
        items.extend(page.events)
        resume = page.resume_after
        if resume is None:
            return EventPage(items=items, next_cursor=None)
    return EventPage(items=items, next_cursor=encode_cursor(resume) if resume else None)


def get_event(event_id: str) -> DeploymentEvent:
    stored = event_store.get_event(event_id) if is_storable_id(event_id) else None
    if stored is None:
        raise NotFound(f"no deployment event with id {event_id!r}")
    return stored.event
