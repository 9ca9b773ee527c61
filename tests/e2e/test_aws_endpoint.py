"""The local runner serves the emulated AWS APIs over HTTP, as LocalStack does (§12): the aws
CLI and boto3 reach the runner's own table and bus, and the template's rules deliver what is put there."""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import quote

import boto3
import pytest

from local.template import LOCAL_REGION, LocalStack
from shared.domain.timestamps import isoformat, utc_now
from tests.e2e.runner import RunningSystem
from tests.fixture_files import fixture_json

pytestmark = pytest.mark.e2e


def aws_client(system: RunningSystem, service: str) -> Any:
    """A boto3 client of the runner's endpoint, with the dummy credentials any emulator takes."""
    match = next(match for line in system.output if (match := re.search(r"aws endpoint: (http://\S+)", line)))
    return boto3.client(
        service,
        endpoint_url=match[1],
        region_name=LOCAL_REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def test_the_template_table_is_listed_and_queryable(system: RunningSystem) -> None:
    # Given the runner's table, named by the template, and a pipeline the runner stored in it
    stack = LocalStack({})
    [table_id] = stack.resources_of_type("AWS::DynamoDB::Table")
    definition = stack.table_definition(table_id)
    table_name = definition["TableName"]
    created = system.request("POST", "/api/deployment-pipelines", {"name": "aws-endpoint", "integrationType": "API"})
    assert created.status == 201, created.body
    dynamodb = aws_client(system, "dynamodb")
    # When DynamoDB is asked through the endpoint
    tables = dynamodb.list_tables()["TableNames"]
    items = dynamodb.scan(TableName=table_name)["Items"]
    # Then the table is there, holds what the runner wrote, and answers a query on its partition key
    assert table_name in tables
    [pipeline_item, *_] = [item for item in items if created.json()["id"] in json.dumps(item)]
    [partition_key] = [key for key in definition["KeySchema"] if key["KeyType"] == "HASH"]
    queried = dynamodb.query(
        TableName=table_name,
        KeyConditionExpression="#key = :value",
        ExpressionAttributeNames={"#key": partition_key["AttributeName"]},
        ExpressionAttributeValues={":value": pipeline_item[partition_key["AttributeName"]]},
    )["Items"]
    assert pipeline_item in queried


def test_an_alert_put_on_the_stack_bus_through_the_endpoint_is_enriched(system: RunningSystem) -> None:
    # Given the stack's bus and the alert source its rule listens to
    stack = LocalStack({})
    [bus_id] = stack.resources_of_type("AWS::Events::EventBus")
    alert = {"id": "aws-endpoint-alert-1", "reportTime": isoformat(utc_now()), "summary": "Put through the endpoint"}
    # When an Alert Created event is put through the endpoint, as `aws events put-events` puts it
    put = aws_client(system, "events").put_events(
        Entries=[
            {
                "EventBusName": stack.physical_name(bus_id),
                "Source": stack.parameters["AlertEventSource"],
                "DetailType": "Alert Created",
                "Detail": json.dumps(alert),
            }
        ]
    )
    assert put["FailedEntryCount"] == 0, put
    # Then the template's rules take it to correlation: the alert gets its enrichment
    deadline = time.monotonic() + 10
    while (response := system.request("GET", f"/api/alerts/{alert['id']}/deployments")).status == 404:
        assert time.monotonic() < deadline, "not enriched:\n" + "".join(system.output[-40:])
        time.sleep(0.05)
    assert response.status == 200, response.body
    enrichment = response.json()
    assert enrichment["alertId"] == alert["id"]
    assert enrichment["alert"]["summary"] == alert["summary"]


def wait_for_enrichment(system: RunningSystem, alert_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    path = f"/api/alerts/{quote(alert_id, safe='')}/deployments"
    while (response := system.request("GET", path)).status == 404:
        assert time.monotonic() < deadline, "not enriched:\n" + "".join(system.output[-40:])
        time.sleep(0.05)
    assert response.status == 200, response.body
    enriched: dict[str, Any] = response.json()
    return enriched


def test_a_cloudwatch_alarm_put_on_the_default_bus_is_correlated_with_the_registered_teams(
    system: RunningSystem,
) -> None:
    # Given an alarm's name registered with team payments, which owns a pipeline with a deployment
    alarm = fixture_json("alerts/cloudwatch/eventbridge.alarm-state-change.single-metric.aws-docs.json")
    name = f"e2e-{time.monotonic_ns()}"
    alarm["detail"]["alarmName"] = name
    alarm["resources"] = [f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:{name}"]
    now = utc_now()
    alarm["detail"]["state"]["timestamp"] = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}+0000"
    registered = system.request("PUT", f"/api/alert-sources/{name}", {"name": name, "teams": [{"id": "payments"}]})
    assert registered.status == 200, registered.body
    pipeline = system.request(
        "POST", "/api/deployment-pipelines", {"name": "alarms", "integrationType": "API", "teams": [{"id": "payments"}]}
    ).json()
    system.request("POST", "/api/deployment-events", {"integrationKey": pipeline["integrationKey"], "summary": "v9"})
    # When CloudWatch's event is put on the default bus through the endpoint, as `aws events put-events` would
    entry = {
        "Source": alarm["source"],
        "DetailType": alarm["detail-type"],
        "Resources": alarm["resources"],
        "Detail": json.dumps(alarm["detail"]),
    }
    assert aws_client(system, "events").put_events(Entries=[entry])["FailedEntryCount"] == 0
    # Then the template's rule takes it to correlation, TEAM-scoped by the registry
    enrichment = wait_for_enrichment(system, f"{alarm['resources'][0]}:{alarm['detail']['state']['timestamp']}")
    assert enrichment["scope"] == "TEAM"
    assert enrichment["alert"]["alertSource"]["integrationType"] == "CLOUDWATCH"
    assert "v9" in [deployment["summary"] for deployment in enrichment["deployments"]]


def test_an_alarm_configuration_change_is_filtered_out_by_the_rule(system: RunningSystem) -> None:
    change = fixture_json("alerts/cloudwatch/eventbridge.alarm-configuration-change.update-metric-alarm.aws-docs.json")
    entry = {
        "Source": change["source"],
        "DetailType": change["detail-type"],
        "Resources": change["resources"],
        "Detail": json.dumps(change["detail"]),
    }
    assert aws_client(system, "events").put_events(Entries=[entry])["FailedEntryCount"] == 0
    time.sleep(1)
    assert not [line for line in system.output if "alert correlated" in line and change["detail"]["alarmName"] in line]


def test_an_alertmanager_delivery_over_http_is_enriched(system: RunningSystem) -> None:
    created = system.request("POST", "/api/alert-sources", {"name": "am-e2e", "integrationType": "ALERTMANAGER"}).json()
    delivery = fixture_json("alerts/alertmanager/firing.two-alerts.zulip.json")
    for alert in delivery["alerts"]:
        alert["startsAt"] = isoformat(utc_now())
    path = f"/api/v1/alerts/alertmanager/{created['integrationKey']}"
    response = system.request("POST", path, delivery, admin=False)
    assert response.status == 202, response.body
    for alert_id in response.json()["alerts"]:
        assert wait_for_enrichment(system, alert_id)["alertId"] == alert_id
