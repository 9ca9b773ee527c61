"""§22: CloudWatch alarms of any legal name and any team tag are correlated, through the
template's rule on the default bus and the correlate function."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import quote

import boto3
import pytest

from local.template import LOCAL_REGION
from shared.domain.timestamps import utc_now
from tests.conftest import Api, Bus
from tests.fixture_files import fixture_json

TAGGED = "alerts/cloudwatch/eventbridge.alarm-state-change.single-metric.with-alarm-tags.derived.json"


def put_alarm(name: str, teams: str) -> dict[str, Any]:
    """The tagged fixture renamed, tagged with ``teams``, in ALARM now, put on the default bus."""
    event: dict[str, Any] = fixture_json(TAGGED)
    event["detail"]["alarmName"] = name
    event["detail"]["alarmTags"]["team"] = teams
    event["resources"] = [event["resources"][0].rsplit(":", 1)[0] + f":{name}"]
    now = utc_now()
    event["detail"]["state"]["timestamp"] = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}+0000"
    entry = {
        "Source": event["source"],
        "DetailType": event["detail-type"],
        "Resources": event["resources"],
        "Detail": json.dumps(event["detail"]),
    }
    events = boto3.client("events", region_name=LOCAL_REGION)
    assert events.put_events(Entries=[entry])["FailedEntryCount"] == 0
    return event


def test_an_alarm_with_a_long_name_a_hash_and_51_teams_is_correlated(
    api: Api, alert_bus: Bus, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a deployment of team payments, and an alarm of 255 characters with '#', '/' and
    # spaces, tagged with payments and 50 more teams
    pipeline = api.create_pipeline("API", teams=[{"id": "payments"}])
    deployed = {"integrationKey": pipeline["integrationKey"], "summary": "shop v3"}
    assert api.call("POST", "/api/deployment-events", deployed).status == 202
    name = ("prod/eu-west-1 #payments latency " * 8)[:255]
    teams = ["payments", *(f"team-{number}" for number in range(50))]
    # When CloudWatch puts its state change on the default bus
    put_alarm(name, ",".join(teams))
    alert_bus.deliver()
    # Then the alarm is correlated, TEAM-scoped, with the deployment
    [enriched] = alert_bus.observed("Alert Enriched")
    enrichment = enriched["detail"]
    assert enrichment["scope"] == "TEAM"
    assert "shop v3" in [deployment["summary"] for deployment in enrichment["deployments"]]
    assert enrichment["alert"]["alertSource"]["name"] == name
    # And the alert can be read by its id, and the team left out is logged
    response = api.call("GET", f"/api/alerts/{quote(enrichment['alertId'], safe='')}/deployments")
    assert response.status == 200, response.body
    [cut] = [
        record.__dict__
        for record in caplog.records
        if record.levelno == logging.WARNING and "left out" in record.getMessage()
    ]
    assert cut["left_out"] == ["team-49"]
