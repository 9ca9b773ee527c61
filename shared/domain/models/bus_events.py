"""The events the correlate function reads, one Parser model per shape, told apart by detail-type."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import Field

from shared.domain.alert_readers.cloudwatch import AlarmStateChange
from shared.domain.models.alerts import Alert, Enrichment, EnrichmentReference


class AlertCreatedEvent(EventBridgeModel):
    detail_type: Literal["Alert Created"] = Field(alias="detail-type")
    detail: Alert


class AlarmStateChangeEvent(EventBridgeModel):
    detail_type: Literal["CloudWatch Alarm State Change"] = Field(alias="detail-type")
    detail: AlarmStateChange


AlertEvent = Annotated[AlertCreatedEvent | AlarmStateChangeEvent, Field(discriminator="detail_type")]


class RepublishedEnrichment(Enrichment):
    """``Alert Enriched`` as published again: ``update`` says why (``verdict``, §18); absent
    from the first publication and from a re-correlation."""

    update: str | None = None


class RepublishedEnrichmentReference(EnrichmentReference):
    """The reference form (§22) of ``RepublishedEnrichment``."""

    update: str | None = None
