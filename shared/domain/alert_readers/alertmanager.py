"""Prometheus Alertmanager (webhook ``version`` "4") and Grafana (contact point ``version`` "1"):
one delivery carries a group of alerts, each firing one is one of ours (§11)."""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import Field

from shared.domain.alert_readers.common import SourceView, alert_from, clean_labels
from shared.domain.errors import InvalidField
from shared.domain.models.alerts import Alert
from shared.domain.normalisers.common import parse_time_field
from shared.domain.payloads import Ignored, PayloadModel, parse_payload


class GroupedAlert(PayloadModel):
    status: str = "firing"
    """Old Alertmanager versions sent no per-alert status: the alert is then as the group is."""
    labels: dict[str, Any] = Field(default_factory=dict)
    annotations: dict[str, Any] = Field(default_factory=dict)
    starts_at: Any = Field(default=None, alias="startsAt")
    fingerprint: str | None = None


class Delivery(PayloadModel):
    status: str = "firing"
    receiver: str | None = None
    common_labels: dict[str, Any] = Field(default_factory=dict, alias="commonLabels")
    alerts: list[GroupedAlert]
    """As many as the body holds: intake refuses more than 1,000 firing alerts with 413 (§22)."""


def fingerprint_of(labels: dict[str, str]) -> str:
    """Alertmanager's fingerprint when a sender left it out: stable for the same label set."""
    canonical = "\n".join(f"{name}={value}" for name, value in sorted(labels.items()))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def read(payload: dict[str, Any], source: SourceView) -> list[Alert] | Ignored:
    delivery = parse_payload(Delivery, payload)
    alerts = []
    for index, grouped in enumerate(delivery.alerts):
        status = grouped.status if "status" in grouped.model_fields_set else delivery.status
        if status != "firing":
            continue
        if grouped.starts_at is None:
            raise InvalidField.of(f"alerts.{index}.startsAt", "Field required")
        started = parse_time_field(grouped.starts_at, f"alerts.{index}.startsAt")
        labels = clean_labels({**delivery.common_labels, **grouped.labels})
        fingerprint = grouped.fingerprint or fingerprint_of(labels)
        summary = grouped.annotations.get("summary") or labels.get("alertname")
        alerts.append(
            alert_from(
                source,
                alert_id=f"{fingerprint}:{int(started.timestamp() * 1000)}",
                report_time=started,
                summary=summary if isinstance(summary, str) else None,
                labels=labels,
                field_prefix=f"alerts.{index}",
            )
        )
    if not alerts:
        return Ignored("the delivery has no firing alert (resolved alerts are not correlated)", "resolved")
    return alerts
