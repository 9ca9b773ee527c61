"""The events our bus consumers read, one Parser model per shape, told apart by detail-type."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import Field, SerializerFunctionWrapHandler, StringConstraints, model_serializer

from shared.domain.alert_readers.cloudwatch import AlarmStateChange
from shared.domain.models.alerts import Alert, AlertId, EnrichmentOnBus
from shared.domain.models.common import ApiModel, ResourceId
from shared.domain.models.verdicts import MAX_AUTHOR_LENGTH, MAX_EVENT_ID_LENGTH, MAX_NOTE_LENGTH, VerdictKind

VERDICT_GIVEN = "Verdict Given"


class AlertCreatedEvent(EventBridgeModel):
    detail_type: Literal["Alert Created"] = Field(alias="detail-type")
    detail: Alert


class AlarmStateChangeEvent(EventBridgeModel):
    detail_type: Literal["CloudWatch Alarm State Change"] = Field(alias="detail-type")
    detail: AlarmStateChange


AlertEvent = Annotated[AlertCreatedEvent | AlarmStateChangeEvent, Field(discriminator="detail_type")]


class AlertCorrelatedEvent(EventBridgeModel):
    detail_type: Literal["Alert Correlated"] = Field(alias="detail-type")
    detail: EnrichmentOnBus


class VerdictGiven(ApiModel):
    """A responder's verdict handed over through the bus (§18): Slack's buttons answer within
    Slack's 3 seconds and leave the recording to the enrich function. ``alertSourceId`` null
    means the alert that came through no source (§22), never "the latest"."""

    alert_source_id: ResourceId | None = None
    alert_id: AlertId
    event_id: Annotated[str, StringConstraints(min_length=1, max_length=MAX_EVENT_ID_LENGTH)]
    verdict: VerdictKind
    author: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_AUTHOR_LENGTH)]
    note: Annotated[str, StringConstraints(max_length=MAX_NOTE_LENGTH)] | None = None

    @model_serializer(mode="wrap")
    def _omit_missing_values(self, serialize: SerializerFunctionWrapHandler) -> dict[str, object]:
        """Every field, nulls included: the event's contract names ``alertSourceId`` and ``note``
        even when they are null."""
        values: dict[str, object] = serialize(self)
        return values


class VerdictGivenEvent(EventBridgeModel):
    detail_type: Literal["Verdict Given"] = Field(alias="detail-type")
    detail: VerdictGiven


EnrichEvent = Annotated[AlertCorrelatedEvent | VerdictGivenEvent, Field(discriminator="detail_type")]
"""What the enrich function takes: a correlation to store, or a verdict to apply to one."""
