"""``Alert Correlated`` from the bus -> the enrichment stored and published (§6); ``Verdict Given``
(Slack's buttons, §18) -> the verdict recorded as the API records one. One Parser model per shape."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.domain.models.alerts import AlertAddress
from shared.domain.models.bus_events import AlertCorrelatedEvent, EnrichEvent, VerdictGivenEvent
from shared.domain.models.verdicts import VerdictRequest
from shared.domain.timestamps import utc_now
from shared.logic.enrichment import keep_and_publish
from shared.logic.verdicts import record_given
from shared.observability import BUS_CORRELATION_ID_PATH, event_parser, logger, metrics, tracer


@logger.inject_lambda_context(correlation_id_path=BUS_CORRELATION_ID_PATH)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_parser(model=EnrichEvent)
def lambda_handler(event: AlertCorrelatedEvent | VerdictGivenEvent, context: LambdaContext) -> dict[str, Any]:
    if isinstance(event, VerdictGivenEvent):
        given = event.detail
        request = VerdictRequest(verdict=given.verdict, author=given.author, note=given.note)
        recorded = record_given(AlertAddress(given.alert_source_id, given.alert_id), given.event_id, request, utc_now())
        return {"alertId": given.alert_id, "recorded": recorded}
    detail = event.detail
    stored = keep_and_publish(detail)
    logger.info(
        "enrichment stored" if stored else "a later enrichment is already stored",
        extra={"alert_id": detail.alert_id},
    )
    return {"alertId": detail.alert_id, "stored": stored}
