"""Alerts correlated (§5): an alert read from its bus event, its window read and its changes ranked.

The flow: ``Alert Created`` on the bus -> ``correlate_alert`` reads the partitions its plan names
and ranks the candidates -> ``Alert Correlated`` on the bus, for the enrich function
(``shared.logic.enrichment``).
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from shared.adapters.parallel import run_all
from shared.adapters.store import events as event_store
from shared.adapters.store import pipelines as pipeline_store
from shared.domain import correlation, keys
from shared.domain.alert_readers.cloudwatch import ALARM, alarm_teams, alert_from_alarm
from shared.domain.errors import InvalidField
from shared.domain.models.alerts import (
    Alert,
    AlertContext,
    Enrichment,
    Scope,
)
from shared.domain.models.common import MAX_NAMED_TEAMS
from shared.domain.models.deployments import DeploymentEvent
from shared.domain.payloads import Ignored, parse_payload
from shared.domain.relevance.explain import explain
from shared.domain.relevance.model import assess
from shared.domain.relevance.weights import RelevanceWeights, weights_from_json
from shared.domain.storm import grouped_by
from shared.domain.verdicts import alert_kind
from shared.logic.enrichment import DETAIL_BUDGET, hand_to_enrich
from shared.logic.registry import with_registered_teams
from shared.logic.services import load_catalog
from shared.logic.verdicts import feedback_for
from shared.observability import logger, tracer
from shared.settings import alarm_settings, correlation_rules

if TYPE_CHECKING:
    from shared.domain.models.bus_events import AlarmStateChangeEvent, AlertCreatedEvent


def alert_of(event: AlertCreatedEvent | AlarmStateChangeEvent) -> Alert | None:
    """The alert a bus event stands for; None for an alarm's transition to anything but ALARM."""
    from shared.domain.models.bus_events import AlertCreatedEvent  # noqa: PLC0415 - the correlate function's only

    if isinstance(event, AlertCreatedEvent):
        return event.detail
    alarm_arn = event.resources[0] if event.resources else event.detail.alarm_name
    team_tag_key = alarm_settings().alarm_team_tag_key
    cut = alarm_teams(event.detail, team_tag_key).cut
    if cut and event.detail.state.value == ALARM:
        logger.warning(
            "the alarm names more teams than an alert may; the others are left out",
            extra={"alarm": event.detail.alarm_name, "named": MAX_NAMED_TEAMS, "left_out": cut},
        )
    return alert_from_alarm(event.detail, alarm_arn, team_tag_key)


def partitions(plan: correlation.Plan) -> list[str]:
    """The partitions a plan reads: claiming teams' buckets (TEAM) or the account's (ACCOUNT)."""
    buckets = list(keys.buckets_between(plan.start, plan.end))
    if plan.scope is Scope.TEAM:
        return [keys.team_bucket_pk(team.id, bucket) for team in plan.claiming_teams for bucket in buckets]
    return [keys.account_bucket_pk(bucket) for bucket in buckets]


def read_candidates(plan: correlation.Plan) -> list[DeploymentEvent]:
    """One Query per partition of the window (more only past 1 MB of events in one partition)."""
    pages = run_all(
        [partial(event_store.query_window, partition, plan.start, plan.end) for partition in partitions(plan)]
    )
    return [event for partition_events in pages for event in partition_events]


def correlate(alert: Alert, now: datetime, weights: RelevanceWeights | None = None) -> Enrichment:
    """§5 for one alert: claim, read the window; §17: score; bounded as §22 has it."""
    rules = correlation_rules()
    resolved = with_registered_teams(alert)
    teams = correlation.alert_teams(resolved)
    owners = pipeline_store.owning_teams([team.id for team in teams]) if teams else set()
    plan = correlation.plan_for(resolved, teams, owners, rules)
    if plan.unnamed_team_ids:
        owned = pipeline_store.pipelines_owned_by(plan.unnamed_team_ids)
        plan = plan.with_team_names(team for pipeline in owned for team in pipeline.teams)
    feedback = feedback_for(alert_kind(resolved.labels, resolved.alert_source))
    assessment = assess(resolved, read_candidates(plan), plan, load_catalog(), weights or rules.weights, feedback)
    explained = explain(assessment, plan.scope, rules.max_related)
    return Enrichment(
        alert_id=alert.id,
        alert=AlertContext(
            summary=resolved.summary,
            report_time=resolved.report_time,
            alert_source=resolved.alert_source,
            labels=resolved.labels,
            alert_key=resolved.alert_key,
            **grouped_by(resolved),
        ),
        scope=plan.scope,
        claiming_teams=plan.claiming_teams,
        window=plan.window,
        deployments=explained.deployments,
        correlated_at=now,
        likely_cause=explained.likely_cause,
        ambiguous=explained.ambiguous,
        no_likely_cause=explained.no_likely_cause,
    ).bounded(DETAIL_BUDGET)


@tracer.capture_method(capture_response=False)
def correlate_alert(alert: Alert, now: datetime) -> Enrichment:
    """Correlates an alert and hands the result to the enrich function through the bus (the
    README's architecture section says why)."""
    enrichment = correlate(alert, now)
    hand_to_enrich(enrichment)
    return enrichment


def preview(body: dict[str, Any], source_type: str | None, now: datetime, weights: str = "") -> Enrichment:
    """§16: what correlating this alert would store now, without storing, publishing or
    notifying. A delivery of several alerts (Alertmanager, Grafana) previews its first firing one.
    ``weights`` (§17) tries other weights than the configured ones: a JSON object of them."""
    tried = weights_from_json(weights, correlation_rules().weights) if weights else None
    if source_type is None:
        alert = parse_payload(Alert, body)
    else:
        # Imported here: the alert readers are needed by this route only.
        from shared.logic.intake_alerts import alerts_for_preview  # noqa: PLC0415

        read = alerts_for_preview(source_type, body)
        if isinstance(read, Ignored):
            raise InvalidField.of("body", f"nothing to correlate: {read.reason}")
        alert = read[0]
    return correlate(alert, now, tried)
