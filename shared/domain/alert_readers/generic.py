"""The alert of §4, through an alert source: its teams and labels as §11 maps them."""

from __future__ import annotations

from typing import Any

from shared.domain.alert_readers.common import SourceView, alert_from
from shared.domain.models.alerts import Alert
from shared.domain.payloads import Ignored, parse_payload


def read(payload: dict[str, Any], source: SourceView) -> list[Alert] | Ignored:
    alert = parse_payload(Alert, payload)
    if alert.status and alert.status.lower() in ("resolved", "ok", "closed"):
        return Ignored(f"the alert is {alert.status}; resolved alerts are not correlated", "resolved")
    correlated = alert_from(
        source, alert_id=alert.id, report_time=alert.report_time, summary=alert.summary, labels=alert.labels
    )
    return [correlated.model_copy(update={"escalation_policy": alert.escalation_policy})]
