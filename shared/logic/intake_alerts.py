"""Alerts in (§11): ``POST /api/v1/alerts/{type}/{integrationKey}`` -> our alerts on the bus.

After intake's checks, one delivery may carry many alerts (Alertmanager, Grafana): each firing
one becomes one ``Alert Created`` event, put in as few PutEvents calls as EventBridge's limits
allow; resolved ones are not correlated. A storm is bounded before anything is published (§22):
at most 1,000 alerts a delivery, and ``AlertsPerMinute`` per source and minute.
"""

from __future__ import annotations

import importlib
import math
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from shared.adapters import bus
from shared.adapters.store import alert_rates
from shared.domain import keys
from shared.domain.alert_readers.common import SourceView
from shared.domain.errors import InvalidField, NotFound, PayloadTooLarge, TooManyRequests
from shared.domain.models.alert_sources import AlertSourceParams, AlertSourceRecord, AlertSourceType
from shared.domain.models.alerts import ALERT_CREATED, Alert
from shared.domain.models.common import ApiModel
from shared.domain.payloads import Ignored
from shared.domain.requests import RawRequest, check_size, content_kind
from shared.domain.senders import ALERT_SENDERS, SenderKind
from shared.logic import delivery_log, intake
from shared.logic.alert_sources import resolve_alert_source
from shared.settings import alert_intake_settings, bus_settings

PREVIEW_SOURCE_ID = "preview"
MAX_ALERTS_PER_DELIVERY = 1000


class Reader(Protocol):
    def __call__(self, payload: dict[str, Any], source: SourceView) -> list[Alert] | Ignored: ...


def listed_within(ids: list[str], limit: int) -> str | None:
    """As many whole ids as fit in ``limit`` characters, then how many were left out:
    ``a,b,c (+12 more)``."""
    shown: list[str] = []
    for index, alert_id in enumerate(ids):
        left_out = len(ids) - index - 1
        if len(",".join([*shown, alert_id])) + (len(f" (+{left_out} more)") if left_out else 0) > limit:
            break
        shown.append(alert_id)
    left_out = len(ids) - len(shown)
    listed = ",".join(shown) + (f" (+{left_out} more)" if left_out else "")
    return listed.strip() or None


class AlertIntakeOutcome(ApiModel):
    status: Literal["accepted", "ignored"]
    alerts: list[str] | None = None
    reason: str | None = None

    @property
    def http_status(self) -> int:
        return 202 if self.status == "accepted" else 200

    @property
    def logged_reason(self) -> str | None:
        return self.reason

    @property
    def logged_ids(self) -> str | None:
        return listed_within(self.alerts or [], delivery_log.MAX_TEXT)


def _view(record: AlertSourceRecord) -> SourceView:
    return SourceView(record.id, record.name, record.integration_type.value, record.teams, record.params)


def read_delivery(kind: SenderKind, source: SourceView, payload: dict[str, Any]) -> list[Alert] | Ignored:
    reader: Reader = importlib.import_module(kind.reader).read
    return reader(payload, source)


def alerts_for_preview(source_type: str, payload: dict[str, Any]) -> list[Alert] | Ignored:
    """A delivery read as intake would read it, for a source that does not exist: teams come
    from the team label only, and labels are mapped with the default label names."""
    kind = ALERT_SENDERS.get(source_type)
    if kind is None:
        raise InvalidField.of("type", f"must be one of {', '.join(ALERT_SENDERS)}")
    preview = SourceView(PREVIEW_SOURCE_ID, "preview", kind.integration_type, [], AlertSourceParams())
    return read_delivery(kind, preview, payload)


def _source_of(integration_key: str, kind: SenderKind) -> AlertSourceRecord:
    return resolve_alert_source(integration_key, AlertSourceType(kind.integration_type))


def _read_and_publish(
    kind: SenderKind,
    record: AlertSourceRecord,
    event_name: str,
    payload: dict[str, Any],
    request: RawRequest,
    received_at: datetime,
) -> AlertIntakeOutcome:
    result = read_delivery(kind, _view(record), payload)
    if isinstance(result, Ignored):
        return AlertIntakeOutcome(status="ignored", reason=result.reason)
    unique = list({alert.id: alert for alert in result}.values())
    if len(unique) > MAX_ALERTS_PER_DELIVERY:
        raise PayloadTooLarge(f"{len(unique)} alerts in one delivery; at most {MAX_ALERTS_PER_DELIVERY}")
    entries = bus.prepared(bus_settings().alert_event_source, ALERT_CREATED, [alert.to_json_dict() for alert in unique])
    _count_against_the_minute(record.id, len(unique), received_at)
    bus.put(entries)
    return AlertIntakeOutcome(status="accepted", alerts=[alert.id for alert in unique])


def _count_against_the_minute(alert_source_id: str, alerts: int, received_at: datetime) -> None:
    """``AlertsPerMinute`` for the source (§22): a delivery that would pass it is refused whole."""
    limit = alert_intake_settings().alerts_per_minute
    if not alert_rates.take(alert_source_id, received_at, alerts, limit):
        next_minute = keys.minute_of(received_at) + timedelta(minutes=1)
        retry_after = max(1, math.ceil((next_minute - received_at).total_seconds()))
        raise TooManyRequests(f"more than {limit} alerts this minute for this alert source", retry_after)


ALERTS = intake.Sink(owner_of=_source_of, take=_read_and_publish)


def take_delivery(
    source_type: str, integration_key: str, request: RawRequest, received_at: datetime
) -> AlertIntakeOutcome:
    """One delivery to an alert source, through intake's checks. An unknown type is answered as
    an unknown key, after the size and content type checks every delivery gets first."""
    kind = ALERT_SENDERS.get(source_type)
    if kind is None:
        check_size(request)
        content_kind(request, allow_form=False)
        raise NotFound("unknown integration key")
    return intake.take(ALERTS, kind, integration_key, request, received_at)
