"""The bus events our functions read, one Parser model per shape, told apart by detail-type."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import Field

from shared.domain.alert_readers.cloudwatch import AlarmStateChange
from shared.domain.models.alerts import Alert, Enrichment


class AlertCreatedEvent(EventBridgeModel):
    detail_type: Literal["Alert Created"] = Field(alias="detail-type")
    detail: Alert


class AlarmStateChangeEvent(EventBridgeModel):
    detail_type: Literal["CloudWatch Alarm State Change"] = Field(alias="detail-type")
    detail: AlarmStateChange


AlertEvent = Annotated[AlertCreatedEvent | AlarmStateChangeEvent, Field(discriminator="detail_type")]


class AlertEnrichedEvent(EventBridgeModel):
    """What the notify function reads: the enrichment the enrich function stored and published."""

    detail_type: Literal["Alert Enriched"] = Field(alias="detail-type")
    detail: Enrichment
