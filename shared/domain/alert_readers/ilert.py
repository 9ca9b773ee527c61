"""ilert's outbound webhook (an alert action of type webhook): ``alert-created`` is one alert,
which keeps its ``alertKey`` so a comment can be added to it (§11, §13)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from shared.domain.alert_readers.common import SourceView, alert_from, clean_labels
from shared.domain.errors import InvalidField
from shared.domain.models.alerts import Alert
from shared.domain.payloads import Ignored, PayloadModel, parse_payload

CREATED = "alert-created"


def _as_text(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Delivery(PayloadModel):
    id: Annotated[str, BeforeValidator(_as_text)]
    summary: str | None = None
    report_time: Any = Field(default=None, alias="reportTime")
    alert_key: Annotated[str, BeforeValidator(_as_text)] | None = Field(default=None, alias="alertKey")
    event_type: str | None = Field(default=None, alias="eventType")
    labels: dict[str, Any] = Field(default_factory=dict)


def read(payload: dict[str, Any], source: SourceView) -> list[Alert] | Ignored:
    delivery = parse_payload(Delivery, payload)
    if delivery.event_type not in (None, CREATED):
        # alert-comment-added above all: our own comments must not come back as alerts.
        return Ignored(f"event {delivery.event_type!r} is not {CREATED}", "not_created")
    if delivery.report_time is None:
        raise InvalidField.of("reportTime", "Field required")
    return [
        alert_from(
            source,
            alert_id=delivery.id,
            report_time=delivery.report_time,
            summary=delivery.summary,
            labels=clean_labels(delivery.labels),
            alert_key=(delivery.alert_key or "")[:255] or None,
        )
    ]
