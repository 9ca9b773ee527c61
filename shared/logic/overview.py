"""The live overview's list (§8): newest first, filtered, paged by an opaque cursor.

It reads the table's Listing index, where each event is listed once per owner (its pipeline, the
account, each of its teams), newest first, with Query only: a page costs what it returns, not
what retention allows (correlation reads the day buckets instead, whose window it knows).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.adapters.store import events as event_store
from shared.domain import keys
from shared.domain.cursors import decode_cursor, encode_cursor
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

    def index_key(self) -> dict[str, str]:
        return {"PK": self.pk, "SK": self.sk, "listPK": self.list_pk, "listSK": self.list_sk}


def cursor_after(index_key: dict[str, str]) -> str:
    values = {"pk": index_key["PK"], "sk": index_key["SK"], "lp": index_key["listPK"], "ls": index_key["listSK"]}
    return encode_cursor(json.dumps(values, separators=(",", ":")))


def resume_key(cursor: str) -> dict[str, str]:
    return decode_cursor(cursor, _Cursor.model_validate_json).index_key()


def parse_bound(value: str | None, name: str) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        return parse_timestamp(value)
    except TimestampError as error:
        raise BadRequest(f"{name}: {error}") from None


def _listing_of(team_id: str | None, pipeline_id: str | None) -> tuple[str, list[str]]:
    """The owner's partition to read, and the pipelines to keep of it (none: all of them)."""
    if team_id:
        return keys.team_listing(team_id), [pipeline_id] if pipeline_id else []
    if pipeline_id:
        return keys.pipeline_listing(pipeline_id), []
    return keys.ACCOUNT_LISTING, []


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
    resume = resume_key(cursor) if cursor else None
    start = start or EARLIEST
    end = end or now + FUTURE_TOLERANCE
    partition, filtered = _listing_of(team_id, pipeline_id)
    page = event_store.query_listing(
        partition, start, end, limit=max_results, resume_after=resume, pipeline_ids=filtered
    )
    return EventPage(items=page.events, next_cursor=cursor_after(page.resume_after) if page.resume_after else None)


def get_event(event_id: str) -> DeploymentEvent:
    stored = event_store.get_event(event_id) if is_storable_id(event_id) else None
    if stored is None:
        raise NotFound(f"no deployment event with id {event_id!r}")
    return stored.event
