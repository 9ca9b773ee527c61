"""Alerts: intake onto the bus, the registry of alert resources, correlation and enrichment.

The flow (SPEC §4-§6): ``Alert Created`` on the bus -> ``correlate`` reads the partitions the
plan names and ranks the candidates -> ``Alert Correlated`` -> ``store_enrichment`` keeps it and
publishes ``Alert Enriched`` for anyone listening (the enrichment webhook among them).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial

from shared import bus, correlation, keys, store
from shared.errors import NotFound
from shared.ids import is_storable_id
from shared.models.alerts import (
    ALERT_CORRELATED,
    ALERT_CREATED,
    ALERT_ENRICHED,
    MAX_ALERT_ID_LENGTH,
    OWN_EVENT_SOURCE,
    Alert,
    AlertResource,
    Enrichment,
    RegisteredResource,
    RegisteredResourceResponse,
    Scope,
)
from shared.models.common import Team
from shared.models.events import DeploymentEvent
from shared.parallel import run_all
from shared.settings import bus_settings, correlation_settings


class ResourceKind(StrEnum):
    ALERT_SOURCE = "alert-source"
    ESCALATION_POLICY = "escalation-policy"


def submit_alert(alert: Alert) -> str:
    """``POST /api/alerts``: the same ``Alert Created`` event the alerting system would put."""
    return bus.publish(bus_settings().alert_event_source, ALERT_CREATED, alert.to_json_dict())


# --- registry ----------------------------------------------------------------------------------


def _checked_id(resource_id: str) -> str:
    if not is_storable_id(resource_id):
        raise NotFound(f"no resource with id {resource_id!r}")
    return resource_id


def register_resource(
    kind: ResourceKind, resource_id: str, resource: RegisteredResource, now: datetime
) -> RegisteredResourceResponse:
    registered = RegisteredResourceResponse(
        id=_checked_id(resource_id), name=resource.name, teams=resource.teams, updated_at=now
    )
    store.put_registered(kind, resource_id, registered.model_dump(mode="json"))
    return registered


def get_resource(kind: ResourceKind, resource_id: str) -> RegisteredResourceResponse:
    found = store.get_registered_many([(kind, _checked_id(resource_id))]).get((kind, resource_id))
    if found is None:
        raise NotFound(f"no {kind.value} {resource_id!r} is registered")
    return RegisteredResourceResponse.model_validate(found)


def unregister_resource(kind: ResourceKind, resource_id: str) -> None:
    if not store.delete_registered(kind, _checked_id(resource_id)):
        raise NotFound(f"no {kind.value} {resource_id!r} is registered")


def with_registered_teams(alert: Alert) -> Alert:
    """Fills the teams of an alert source or escalation policy named by id only (ilert's outbound
    webhook sends no teams) from the registry; teams in the alert itself win, resource by resource."""
    wanted: dict[ResourceKind, AlertResource] = {}
    for kind, resource in (
        (ResourceKind.ALERT_SOURCE, alert.alert_source),
        (ResourceKind.ESCALATION_POLICY, alert.escalation_policy),
    ):
        if resource is not None and not resource.teams and resource.id and is_storable_id(resource.id):
            wanted[kind] = resource
    if not wanted:
        return alert
    registered = store.get_registered_many([(kind, str(resource.id)) for kind, resource in wanted.items()])
    updates = {}
    for kind, resource in wanted.items():
        found = registered.get((kind, str(resource.id)))
        if found:
            teams = [Team.model_validate(team) for team in found.get("teams", [])]
            field = "alert_source" if kind is ResourceKind.ALERT_SOURCE else "escalation_policy"
            updates[field] = resource.model_copy(update={"teams": teams})
    return alert.model_copy(update=updates)


# --- correlation -------------------------------------------------------------------------------


def _settings() -> correlation.CorrelationSettings:
    configured = correlation_settings()
    return correlation.CorrelationSettings(
        team_lookback=timedelta(minutes=configured.team_lookback_minutes),
        account_lookback=timedelta(minutes=configured.account_lookback_minutes),
        max_related=configured.max_related_deployments,
    )


def partitions(chosen: correlation.Plan) -> list[str]:
    """The partitions a plan reads: claiming teams' buckets (TEAM) or the account's (ACCOUNT)."""
    buckets = list(keys.buckets_between(chosen.start, chosen.end))
    if chosen.scope is Scope.TEAM:
        return [keys.team_bucket_pk(team.id, bucket) for team in chosen.claiming_teams for bucket in buckets]
    return [keys.account_bucket_pk(bucket) for bucket in buckets]


def read_candidates(chosen: correlation.Plan) -> list[DeploymentEvent]:
    """One Query per partition of the window (more only past 1 MB of events in one partition)."""
    pages = run_all(
        [partial(store.query_window, partition, chosen.start, chosen.end) for partition in partitions(chosen)]
    )
    return [event for partition_events in pages for event in partition_events]


def correlate(alert: Alert, now: datetime) -> Enrichment:
    """SPEC §5 for one alert: claim, read the window, rank."""
    settings = _settings()
    resolved = with_registered_teams(alert)
    teams = correlation.alert_teams(resolved)
    owners = store.owning_teams([team.id for team in teams]) if teams else set()
    chosen = correlation.plan(resolved, teams, owners, settings)
    related = correlation.rank(resolved, read_candidates(chosen), chosen, settings.max_related)
    return Enrichment(
        alert_id=alert.id,
        scope=chosen.scope,
        claiming_teams=chosen.claiming_teams,
        window=chosen.window,
        deployments=related,
        correlated_at=now,
    )


def hand_over(enrichment: Enrichment) -> str:
    """Correlate -> enrich, through the bus (see the README's architecture section for why)."""
    return bus.publish(OWN_EVENT_SOURCE, ALERT_CORRELATED, enrichment.to_json_dict())


# --- enrichment --------------------------------------------------------------------------------


def store_enrichment(enrichment: Enrichment) -> bool:
    """Keeps the result (replacing an earlier one) and tells the bus; False if a newer one exists."""
    body = enrichment.to_json_dict()
    stored = store.put_enrichment(
        enrichment.alert_id, json.dumps(body, separators=(",", ":")), enrichment.correlated_at
    )
    if stored:
        bus.publish(OWN_EVENT_SOURCE, ALERT_ENRICHED, body)
    return stored


def get_enrichment(alert_id: str) -> Enrichment:
    stored = store.get_enrichment(alert_id) if 0 < len(alert_id) <= MAX_ALERT_ID_LENGTH else None
    if stored is None:
        raise NotFound(f"alert {alert_id!r} has not been correlated")
    return Enrichment.model_validate_json(stored)
