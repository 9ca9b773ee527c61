"""`make demo`'s AWS step (§20): an ECS deployment that starts and completes, put on the default bus
through the emulated AWS endpoint, becomes one change of the account's AWS pipeline."""

from __future__ import annotations

import json
import time
import urllib.error
from typing import TYPE_CHECKING, Any

import boto3

from local.template import LOCAL_ACCOUNT_ID, LOCAL_REGION, REPOSITORY_ROOT
from shared.domain.ids import event_id_for
from shared.domain.normalisers.aws import AwsChange, read_change
from shared.domain.timestamps import isoformat, utc_now

if TYPE_CHECKING:
    from local.demo import Client

ECS_FIXTURE = REPOSITORY_ROOT / "tests" / "fixtures" / "aws_changes" / "ecs-deployment-state-change.{}.aws-docs.json"
WAIT_SECONDS = 10.0


def _ecs_event(state: str) -> dict[str, Any]:
    """The real ECS event, as if it happened now."""
    event: dict[str, Any] = json.loads(ECS_FIXTURE.with_name(ECS_FIXTURE.name.format(state)).read_text())
    event["detail"]["updatedAt"] = isoformat(utc_now())
    return event


def _stored(client: Client, event_id: str, status: str) -> dict[str, Any] | None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            stored: dict[str, Any] = client.call("GET", f"/api/deployment-events/{event_id}")
        except urllib.error.HTTPError:
            stored = {}
        if stored.get("status") == status:
            return stored
        time.sleep(0.2)
    return None


def aws_deployment(client: Client, aws_endpoint: str) -> None:
    """ECS's in-progress and completed states of one deployment: one change, updated."""
    events = boto3.client(
        "events",
        endpoint_url=aws_endpoint,
        region_name=LOCAL_REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    print(f"\nAn ECS deployment, started then completed, put on the default bus at {aws_endpoint}:")
    for state in ("in-progress", "completed"):
        event = _ecs_event(state)
        entry = {
            "Source": event["source"],
            "DetailType": event["detail-type"],
            "Resources": event["resources"],
            "Detail": json.dumps(event["detail"]),
        }
        events.put_events(Entries=[entry])
        time.sleep(0.5)
    read = read_change({**event, "account": LOCAL_ACCOUNT_ID})
    natural_key = read.change.natural_key if isinstance(read, AwsChange) else None
    stored = _stored(client, event_id_for(f"aws-{LOCAL_ACCOUNT_ID}", natural_key), "success") if natural_key else None
    if stored is None:
        print("  (not recorded yet; see GET /api/deployment-pipelines/aws-123456789012/deliveries)")
        return
    print(f"  {stored['pipelineName']}: {stored['summary']} [{stored['status']}]")
