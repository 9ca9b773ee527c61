"""The local runner serves the emulated AWS APIs over HTTP, as LocalStack does (SPEC §12): the aws
CLI and boto3 reach the runner's own table and bus, and the template's rules deliver what is put there."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import boto3
import pytest

from local.template import LOCAL_REGION, LocalStack
from shared.domain.timestamps import isoformat, utc_now
from tests.e2e.runner import RunningSystem

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
