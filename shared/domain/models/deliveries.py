"""The delivery log (§16): what became of each delivery to a pipeline or an alert source,
like GitHub's *Recent deliveries*; never a secret, a signature or the body itself."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from shared.domain.models.common import ApiModel, UtcTime

DELIVERY_LOG_DAYS = 7


class LogOwner(StrEnum):
    PIPELINE = "PIPELINE"
    ALERT_SOURCE = "ALERT_SOURCE"


class DeliveryEntry(ApiModel):
    received_at: UtcTime
    status: int
    """The HTTP status the sender got."""
    outcome: Literal["accepted", "duplicate", "ignored", "rejected"]
    reason: str | None = None
    event_type: str | None = None
    delivery_id: str | None = None
    event_id: str | None = None
    """The stored event's id (pipelines), or the alerts' ids, comma-separated (alert sources)."""
    bytes: int


class DeliveryPage(BaseModel):
    """Newest first; ``nextCursor`` is null, not absent, on the last page."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, defer_build=True)

    items: list[DeliveryEntry]
    next_cursor: str | None
