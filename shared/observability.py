"""Logger, Metrics and Tracer, created once and imported by every handler and logic module.

Tracer never records responses or raised values as trace metadata: responses of create-pipeline
and rotate-key carry whole integration keys (§7). Handlers and logic pass
``capture_response=False`` themselves, and the template sets
``POWERTOOLS_TRACER_CAPTURE_RESPONSE=false`` for every function as a second line.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric

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
