"""HCP Terraform and Terraform Enterprise run notifications (§20): an applied run is a change of
kind ``infra`` to its workspace; a run that errored is one that failed.

A run notification carries one entry in ``notifications`` per trigger. Other triggers (a run
created, planning, waiting for approval), the configuration's ``verification`` and workspace
notifications (health assessments, auto-destroy) change nothing: 200, ignored.
"""

from __future__ import annotations

from typing import Any

from shared.domain.models.deployments import EventKind
from shared.domain.models.pipelines import PipelineRecord
from shared.domain.normalisers.common import (
    Delivery,
    NormalisedEvent,
    custom_details_of,
    link,
    parse_time_field,
    summary_of,
)
from shared.domain.payloads import Ignored, PayloadModel, parse_payload

APPLIED = "run:completed"
ERRORED = "run:errored"


class Notification(PayloadModel):
    message: str | None = None
    trigger: str | None = None
    run_status: str | None = None
    run_updated_at: Any = None
    run_updated_by: str | None = None


class RunNotification(PayloadModel):
    run_url: str | None = None
    run_id: str | None = None
    run_message: str | None = None
    run_created_by: str | None = None
    workspace_id: str | None = None
    workspace_name: str | None = None
    organization_name: str | None = None
    trigger: str | None = None
    """Where a workspace notification (payload version 2) names its trigger."""
    notifications: list[Notification] | None = None


def normalise(delivery: Delivery, pipeline: PipelineRecord) -> NormalisedEvent | Ignored:
    body = parse_payload(RunNotification, delivery.payload)
    notifications = body.notifications or []
    applied_or_errored = next((item for item in notifications if _is_change(item)), None)
    if applied_or_errored is None or not body.run_id or not body.workspace_name:
        return _not_a_change(body, notifications)
    return _run(body, body.run_id, body.workspace_name, applied_or_errored, delivery)


def _not_a_change(body: RunNotification, notifications: list[Notification]) -> Ignored:
    triggers = [notification.trigger for notification in notifications] or [body.trigger]
    named = ", ".join(repr(trigger) for trigger in triggers if trigger) or "no trigger"
    return Ignored(f"Terraform notification ({named}) is not an applied or errored run", "unsupported_event")


def _is_change(notification: Notification) -> bool:
    """A run that applied, or one that errored; a completed run that only planned changed nothing."""
    if notification.trigger == ERRORED:
        return True
    return notification.trigger == APPLIED and notification.run_status == "applied"


def _run(
    body: RunNotification, run_id: str, workspace: str, notification: Notification, delivery: Delivery
) -> NormalisedEvent:
    failed = notification.trigger == ERRORED
    timestamp = (
        parse_time_field(notification.run_updated_at, "notifications.run_updated_at")
        if notification.run_updated_at is not None
        else delivery.received_at
    )
    where = f" in {body.organization_name}" if body.organization_name else ""
    if failed:
        status = f" ({notification.run_status})" if notification.run_status else ""
        headline = f"Terraform run of {workspace}{where} errored{status}"
    else:
        headline = f"Terraform applied {workspace}{where}"
    user = notification.run_updated_by or body.run_created_by
    return NormalisedEvent(
        kind=EventKind.INFRA,
        summary=summary_of(headline + (f": {body.run_message}" if body.run_message else "")),
        timestamp=timestamp,
        natural_key=f"terraform:{run_id}:{notification.trigger}:{notification.run_status}",
        service=workspace,
        status="failure" if failed else "success",
        user_name=user,
        links=link(body.run_url, "Run in HCP Terraform"),
        custom_details=custom_details_of(
            {"source": "terraform", "trigger": notification.trigger, "runId": run_id},
            runStatus=notification.run_status,
            message=notification.message,
            runMessage=body.run_message,
            organization=body.organization_name,
            workspaceId=body.workspace_id,
        ),
    )
