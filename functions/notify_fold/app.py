"""A minute of folded notifications from the delay queue -> one message to its target (§18)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser.models import SqsModel, SqsRecordModel
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import AwareDatetime, BaseModel, Field, Json

from shared.logic.fold_flush import flush
from shared.observability import event_parser, logger, metrics, tracer


class FoldDue(BaseModel):
    """What the notify function put on the queue: whose minute is over."""

    target_id: str = Field(alias="targetId", min_length=1, max_length=64)
    minute: AwareDatetime


class FoldRecord(SqsRecordModel):
    body: Json[FoldDue]


class FoldMessages(SqsModel):
    Records: list[FoldRecord]


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_parser(model=FoldMessages)
def lambda_handler(event: FoldMessages, context: LambdaContext) -> dict[str, Any]:
    sent = []
    for record in event.Records:
        outcome = flush(record.body.target_id, record.body.minute, context.aws_request_id)
        sent.append({"minute": record.body.minute.isoformat(), "status": outcome.status if outcome else None})
    return {"sent": sent}
