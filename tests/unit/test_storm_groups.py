"""Alert storms (§18) as pure functions: the group key read from the real payloads, and a
group's state: merged changes, its signature, and which alert sends its message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.domain.alert_readers import alertmanager
from shared.domain.ids import bounded_id
from shared.domain.models.alerts import Alert, Enrichment
from shared.domain.storm import CHANGES_KEPT, GroupState, grouped_by
from tests.fixture_files import fixture_json
from tests.unit.test_alert_readers import SOURCE, alerts_of

REPORT_TIME = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def change(number: int, score: float, confidence: str = "possible") -> dict[str, Any]:
    return {
        "id": f"d-{number}",
        "summary": f"Deployed shop v1.{number}",
        "pipeline": {"id": "p-1", "name": "shop", "integrationType": "API"},
        "kind": "deployment",
        "timestamp": (REPORT_TIME - timedelta(minutes=number)).isoformat(),
        "reason": "Deployed before the alert",
        "score": score,
        "confidence": confidence,
    }


def enrichment(alert_id: str, changes: list[dict[str, Any]], likely_cause: str | None = None) -> Enrichment:
    return Enrichment.model_validate(
        {
            "alertId": alert_id,
            "alert": {"summary": f"CPU hot on {alert_id}", "reportTime": REPORT_TIME.isoformat()},
            "scope": "ACCOUNT",
            "claimingTeams": [],
            "window": {"from": (REPORT_TIME - timedelta(days=7)).isoformat(), "until": REPORT_TIME.isoformat()},
            "deployments": changes,
            "correlatedAt": REPORT_TIME.isoformat(),
            "likelyCause": likely_cause,
        }
    )


@pytest.mark.parametrize(
    ("name", "group_key"),
    [
        ("alerts/alertmanager/firing.two-alerts.zulip.json", "{}/{}:{}"),
        ("alerts/alertmanager/firing.old-v4-capture.prometheus-msteams.json", '{}:{alertname="high_memory_load"}'),
        ("alerts/grafana/firing.two-alerts.grafana-docs.json", "{}:{}"),
    ],
)
def test_the_group_key_of_real_deliveries_travels_with_each_alert(name: str, group_key: str) -> None:
    # Given a real Alertmanager or Grafana delivery
    delivery = fixture_json(name)
    # When it is read
    alerts = alerts_of(alertmanager.read(delivery, SOURCE))
    # Then each alert carries the delivery's groupKey and how many alerts the delivery held
    assert {(alert.group_key, alert.group_size) for alert in alerts} == {(group_key, len(alerts))}


def test_a_long_group_key_with_the_key_separator_is_kept_in_its_id_safe_form() -> None:
    # Given a Grafana delivery whose groupKey is long and holds "#"
    delivery = fixture_json("alerts/grafana/firing.values-dashboard-panel.zulip.json")
    delivery["groupKey"] = '{}/{team="#payments"}:' + "x" * 300
    # When it is read
    [alert, *_] = alerts_of(alertmanager.read(delivery, SOURCE))
    # Then the key is bounded and free of "#", the same for the same groupKey
    assert alert.group_key == bounded_id(delivery["groupKey"], 128)
    assert alert.group_key is not None
    assert len(alert.group_key) <= 128
    assert "#" not in alert.group_key


def test_only_alertmanager_and_grafana_alerts_are_grouped() -> None:
    # Given the same alert with a group key, once from Alertmanager and once from a generic source
    body = {"id": "a-1", "reportTime": REPORT_TIME.isoformat(), "groupKey": "g", "groupSize": 2}
    from_alertmanager = Alert.model_validate({**body, "alertSource": {"id": "s", "integrationType": "ALERTMANAGER"}})
    from_generic = Alert.model_validate({**body, "alertSource": {"id": "s", "integrationType": "API"}})
    # Then only Alertmanager's keeps its group
    assert grouped_by(from_alertmanager) == {"group_key": "g", "group_size": 2}
    assert grouped_by(from_generic) == {}


def test_the_group_sends_once_it_has_seen_its_delivery_and_only_by_the_completing_alert() -> None:
    # Given a group of three alerts sharing one change
    shared = [change(1, 0.6, "likely")]
    state = GroupState()
    # When the first two enrichments are merged
    for alert_id in ("a-1", "a-2"):
        state = state.merged(enrichment(alert_id, shared, "d-1"), group_size=3)
        # Then nobody sends yet
        assert not state.sends(alert_id)
    # When the third completes it
    state = state.merged(enrichment("a-3", shared, "d-1"), group_size=3)
    # Then the third sends, with the group's count and summaries
    assert state.sends("a-3")
    assert state.view("g").alerts == 3
    assert state.view("g").summaries == ("CPU hot on a-1", "CPU hot on a-2", "CPU hot on a-3")


def test_a_repeat_with_the_same_cause_changes_nothing() -> None:
    # Given a complete group that sent its message
    state = GroupState().merged(enrichment("a-1", [change(1, 0.6, "likely")], "d-1"), group_size=1)
    # When the same alert is enriched again (Alertmanager's repeat)
    again = state.merged(enrichment("a-1", [change(1, 0.6, "likely")], "d-1"), group_size=1)
    # Then the group is as it was: nothing new to send
    assert again == state


def test_an_alert_joining_with_a_new_possible_change_makes_it_the_sender() -> None:
    # Given a complete group that sent its message
    state = GroupState().merged(enrichment("a-1", [change(1, 0.6, "likely")], "d-1"), group_size=1)
    # When an alert joins with a new possible change
    joined = state.merged(enrichment("a-2", [change(2, 0.3)]), group_size=2)
    # Then the signature changed and the joining alert sends
    assert joined.sent_signature != state.sent_signature
    assert joined.sends("a-2")
    assert not joined.sends("a-1")


def test_an_alert_joining_with_only_unlikely_changes_sends_nothing() -> None:
    state = GroupState().merged(enrichment("a-1", [change(1, 0.6, "likely")], "d-1"), group_size=1)
    joined = state.merged(enrichment("a-2", [change(3, 0.05, "unlikely")]), group_size=2)
    assert joined.sent_signature == state.sent_signature
    assert not joined.sends("a-2")


def test_changes_are_merged_once_each_at_their_strongest_strongest_first() -> None:
    # Given two alerts naming the same change with different scores, and others
    state = GroupState().merged(enrichment("a-1", [change(1, 0.3), change(2, 0.2)]), group_size=2)
    state = state.merged(enrichment("a-2", [change(1, 0.7, "likely"), change(3, 0.5, "likely")], "d-1"), group_size=2)
    # Then each change is listed once, at its strongest, strongest first, and the cause is named
    assert [(item.id, item.score) for item in state.changes] == [("d-1", 0.7), ("d-3", 0.5), ("d-2", 0.2)]
    assert state.likely_cause is not None
    assert state.likely_cause.id == "d-1"
    grouped = state.enrichment_for(enrichment("a-2", []))
    assert grouped.likely_cause == "d-1"
    assert len(grouped.deployments) == 3


def test_a_group_keeps_its_strongest_changes_only() -> None:
    many = [change(number, round(0.01 * number, 2)) for number in range(1, 40)]
    state = GroupState().merged(enrichment("a-1", many), group_size=1)
    assert len(state.changes) == CHANGES_KEPT
    assert state.changes[0].id == "d-39"


def test_the_state_survives_its_stored_form() -> None:
    state = GroupState().merged(enrichment("a-1", [change(1, 0.6, "likely")], "d-1"), group_size=1)
    assert GroupState.from_stored(state.to_stored()) == state
