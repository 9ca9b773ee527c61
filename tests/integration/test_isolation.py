"""Randomised worlds of pipelines, teams and deployments: every enrichment lists what a naive
reading of §5 allows, and a TEAM-scoped one never shows another team's deployment."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from shared.domain.timestamps import isoformat, utc_now
from tests.conftest import JSON, Api, Bus
from tests.recording_server import RecordingServer, recording_server
from tests.reference_correlation import RefAlert, RefEvent, eligible

TEAMS = ["payments", "checkout", "search", "platform", "growth"]
REPOSITORIES = ["acme/shop", "acme/search", "acme/web", None]
ENVIRONMENTS = ["production", "staging", None]
VERSIONS = ["v1", "v2", None]


@pytest.fixture
def slack() -> Iterator[RecordingServer]:
    with recording_server() as server:
        yield server


@pytest.mark.parametrize("through", ["bus", "alert source"])
@pytest.mark.parametrize("seed", range(6))
def test_enrichments_match_the_reference_and_never_leak_across_teams(
    api: Api, alert_bus: Bus, seed: int, through: str, slack: RecordingServer
) -> None:
    chance = random.Random(seed)
    now = utc_now().replace(microsecond=0)
    # Given pipelines owned by random teams (some by none, some by two), one of them deleted
    pipelines = []
    for index in range(6):
        owners = chance.sample(TEAMS[:4], chance.choice([0, 1, 1, 2]))
        created = api.create_pipeline("API", name=f"p{index}", teams=[{"id": team} for team in owners])
        pipelines.append((created, frozenset(owners)))
    # And deployments of those pipelines over the last nine days
    events: list[RefEvent] = []
    for index in range(36):
        pipeline, teams = chance.choice(pipelines)
        at = now - timedelta(seconds=chance.randint(0, 9 * 24 * 3600))
        fields: dict[str, Any] = {
            "repository": chance.choice(REPOSITORIES),
            "environment": chance.choice(ENVIRONMENTS),
            "version": chance.choice(VERSIONS),
        }
        body = {"integrationKey": pipeline["integrationKey"], "summary": f"deploy {index}", "timestamp": isoformat(at)}
        body.update({name: value for name, value in fields.items() if value is not None})
        response = api.call("POST", "/api/deployment-events", body)
        assert response.status == 202
        events.append(RefEvent(id=response.json()["id"], teams=teams, timestamp=at, **fields))
    deleted, _ = pipelines.pop(chance.randrange(len(pipelines)))
    assert api.call("DELETE", f"/api/deployment-pipelines/{deleted['id']}").status == 204
    owning = {team for _, teams in pipelines for team in teams}
    # When alerts with random teams and labels arrive, on the bus or through an alert source (whose
    # team label names the teams, and which posts every enrichment to Slack)
    source_path = ""
    if through == "alert source":
        created = api.call(
            "POST",
            "/api/alert-sources",
            {
                "name": "generic",
                "integrationType": "GENERIC",
                "notifications": [{"type": "SLACK", "webhookUrl": f"{slack.url}/hook"}],
            },
        ).json()
        source_path = f"/api/v1/alerts/generic/{created['integrationKey']}"
    alerts = []
    for index in range(8):
        report_time = now - timedelta(seconds=chance.randint(0, 3 * 24 * 3600))
        source = frozenset(chance.sample(TEAMS, chance.choice([0, 1, 2])))
        policy = frozenset(chance.sample(TEAMS, chance.choice([0, 0, 1])))
        labels = {
            name: value
            for name, value in (
                ("repository", chance.choice(REPOSITORIES)),
                ("service", chance.choice(["shop", "search", None])),
                ("environment", chance.choice(ENVIRONMENTS)),
            )
            if value is not None and chance.random() < 0.5
        }
        alert_id = f"iso-{seed}-{index}"
        if source_path:
            teams_label = {"team": ",".join(sorted(source))} if source else {}
            alert = {"id": alert_id, "reportTime": isoformat(report_time), "labels": {**labels, **teams_label}}
            posted = api.call("POST", source_path, json.dumps(alert).encode(), {"authorization": "", **JSON})
            assert posted.status == 202, posted.body
            alerts.append((alert_id, RefAlert(report_time, source, frozenset(), labels)))
            continue
        alert_bus.put_alert(
            {
                "id": alert_id,
                "reportTime": isoformat(report_time),
                "alertSource": {"id": 1, "teams": [{"id": team} for team in sorted(source)]},
                "escalationPolicy": {"id": 2, "teams": [{"id": team} for team in sorted(policy)]},
                "labels": labels,
            }
        )
        alerts.append((alert_id, RefAlert(report_time, source, policy, labels)))
    alert_bus.deliver()
    # Then each enrichment is the reference's, and TEAM scope shows only claiming teams' deployments
    teams_of = {event.id: event.teams for event in events}
    scopes_seen = set()
    for alert_id, reference in alerts:
        scope, claiming, candidates = eligible(reference, events, owning, timedelta(days=7), timedelta(hours=2))
        enrichment = api.call("GET", f"/api/alerts/{alert_id}/deployments").json()
        assert enrichment["scope"] == scope, alert_id
        assert {team["id"] for team in enrichment["claimingTeams"]} == claiming
        listed = [item["id"] for item in enrichment["deployments"]]
        assert set(listed) <= candidates, alert_id
        assert len(listed) == min(3, len(candidates)), alert_id
        scopes_seen.add((scope, bool(candidates)))
        if scope == "TEAM":
            assert all(teams_of[item["id"]] & claiming for item in enrichment["deployments"])
    # And the world exercised both scopes
    assert {scope for scope, _ in scopes_seen} == {"TEAM", "ACCOUNT"}
    # And no Slack message of a TEAM-scoped alert names a deployment its claiming teams do not own
    if through == "alert source":
        teams_of_summary = {f"deploy {index}": event.teams for index, event in enumerate(events)}
        claiming_of = {
            alert_id: eligible(ref, events, owning, timedelta(days=7), timedelta(hours=2)) for alert_id, ref in alerts
        }
        assert slack.requests
        named_anywhere = False
        for request in slack.requests:
            text = request.body.decode()
            [alert_id] = [alert_id for alert_id, _ in alerts if f"`{alert_id}`" in text]
            scope, claiming, _ = claiming_of[alert_id]
            forms = ("{}>", "*{}*", '\\"{}\\"')  # linked, in bold, or quoted in the sentence of §17
            named = {summary for summary in teams_of_summary if any(form.format(summary) in text for form in forms)}
            named_anywhere = named_anywhere or bool(named)
            if scope == "TEAM":
                assert all(teams_of_summary[summary] & claiming for summary in named), alert_id
        # (a message whose changes are all unlikely names none of them, §17; the others do)
        assert named_anywhere
