"""Who an alert's notifications go to (§13): the source's targets or the defaults, the enrichment
webhook of §6 for every enrichment, and, for a group's message (§18), which of them get it."""

from __future__ import annotations

from urllib.parse import quote

from shared.adapters import envelope
from shared.adapters.secrets import secure_parameter
from shared.adapters.store.client import batch_get
from shared.domain import keys
from shared.domain.models.alert_sources import AlertSourceRecord
from shared.domain.models.alerts import Enrichment
from shared.domain.models.notifications import (
    REGISTERED_SOURCE_KIND,
    NotificationTarget,
    WebhookTarget,
    opened_target,
    stored_targets_adapter,
    target_id,
)
from shared.domain.models.sealed import SecretPlace
from shared.domain.notifications.context import NotificationContext
from shared.logic.storm import MessagePlan
from shared.settings import default_notification_targets, notify_settings


def default_targets() -> tuple[NotificationTarget, ...]:
    """``DefaultNotifications``: for alerts whose source has no targets of its own; an invalid
    entry was reported and skipped when the function started (§22)."""
    return default_notification_targets()


def enrichment_webhook() -> WebhookTarget | None:
    """The enrichment webhook of §6, for every alert (its secret is cached by the parameters
    utility, so this costs no SSM call per invocation)."""
    configured = notify_settings()
    if not configured.enrichment_webhook_url:
        return None
    secret = secure_parameter(configured.enrichment_webhook_secret_parameter)
    return WebhookTarget(type="WEBHOOK", url=configured.enrichment_webhook_url, secret=secret)


def source_targets(alert_source_id: str) -> list[NotificationTarget]:
    """The targets of the alert's source, created or registered: one BatchGetItem for both;
    each opened here, to be sent to (§22)."""
    if not keys_are_storable(alert_source_id):
        return []
    created, registered = keys.created_alert_source_key(alert_source_id), keys.alert_source_key(alert_source_id)
    for values in batch_get([created, registered]):
        if values.get("notifications"):
            kind = AlertSourceRecord.record_kind if values["PK"] == created.pk else REGISTERED_SOURCE_KIND
            place = SecretPlace(kind, alert_source_id, "notifications")
            stored = stored_targets_adapter().validate_python(values["notifications"])
            return [opened_target(target, place, envelope.open_secret) for target in stored]
    return []


def targets_of(enrichment: Enrichment) -> list[NotificationTarget]:
    """The source's targets (else the defaults) and the enrichment webhook, each once."""
    source = enrichment.alert.alert_source if enrichment.alert else None
    own = source_targets(source.id) if source and source.id else []
    webhook = enrichment_webhook()
    unique: dict[str, NotificationTarget] = {}
    for target in [*(own or default_targets()), *([webhook] if webhook else [])]:
        unique.setdefault(target_id(target), target)
    return list(unique.values())


def planned_targets(
    targets: list[NotificationTarget], group_plan: MessagePlan | None, context: NotificationContext
) -> list[tuple[NotificationTarget, MessagePlan]]:
    """The enrichment webhook gets every enrichment, the alert's own and unlimited (§6, §22); the
    other ``targets`` (``targets_of``) the planned message (a group's, §18), or nothing when the
    plan is None."""
    webhook = enrichment_webhook()
    webhook_id = target_id(webhook) if webhook else None
    own = MessagePlan(context, limited=False)
    if group_plan is None:
        return [(webhook, own)] if webhook else []
    return [(target, own if target_id(target) == webhook_id else group_plan) for target in targets]


def keys_are_storable(resource_id: str) -> bool:
    return 0 < len(resource_id) <= 128 and "#" not in resource_id


def page_url(alert_id: str, alert_source_id: str | None) -> str:
    """The alert's page; with its source, so that it shows this alert whichever other source's
    alert of the same id was correlated since (§22)."""
    source = f"&source={quote(alert_source_id, safe='')}" if alert_source_id else ""
    return f"{notify_settings().public_url.rstrip('/')}/?alert={quote(alert_id, safe='')}{source}"
