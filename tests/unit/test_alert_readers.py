"""Alert readers (§11, §12) against the real payloads of each system (tests/fixtures/alerts)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.domain.alert_readers import alertmanager, generic, ilert, pagerduty
from shared.domain.alert_readers.cloudwatch import AlarmStateChange, alert_from_alarm
from shared.domain.alert_readers.common import SourceView
from shared.domain.errors import InvalidField
from shared.domain.models.alert_sources import AlertSourceParams
from shared.domain.models.alerts import Alert
from shared.domain.models.common import Team
from shared.domain.payloads import Ignored
from tests.fixture_files import fixture_json

SOURCE = SourceView("src-1", "Prometheus prod", "ALERTMANAGER", [Team(id="sre", name="SRE")], AlertSourceParams())


def alerts_of(result: list[Alert] | Ignored) -> list[Alert]:
    assert isinstance(result, list), result
    return result


def test_alertmanager_delivery_of_two_firing_alerts_is_two_alerts() -> None:
    # Given Alertmanager's real two-alert group
    result = alerts_of(alertmanager.read(fixture_json("alerts/alertmanager/firing.two-alerts.zulip.json"), SOURCE))
    # Then each firing alert is one alert, keyed by fingerprint and startsAt in epoch milliseconds
    assert [alert.id for alert in result] == ["a1bc48475b20e73d:1580948278432", "c2ea85182f28cbd9:1580948278432"]
    first = result[0]
    assert first.summary == "High CPU core temperature"
    assert first.report_time == datetime(2020, 2, 6, 0, 17, 58, 432911, tzinfo=UTC)
    # And its labels are the common labels overlaid by its own; its teams the source's
    assert first.labels == {"alertname": "High CPU Temperature", "severity": "critical", "host": "andromeda"}
    assert first.alert_source is not None
    assert (first.alert_source.id, first.alert_source.integration_type) == ("src-1", "ALERTMANAGER")
    assert [team.id for team in first.alert_source.teams or []] == ["sre"]


def test_the_same_alert_from_the_webhook_and_the_api_gets_the_same_id() -> None:
    # Given startsAt as the webhook sends it (nanoseconds) and as the API gives it (milliseconds)
    delivery = fixture_json("alerts/alertmanager/firing.two-alerts.zulip.json")
    api_shaped = copy.deepcopy(delivery)
    for alert in api_shaped["alerts"]:
        alert["startsAt"] = "2020-02-06T00:17:58.432Z"
    # Then both name the same alerts
    webhook_ids = [alert.id for alert in alerts_of(alertmanager.read(delivery, SOURCE))]
    assert webhook_ids == [alert.id for alert in alerts_of(alertmanager.read(api_shaped, SOURCE))]


def test_an_old_capture_without_status_or_fingerprint_is_read() -> None:
    delivery = fixture_json("alerts/alertmanager/firing.old-v4-capture.prometheus-msteams.json")
    [alert] = alerts_of(alertmanager.read(delivery, SOURCE))
    # The fingerprint is derived from the sorted labels, so the same alert keeps its id
    fingerprint = alertmanager.fingerprint_of({**delivery["commonLabels"], **delivery["alerts"][0]["labels"]})
    assert alert.id == f"{fingerprint}:{int(alert.report_time.timestamp() * 1000)}"
    assert alert.summary == "Server High Memory usage"


@pytest.mark.parametrize(
    "name", ["alerts/alertmanager/resolved.one-alert.prom2teams.json", "alerts/grafana/resolved.grafana9.zulip.json"]
)
def test_only_resolved_alerts_is_nothing_to_correlate(name: str) -> None:
    result = alertmanager.read(fixture_json(name), SOURCE)
    assert isinstance(result, Ignored)
    assert result.code == "resolved"


def test_grafana_team_label_wins_over_the_source_teams() -> None:
    # Given Grafana's documented delivery, whose alerts carry team=blue
    result = alerts_of(alertmanager.read(fixture_json("alerts/grafana/firing.two-alerts.grafana-docs.json"), SOURCE))
    # Then the alerts belong to team blue, not to the source's team
    assert {team.id for alert in result for team in alert.alert_source.teams or []} == {"blue"}  # type: ignore[union-attr]
    assert result[0].id == "c6eadffa33fcdf37:1634025063157"


def test_service_and_environment_come_from_the_sources_label_names() -> None:
    params = AlertSourceParams(team_label="owner", service_labels=["app"], environment_labels=["cluster"])
    source = SourceView("s", "s", "ALERTMANAGER", [], params)
    delivery = fixture_json("alerts/alertmanager/firing.two-alerts.zulip.json")
    delivery["alerts"][0]["labels"].update(app="shop", cluster="production", owner="payments, checkout")
    alert = alerts_of(alertmanager.read(delivery, source))[0]
    assert (alert.labels["service"], alert.labels["environment"]) == ("shop", "production")
    assert [team.id for team in alert.alert_source.teams or []] == ["payments", "checkout"]  # type: ignore[union-attr]


def test_labels_the_alert_has_are_kept() -> None:
    delivery = fixture_json("alerts/alertmanager/firing.two-alerts.zulip.json")
    delivery["alerts"][0]["labels"].update(service="shop", app="other")
    assert alerts_of(alertmanager.read(delivery, SOURCE))[0].labels["service"] == "shop"


def test_a_delivery_of_fifty_alerts_is_fifty_alerts() -> None:
    delivery = fixture_json("alerts/alertmanager/firing.two-alerts.zulip.json")
    template = delivery["alerts"][0]
    delivery["alerts"] = [{**template, "fingerprint": f"{index:016x}"} for index in range(50)]
    assert len({alert.id for alert in alerts_of(alertmanager.read(delivery, SOURCE))}) == 50


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"alerts": "many"}, "alerts"),
        ({"alerts": [{"status": "firing", "labels": {}}]}, "alerts.0.startsAt"),
        ({"alerts": [{"status": "firing", "startsAt": "yesterday"}]}, "alerts.0.startsAt"),
    ],
)
def test_a_broken_field_is_a_422_naming_it(change: dict[str, Any], field: str) -> None:
    delivery = {**fixture_json("alerts/alertmanager/firing.two-alerts.zulip.json"), **change}
    with pytest.raises(InvalidField) as raised:
        alertmanager.read(delivery, SOURCE)
    assert raised.value.problems[0].field == field


def test_pagerduty_incident_triggered_is_one_alert_keyed_by_the_incident() -> None:
    delivery = fixture_json("alerts/pagerduty/webhook-v3.incident.triggered.zulip.json")
    [alert] = alerts_of(pagerduty.read(delivery, SOURCE))
    assert alert.id == "PFQZPSY"
    assert alert.summary == "Test Incident 3"
    assert alert.labels == {"service": "pig208"}
    # With no teams in the incident, the source's
    assert [team.id for team in alert.alert_source.teams or []] == ["sre"]  # type: ignore[union-attr]


def test_pagerduty_incident_teams_are_the_alerts_teams() -> None:
    delivery = fixture_json("alerts/pagerduty/webhook-v3.incident.priority_updated.pagerduty-docs.json")
    delivery["event"]["event_type"] = "incident.triggered"
    [alert] = alerts_of(pagerduty.read(delivery, SOURCE))
    assert [(team.id, team.name) for team in alert.alert_source.teams or []] == [("PFCVPS0", "Engineering")]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "name",
    ["webhook-v3.incident.annotated.zulip.json", "webhook-v3.incident.resolved.zulip.json"],
)
def test_other_pagerduty_events_are_ignored_our_own_notes_above_all(name: str) -> None:
    result = pagerduty.read(fixture_json(f"alerts/pagerduty/{name}"), SOURCE)
    assert isinstance(result, Ignored)


def test_ilert_alert_created_keeps_its_alert_key() -> None:
    delivery = fixture_json("alerts/ilert/webhook-alert-action.alert-created.derived.json")
    [alert] = alerts_of(ilert.read(delivery, SOURCE))
    assert (alert.id, alert.alert_key) == ("2983781", "zabbix-12345")
    assert alert.summary == "PROBLEM Host Alert: app.compute is DOWN"


@pytest.mark.parametrize("event_type", ["alert-comment-added", "alert-resolved", "alert-acknowledged"])
def test_other_ilert_events_are_ignored_our_own_comments_above_all(event_type: str) -> None:
    delivery = {**fixture_json("alerts/ilert/webhook-alert-action.alert-created.derived.json"), "eventType": event_type}
    assert isinstance(ilert.read(delivery, SOURCE), Ignored)


def test_generic_alert_belongs_to_the_source_with_its_labels_mapped() -> None:
    body = {"id": 42, "reportTime": "2026-11-30T10:00:00Z", "summary": "down", "labels": {"app": "shop"}}
    [alert] = alerts_of(generic.read(body, SOURCE))
    assert (alert.id, alert.labels["service"]) == ("42", "shop")
    assert alert.alert_source is not None
    assert alert.alert_source.id == "src-1"


def cloudwatch_detail(name: str) -> tuple[AlarmStateChange, str]:
    event = fixture_json(f"alerts/cloudwatch/{name}")
    return AlarmStateChange.model_validate(event["detail"]), event["resources"][0]


def test_an_alarm_with_propagated_tags_names_its_teams_and_service() -> None:
    detail, arn = cloudwatch_detail("eventbridge.alarm-state-change.single-metric.with-alarm-tags.derived.json")
    alert = alert_from_alarm(detail, arn, "team")
    assert alert is not None
    assert alert.id == "arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServerCpuTooHigh:2019-10-02T17:04:40.989+0000"
    assert alert.report_time == datetime(2019, 10, 2, 17, 4, 40, 989000, tzinfo=UTC)
    assert alert.summary == "ServerCpuTooHigh: Goes into alarm when server CPU utilization is too high!"
    assert [team.id for team in alert.alert_source.teams or []] == ["payments", "checkout"]  # type: ignore[union-attr]
    assert alert.labels == {"service": "shop", "environment": "production"}


def test_an_untagged_alarm_names_itself_for_the_registry() -> None:
    detail, arn = cloudwatch_detail("eventbridge.alarm-state-change.single-metric.aws-docs.json")
    alert = alert_from_alarm(detail, arn, "team")
    assert alert is not None
    assert alert.alert_source is not None
    # No teams: correlation looks the alarm's name up in the registry (§4)
    assert (alert.alert_source.id, alert.alert_source.teams) == ("ServerCpuTooHigh", None)
    # InstanceId is not a dimension that names a service
    assert alert.labels == {}


def test_the_first_known_dimension_is_the_service() -> None:
    detail, arn = cloudwatch_detail("eventbridge.alarm-state-change.single-metric.aws-docs.json")
    detail.configuration.metrics[0].metric_stat.metric.dimensions = {"FunctionName": "checkout-api"}  # type: ignore[union-attr]
    alert = alert_from_alarm(detail, arn, "team")
    assert alert is not None
    assert alert.labels == {"service": "checkout-api"}


def test_a_transition_to_ok_is_not_correlated() -> None:
    detail, arn = cloudwatch_detail("eventbridge.alarm-state-change.single-metric.aws-docs.json")
    recovered = detail.model_copy(update={"state": detail.state.model_copy(update={"value": "OK"})})
    assert alert_from_alarm(recovered, arn, "team") is None
