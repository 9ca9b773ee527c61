"""Alert intake (SPEC §11): ``POST /api/v1/alerts/{type}/{integrationKey}`` -> our alerts on the bus.

Checked in SPEC §3's order: 413 size, 415 content type, 404 key, 401 secret, 400 JSON, 422
fields. One delivery may carry many alerts (Alertmanager, Grafana): each firing one becomes one
``Alert Created`` event, put ten per PutEvents call; resolved ones are not correlated.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from shared.adapters import bus
from shared.domain.alert_sources.common import SourceView
from shared.domain.errors import DomainError, InvalidField, NotFound, Unauthorized
from shared.domain.models.alert_sources import AlertSourceParams, AlertSourceRecord, AlertSourceType
from shared.domain.models.alerts import ALERT_CREATED, Alert
from shared.domain.models.common import ApiModel
from shared.domain.models.deliveries import DeliveryEntry, LogOwner
from shared.domain.payloads import Ignored
from shared.domain.signatures import hmac_sha256_hex, same_secret
from shared.http.auth import header_value
from shared.http.raw_request import RawRequest, check_size, content_kind, parse_json_object
from shared.logic import delivery_log
from shared.logic.alert_sources import resolve_alert_source
from shared.observability import tracer
from shared.settings import bus_settings


class Reader(Protocol):
    def __call__(self, payload: dict[str, Any], source: SourceView) -> list[Alert] | Ignored: ...


def verify_bearer(secret: str, request: RawRequest) -> None:
    """Alertmanager cannot sign: it sends ``Authorization: Bearer <secret>`` (``http_config``)."""
    scheme, _, presented = header_value(request.headers, "authorization").partition(" ")
    if scheme.lower() != "bearer" or not presented:
        raise Unauthorized("Authorization: Bearer <webhook secret> is required by this alert source")
    if not same_secret(secret, presented.strip()):
        raise Unauthorized("the bearer token does not match the alert source's webhook secret")


def verify_grafana_signature(secret: str, request: RawRequest) -> None:
    """Grafana: ``X-Grafana-Alerting-Signature`` = hex HMAC-SHA256 of the raw body."""
    presented = request.headers.get("x-grafana-alerting-signature", "")
    if not presented:
        raise Unauthorized("X-Grafana-Alerting-Signature is missing; this alert source has a webhook secret")
    if not same_secret(hmac_sha256_hex(secret, request.body), presented.strip().lower()):
        raise Unauthorized("X-Grafana-Alerting-Signature does not match the body and the webhook secret")


def verify_pagerduty_signature(secret: str, request: RawRequest) -> None:
    """PagerDuty: ``X-PagerDuty-Signature`` holds one or more ``v1=<hex>``, one per secret it
    signs with while secrets rotate; one of them must match."""
    expected = hmac_sha256_hex(secret, request.body)
    presented = [part.strip() for part in request.headers.get("x-pagerduty-signature", "").split(",")]
    signatures = [part.removeprefix("v1=") for part in presented if part.startswith("v1=")]
    if not signatures:
        raise Unauthorized("X-PagerDuty-Signature is missing; this alert source has a webhook secret")
    # Every candidate is compared, so the time taken says nothing about which one was close.
    matches = [same_secret(expected, signature) for signature in signatures]
    if not any(matches):
        raise Unauthorized("no X-PagerDuty-Signature matches the body and the webhook secret")


@dataclass(frozen=True)
class AlertSourceKind:
    integration_type: AlertSourceType
    reader: str
    """The module whose ``read`` turns a delivery into alerts, imported on first use."""
    verify: Callable[[str, RawRequest], None]


KINDS = {
    "alertmanager": AlertSourceKind(AlertSourceType.ALERTMANAGER, "alertmanager", verify_bearer),
    "grafana": AlertSourceKind(AlertSourceType.GRAFANA, "alertmanager", verify_grafana_signature),
    "pagerduty": AlertSourceKind(AlertSourceType.PAGERDUTY, "pagerduty", verify_pagerduty_signature),
    "ilert": AlertSourceKind(AlertSourceType.ILERT, "ilert", verify_bearer),
    "generic": AlertSourceKind(AlertSourceType.GENERIC, "generic", verify_bearer),
}
"""Path segment -> how that system's deliveries are checked and read (SPEC §11)."""


