"""Hand-written change histories for §19's delivery metrics: deployments, pushes and merges of
one service, with the failure and remediation fields detection writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.domain.models.deployments import DeploymentEvent, EventKind
from shared.domain.models.failures import Failure, FailureDetection
from shared.domain.models.pipelines import IntegrationType

START = datetime(2026, 11, 2, tzinfo=UTC)
"""A Monday: the windows of these tests start here."""


def change(
    event_id: str,
    at: datetime,
    kind: EventKind = EventKind.DEPLOYMENT,
    *,
    service: str | None = "shop",
    environment: str | None = "production",
    **fields: Any,
) -> DeploymentEvent:
    return DeploymentEvent(
        id=event_id,
        pipeline_id="pipeline-1",
        pipeline_name="shop",
        integration_type=IntegrationType.API,
        kind=kind,
        summary=event_id,
        timestamp=at,
        received_at=at,
        teams=["payments"],
        service=service,
        environment=environment,
        **fields,
    )


def failed(detected_by: FailureDetection, remediated_by: str | None = None, minutes: float | None = None) -> Failure:
    return Failure(detected_by=detected_by, remediated_by=remediated_by, recovery_minutes=minutes)


def daily_deployments(count: int, *, failed_indexes: frozenset[int] = frozenset()) -> list[DeploymentEvent]:
    """``count`` deployments a day apart from ``START`` noon; those at ``failed_indexes`` failed
    (found by a verdict, so nothing remediated them)."""
    return [
        change(
            f"d{index:02}",
            START + timedelta(days=index, hours=12),
            failure=failed(FailureDetection.VERDICT) if index in failed_indexes else None,
        )
        for index in range(count)
    ]
