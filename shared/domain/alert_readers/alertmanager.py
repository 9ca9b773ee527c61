"""Prometheus Alertmanager (webhook ``version`` "4") and Grafana (contact point ``version`` "1"):
one delivery carries a group of alerts, each firing one is one of ours (§11)."""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import Field

from shared.domain.alert_readers.common import AlertGroup, SourceView, alert_from, clean_labels
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
    group_key: str | None = Field(default=None, alias="groupKey")
    """The group the delivery is about: its alerts are notified as one message (§18)."""
    alerts: list[GroupedAlert]
    """As many as the body holds: intake refuses more than 1,000 firing alerts with 413 (§22)."""


def fingerprint_of(labels: dict[str, str]) -> str:
    """Alertmanager's fingerprint when a sender left it out: stable for the same label set."""
    canonical = "\n".join(f"{name}={value}" for name, value in sorted(labels.items()))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _firing(delivery: Delivery) -> list[tuple[int, GroupedAlert]]:
    firing = []
    for index, grouped in enumerate(delivery.alerts):
        status = grouped.status if "status" in grouped.model_fields_set else delivery.status
        if status == "firing":
            firing.append((index, grouped))
    return firing


def read(payload: dict[str, Any], source: SourceView) -> list[Alert] | Ignored:
    delivery = parse_payload(Delivery, payload)
    read_alerts = []
    for index, grouped in _firing(delivery):
        if grouped.starts_at is None:
            raise InvalidField.of(f"alerts.{index}.startsAt", "Field required")
        started = parse_time_field(grouped.starts_at, f"alerts.{index}.startsAt")
        labels = clean_labels({**delivery.common_labels, **grouped.labels})
        fingerprint = grouped.fingerprint or fingerprint_of(labels)
        summary = grouped.annotations.get("summary") or labels.get("alertname")
        alert_id = f"{fingerprint}:{int(started.timestamp() * 1000)}"
        read_alerts.append((index, alert_id, started, summary if isinstance(summary, str) else None, labels))
    if not read_alerts:
        return Ignored("the delivery has no firing alert (resolved alerts are not correlated)", "resolved")
    group_key = delivery.group_key if isinstance(delivery.group_key, str) else None
    group = AlertGroup.of(group_key, [alert_id for _, alert_id, *_ in read_alerts])
    return [
        alert_from(
            source,
            alert_id=alert_id,
            report_time=started,
            summary=summary,
            labels=labels,
            group=group,
            field_prefix=f"alerts.{index}",
        )
        for index, alert_id, started, summary, labels in read_alerts
    ]