class AlertIntakeOutcome(ApiModel):
    status: Literal["accepted", "ignored"]
    alerts: list[str] | None = None
    reason: str | None = None

    @property
    def http_status(self) -> int:
        return 202 if self.status == "accepted" else 200


def _view(record: AlertSourceRecord) -> SourceView:
    return SourceView(record.id, record.name, record.integration_type.value, record.teams, record.params)


def read_delivery(kind: AlertSourceKind, source: SourceView, payload: dict[str, Any]) -> list[Alert] | Ignored:
    reader: Reader = importlib.import_module(f"shared.domain.alert_sources.{kind.reader}").read
    return reader(payload, source)


PREVIEW_SOURCE_ID = "preview"


def alerts_for_preview(source_type: str, payload: dict[str, Any]) -> list[Alert] | Ignored:
    """A delivery read as intake would read it, for a source that does not exist: teams come
    from the team label only, and labels are mapped with the default label names."""
    kind = KINDS.get(source_type)
    if kind is None:
        raise InvalidField.of("type", f"must be one of {', '.join(KINDS)}")
    preview = SourceView(PREVIEW_SOURCE_ID, "preview", kind.integration_type.value, [], AlertSourceParams())
    return read_delivery(kind, preview, payload)


@tracer.capture_method(capture_response=False)
def take_delivery(
    source_type: str, integration_key: str, request: RawRequest, received_at: datetime
) -> AlertIntakeOutcome:
    """One delivery, and its fate in the source's delivery log (SPEC §16) once the source is known."""
    resolved: list[AlertSourceRecord] = []
    try:
        outcome = _take(source_type, integration_key, request, resolved)
    except DomainError as error:
        if resolved:
            _log(resolved[0], request, received_at, error.status_code, "rejected", error.message, None)
        raise
    alerts = ",".join(outcome.alerts or [])[: delivery_log.MAX_TEXT] or None
    _log(resolved[0], request, received_at, outcome.http_status, outcome.status, outcome.reason, alerts)
    return outcome


def _log(
    record: AlertSourceRecord,
    request: RawRequest,
    received_at: datetime,
    status: int,
    outcome: Literal["accepted", "ignored", "rejected"],
    reason: str | None,
    alert_ids: str | None,
) -> None:
    entry = DeliveryEntry(
        received_at=received_at,
        status=status,
        outcome=outcome,
        reason=reason[: delivery_log.MAX_TEXT] if reason else None,
        event_type=record.integration_type.value.lower(),
        delivery_id=delivery_log.header_of(request.headers, "x-webhook-id", "idempotency-key"),
        event_id=alert_ids,
        bytes=len(request.body),
    )
    delivery_log.record(LogOwner.ALERT_SOURCE, record.id, entry)


def _take(
    source_type: str, integration_key: str, request: RawRequest, resolved: list[AlertSourceRecord]
) -> AlertIntakeOutcome:
    check_size(request)
    content_kind(request, allow_form=False)
    kind = KINDS.get(source_type)
    if kind is None:
        raise NotFound("unknown integration key")
    record = resolve_alert_source(integration_key, kind.integration_type)
    resolved.append(record)
    if record.webhook_secret:
        kind.verify(record.webhook_secret, request)
    result = read_delivery(kind, _view(record), parse_json_object(request.body))
    if isinstance(result, Ignored):
        return AlertIntakeOutcome(status="ignored", reason=result.reason)
    unique = list({alert.id: alert for alert in result}.values())
    bus.publish_many(bus_settings().alert_event_source, ALERT_CREATED, [alert.to_json_dict() for alert in unique])
    return AlertIntakeOutcome(status="accepted", alerts=[alert.id for alert in unique])
