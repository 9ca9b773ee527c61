"""What every notification of one alert is made from, and the HTTP request it becomes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.domain.correlation import CLOCK_SKEW
from shared.domain.models.alerts import Enrichment, RelatedDeployment
from shared.domain.redaction import TargetType, redacted_target


@dataclass(frozen=True)
class OutboundRequest:
    """One HTTP request to make. Its URL and headers may carry secrets: never log them."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes = field(repr=False)

    def __repr__(self) -> str:  # the URL's path and the headers may hold secrets
        return f"OutboundRequest({self.method} {redacted_target(TargetType.WEBHOOK, self.url)})"


@dataclass(frozen=True)
class GroupView:
    """What a group's message says of its alerts: how many, and the first summaries."""

    key: str
    alerts: int
    summaries: tuple[str, ...]

    def to_json_dict(self) -> dict[str, Any]:
        return {"key": self.key, "alerts": self.alerts, "summaries": list(self.summaries)}


@dataclass(frozen=True)
class NotificationContext:
    """What every notification of one alert is made from."""

    alert_id: str
    alert_summary: str | None
    report_time: datetime
    enrichment: Enrichment
    page_url: str
    """The alert's page, ``<base>/?alert=<id>``, built by the caller."""
    alert_key: str | None = None
    """ilert's key of the alert: a comment can only be added to an ilert alert with it."""
    incident_id: str | None = None
    """PagerDuty's incident id: a note can only be added to a PagerDuty incident with it."""
    group: GroupView | None = None
    """Set for the message of an alert group (§18): the enrichment then holds the group's changes."""

    @classmethod
    def of(
        cls, enrichment: Enrichment, page_url: str, incident_id: str | None = None, group: GroupView | None = None
    ) -> NotificationContext:
        """The context of an enrichment as stored; one stored before enrichments carried their alert
        gets the end of its window, less the clock skew, as the alert's time."""
        alert = enrichment.alert
        return cls(
            alert_id=enrichment.alert_id,
            alert_summary=alert.summary if alert else None,
            report_time=alert.report_time if alert else enrichment.window.until - CLOCK_SKEW,
            enrichment=enrichment,
            page_url=page_url,
            alert_key=alert.alert_key if alert else None,
            incident_id=incident_id,
            group=group,
        )

    @property
    def deployments(self) -> list[RelatedDeployment]:
        return self.enrichment.deployments


def json_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode("utf-8")


def json_post(url: str, payload: dict[str, Any], **headers: str) -> OutboundRequest:
    """A POST of ``payload`` as compact JSON, with any further headers the target needs."""
    return OutboundRequest("POST", url, {**headers, "Content-Type": "application/json"}, json_body(payload))
