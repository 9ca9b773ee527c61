"""Logger, Metrics and Tracer, created once and imported by every handler and logic module.

Tracer never records responses or raised values as trace metadata: responses of create-pipeline
and rotate-key carry whole integration keys (§7). Handlers and logic pass
``capture_response=False`` themselves, and the template sets
``POWERTOOLS_TRACER_CAPTURE_RESPONSE=false`` for every function as a second line.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

logger = Logger()
metrics = Metrics()
tracer = Tracer(patch_modules=["botocore"])
"""X-Ray patches botocore only: the other libraries Tracer would patch are never used here."""

BUS_CORRELATION_ID_PATH = "detail.alertId || detail.id"
"""The alert an EventBridge event is about, for the logs of the bus consumers."""


def count(name: str, **dimensions: str) -> None:
    """One metric with its own dimensions, flushed at once, so concurrent requests cannot mix them."""
    with single_metric(name=name, unit=MetricUnit.Count, value=1, default_dimensions=dimensions):
        pass


Result = TypeVar("Result")
MAX_FIELD_NAME = 64


class UnreadableEvent(Exception):
    """An event a function cannot read, told by its fields and kinds of error. pydantic's own text
    quotes the values, and this text reaches the Lambda error log, the trace and the dead-letter
    message (§22)."""

    @classmethod
    def of(cls, error: ValidationError) -> UnreadableEvent:
        problems = [
            f"{'.'.join(str(part)[:MAX_FIELD_NAME] for part in problem['loc']) or 'event'}: {problem['type']}"
            for problem in error.errors(include_input=False, include_url=False, include_context=False)
        ]
        return cls(f"{type(error).__name__} for {error.title}: {'; '.join(problems)}")


def event_parser(
    model: Any, envelope: Any = None
) -> Callable[[Callable[[Any, LambdaContext], Result]], Callable[[dict[str, Any], LambdaContext], Result]]:
    """Powertools' ``event_parser``, an unreadable event raised as ``UnreadableEvent``: Powertools'
    own would log pydantic's error, values and all, before any handler could catch it."""
    # Imported here: only the bus consumers parse events, and the parser's models cost a cold start.
    from aws_lambda_powertools.utilities.parser import parse  # noqa: PLC0415

    def decorate(
        handler: Callable[[Any, LambdaContext], Result],
    ) -> Callable[[dict[str, Any], LambdaContext], Result]:
        @functools.wraps(handler)
        def parsed(event: dict[str, Any], context: LambdaContext) -> Result:
            try:
                read = parse(event=event, model=model, envelope=envelope)
            except ValidationError as error:
                raise UnreadableEvent.of(error) from None
            return handler(read, context)

        return parsed

    return decorate
