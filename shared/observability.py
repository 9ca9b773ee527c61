"""Observability shared by the handlers: correlation ids and per-request metrics."""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit, single_metric

CORRELATION_ID_PATH = "requestContext.requestId || detail.alertId || detail.id"
"""The request for HTTP calls; the alert for the bus events of correlate and enrich."""


def count(name: str, **dimensions: str) -> None:
    """One metric with its own dimensions, flushed at once, so concurrent requests cannot mix them."""
    with single_metric(name=name, unit=MetricUnit.Count, value=1, default_dimensions=dimensions):
        pass
