"""``Change Accepted`` from the bus -> each forwarder of the change's pipeline, once (§21);
``Change Failed`` -> the tag ``failed`` on the change's Grafana annotations."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import Field

from shared.domain.models.change_events import ChangeAccepted, ChangeFailed
from shared.domain.timestamps import utc_now
from shared.logic.forward import change_of, forward, tag_failed
from shared.observability import event_parser, logger, metrics, tracer
from shared.settings import default_forwarders

default_forwarders()
"""``DefaultForwarders`` checked at the function's start (§22): an invalid entry is reported once
per container, before any change, and skipped."""


class ChangeAcceptedEvent(EventBridgeModel):
    detail_type: Literal["Change Accepted"] = Field(alias="detail-type")
    detail: ChangeAccepted


class ChangeFailedEvent(EventBridgeModel):
    detail_type: Literal["Change Failed"] = Field(alias="detail-type")
    detail: ChangeFailed


ChangeEvent = Annotated[ChangeAcceptedEvent | ChangeFailedEvent, Field(discriminator="detail_type")]
"""What the forward function takes."""


@logger.inject_lambda_context(correlation_id_path="detail.eventId")
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_parser(model=ChangeEvent)
def lambda_handler(event: ChangeAcceptedEvent | ChangeFailedEvent, context: LambdaContext) -> dict[str, Any]:
    if isinstance(event, ChangeAcceptedEvent):
        sent = forward(change_of(event.detail), context.aws_request_id, utc_now)
    else:
        sent = tag_failed(event.detail.event_id, context.aws_request_id, utc_now)
    return {"eventId": event.detail.event_id, "sent": [{"type": item.type, "status": item.status} for item in sent]}
