"""Watching a fresh deployment (§21): its health for CI and the page.

The health is read, never written: an enrichment already lists its alert under each change it
names, with the change's score and whether it is the likely cause (§18), so the event (with the
pipeline of a presented key, in the same BatchGetItem) and one Query of that listing answer it.
"""

from __future__ import annotations

from datetime import datetime

from shared.adapters.store import alert_list as listing_store
from shared.adapters.store import watch as watch_store
from shared.domain import keys
from shared.domain.errors import NotFound
from shared.domain.ids import integration_key_hash, is_storable_id
from shared.domain.models.alert_list import AlertOfChange
from shared.domain.models.deployments import DeploymentEvent
from shared.domain.verifiers import same_secret
from shared.domain.watch import DeploymentHealth, health_of, not_watched_because, unwatched
from shared.settings import watch_settings

MAX_WATCHED_ALERTS = 100
"""The newest alerts of the watch read: one Query's page."""


def _readable_event(event_id: str, admin: bool, integration_key: str | None) -> DeploymentEvent:
    """The event, when the admin or its own pipeline's key asks; another key, an unknown one and
    an unknown event all get the same 404 (§7)."""
    unknown = NotFound(f"no deployment event with id {event_id!r}")
    if not is_storable_id(event_id) or (not admin and not integration_key):
        raise unknown
    presented = integration_key_hash(integration_key) if integration_key and not admin else None
    read = watch_store.event_and_key_holder(event_id, presented)
    if read.event is None or (not admin and not same_secret(read.event.pipeline_id, read.key_holder or "")):
        raise unknown
    return read.event


def deployment_health(event_id: str, now: datetime, *, admin: bool, integration_key: str | None) -> DeploymentHealth:
    """The watch's state, for the admin or the key of the event's own pipeline."""
    event = _readable_event(event_id, admin, integration_key)
    reason = not_watched_because(event.kind, event.environment, event.status)
    if reason is not None:
        return unwatched(reason)
    window = watch_settings().window
    lower, upper = keys.alert_listing_range(event.timestamp, event.timestamp + window)
    page = listing_store.query_listed(keys.change_alerts_listing(event_id), lower, upper, limit=MAX_WATCHED_ALERTS)
    named_it = [AlertOfChange.model_validate_json(item["alert"]) for item in page.items]
    return health_of(event.timestamp, named_it, now, window)
