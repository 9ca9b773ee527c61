"""``Alert Enriched`` from the bus -> each notification target of the alert, once (§13)."""

from __future__ import annotations

from typing import Any, Literal

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import Field

from shared.domain.models.alerts import EnrichmentOnBus
from shared.logic.enrichment import enrichment_of
from shared.logic.notify import notify
from shared.observability import BUS_CORRELATION_ID_PATH, event_parser, logger, metrics, tracer
from shared.settings import default_notification_targets

default_notification_targets()
"""``DefaultNotifications`` checked at the function's start (§22): an invalid entry is reported once
per container, before any alert, and skipped."""


class AlertEnrichedEvent(EventBridgeModel):
    """The enrichment as the enrich function published it (or a reference to the stored one, §22):
    the one event shape this function reads."""

    detail_type: Literal["Alert Enriched"] = Field(alias="detail-type")
    detail: EnrichmentOnBus


@logger.inject_lambda_context(correlation_id_path=BUS_CORRELATION_ID_PATH)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_parser(model=AlertEnrichedEvent)
def lambda_handler(event: AlertEnrichedEvent, context: LambdaContext) -> dict[str, Any]:
    enrichment = enrichment_of(event.detail)
    sent = notify(enrichment, event.id, context.aws_request_id, update=event.detail.update)
    return {"alertId": enrichment.alert_id, "sent": [{"type": item.type, "status": item.status} for item in sent]}
