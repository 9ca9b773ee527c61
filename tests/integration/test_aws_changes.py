"""§20: AWS's own deployment services, without a webhook. Their state changes, put on the default
bus, reach the template's rules and become changes of the account's AWS pipeline."""

from __future__ import annotations

import json
import logging
from typing import Any

import boto3
import pytest

from local.template import LOCAL_ACCOUNT_ID, LOCAL_REGION
from shared.domain.ids import event_id_for
from shared.domain.normalisers.aws import AwsChange, read_change
from shared.domain.timestamps import utc_now
from shared.logic.aws_changes import take_aws_event
from tests.conftest import Api, Aws
from tests.fixture_files import fixture_json

AWS_PIPELINE = f"aws-{LOCAL_ACCOUNT_ID}"
ECS = "aws_changes/ecs-deployment-state-change.{}.aws-docs.json"
CODEPIPELINE = "aws_changes/codepipeline-execution-state-change-event.aws-lambda-go.json"


def put_on_default_bus(aws: Aws, event: dict[str, Any]) -> None:
    """What the AWS service does: its event on the account's default bus, then the rules run."""
    entry = {
        "Source": event["source"],
        "DetailType": event["detail-type"],
        "Resources": event["resources"],
        "Detail": json.dumps(event["detail"]),
    }
    events = boto3.client("events", region_name=LOCAL_REGION)
    assert events.put_events(Entries=[entry])["FailedEntryCount"] == 0
    aws.emulated.dispatcher.deliver_pending()


def stored_change(api: Api, event: dict[str, Any]) -> dict[str, Any]:
    """The stored change of a fixture's deployment, by the id its natural key gives in the AWS pipeline."""
    read = read_change({**event, "account": LOCAL_ACCOUNT_ID})
    assert isinstance(read, AwsChange)
    event_id = event_id_for(AWS_PIPELINE, read.change.natural_key)
    response = api.call("GET", f"/api/deployment-events/{event_id}")
    assert response.status == 200, response.body
    stored: dict[str, Any] = response.json()
    return stored


@pytest.mark.parametrize(
    ("fixture", "service", "status"),
    [
        ("aws_changes/codedeploy-deployment-event.aws-lambda-go.json", "myApplication", "success"),
        (CODEPIPELINE, "myPipeline", "in_progress"),
        (ECS.format("in-progress"), "servicetest", "in_progress"),
        (ECS.format("completed"), "servicetest", "success"),
        (ECS.format("failed"), "servicetest", "failure"),
        (ECS.format("rollback-in-progress"), "servicetest", "in_progress"),
        ("aws_changes/appconfig-deployment.on-deployment-complete.aws-docs.json", "MyApp", "success"),
    ],
)
def test_each_aws_deployment_event_becomes_a_change_of_the_aws_pipeline(
    aws: Aws, api: Api, fixture: str, service: str, status: str
) -> None:
    # Given a real event of an AWS deployment service
    event = fixture_json(fixture)
    # When it is put on the account's default bus
    put_on_default_bus(aws, event)
    # Then it is stored as a deployment of the account's AWS pipeline, created on first use
    change = stored_change(api, event)
    assert change["pipelineId"] == AWS_PIPELINE
    assert change["integrationType"] == "AWS"
    assert change["kind"] == "deployment"
    assert (change["service"], change["status"]) == (service, status)
    pipeline = api.call("GET", f"/api/deployment-pipelines/{AWS_PIPELINE}").json()
    assert pipeline["integrationType"] == "AWS"


def test_appconfig_names_its_environment_and_codedeploy_its_group(aws: Aws, api: Api) -> None:
    # Given AppConfig's and CodeDeploy's events, whose resources carry no environment tag
    appconfig = fixture_json("aws_changes/appconfig-deployment.on-deployment-complete.aws-docs.json")
    codedeploy = fixture_json("aws_changes/codedeploy-deployment-event.aws-lambda-go.json")
    # When both are put on the default bus
    put_on_default_bus(aws, appconfig)
    put_on_default_bus(aws, codedeploy)
    # Then AppConfig's environment is its environment's name, its version the configuration's
    stored = stored_change(api, appconfig)
    assert (stored["environment"], stored["version"]) == ("MyEnv", "1")
    # And CodeDeploy's deployment group is named
    assert stored_change(api, codedeploy)["customDetails"]["deploymentGroup"] == "myDeploymentGroup"


def test_a_later_state_updates_the_same_change(aws: Aws, api: Api) -> None:
    # Given an ECS deployment in progress, recorded
    started = fixture_json(ECS.format("in-progress"))
    put_on_default_bus(aws, started)
    # When its completion arrives (the same second: the later state wins)
    put_on_default_bus(aws, fixture_json(ECS.format("completed")))
    # Then the one change is now a success, and no second one was stored
    assert stored_change(api, started)["status"] == "success"
    assert len(aws.stored_event_ids()) == 1


def test_a_pipeline_execution_started_then_succeeded_is_one_change(aws: Aws, api: Api) -> None:
    # Given a CodePipeline execution that started
    started = fixture_json(CODEPIPELINE)
    put_on_default_bus(aws, started)
    # When the same execution succeeds
    succeeded = {**started, "detail": {**started["detail"], "state": "SUCCEEDED"}}
    put_on_default_bus(aws, succeeded)
    # Then its one change says success
    assert stored_change(api, started)["status"] == "success"
    assert len(aws.stored_event_ids()) == 1


def test_an_ecs_deployment_that_failed_and_rolled_back_is_a_failure(aws: Aws, api: Api) -> None:
    # Given an ECS deployment that failed
    failed = fixture_json(ECS.format("failed"))
    put_on_default_bus(aws, failed)
    # When the circuit breaker starts rolling it back
    put_on_default_bus(aws, fixture_json(ECS.format("rollback-in-progress")))
    # Then the change stays a failure, marked as rolled back
    stored = stored_change(api, failed)
    assert stored["status"] == "failure"
    assert stored["customDetails"]["rolledBack"] is True
    assert stored["customDetails"]["rollbackTo"] == "deploymentID"
    # And §19 counts it failed, by ECS's word (its rollback names no change of ours)
    assert stored["failure"] == {"detectedBy": "EXPLICIT"}


def ecs_state(name: str, deployment_id: str, updated_at: str, reason: str | None = None) -> dict[str, Any]:
    """A documented ECS event with its deployment id, time and reason set: the documentation's
    examples share one id, where ECS gives the rollback a deployment of its own."""
    event = fixture_json(ECS.format(name))
    detail = {**event["detail"], "deploymentId": deployment_id, "updatedAt": updated_at}
    if reason is not None:
        detail["reason"] = reason
    return {**event, "detail": detail}


def test_a_rollback_under_its_own_deployment_id_marks_the_deployment_it_undoes(aws: Aws, api: Api) -> None:
    # Given a completed deployment, then a newer one that failed
    put_on_default_bus(aws, ecs_state("completed", "ecs-svc/stable", "2020-05-23T10:00:00Z"))
    failed = ecs_state("failed", "ecs-svc/broken", "2020-05-23T11:00:00Z")
    put_on_default_bus(aws, failed)
    # When the circuit breaker's rollback starts under a deployment id of its own, then completes
    reason = "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/stable."
    rollback = ecs_state("rollback-in-progress", "ecs-svc/rollback", "2020-05-23T11:05:00Z", reason)
    put_on_default_bus(aws, rollback)
    put_on_default_bus(aws, ecs_state("completed", "ecs-svc/rollback", "2020-05-23T11:09:00Z", ""))
    # Then the failed deployment is the failed change, remediated by the rollback, and recovered
    # when the rollback completed, 9 minutes after it failed
    rolled_back = stored_change(api, rollback)
    assert stored_change(api, failed)["failure"] == {
        "detectedBy": "EXPLICIT",
        "remediatedBy": rolled_back["id"],
        "recoveryMinutes": 9.0,
    }
    # And the rollback, completed, still remediates it; the deployment it returned to is not failed
    assert (rolled_back["status"], rolled_back["remediates"]) == ("success", stored_change(api, failed)["id"])
    stable = ecs_state("completed", "ecs-svc/stable", "2020-05-23T10:00:00Z")
    assert stored_change(api, stable).get("failure") is None


def test_an_earlier_state_arriving_late_leaves_the_change_as_it_is(aws: Aws, api: Api) -> None:
    # Given an ECS deployment recorded as completed
    completed = fixture_json(ECS.format("completed"))
    put_on_default_bus(aws, completed)
    # When its in-progress state arrives late
    put_on_default_bus(aws, fixture_json(ECS.format("in-progress")))
    # Then it is still a success
    assert stored_change(api, completed)["status"] == "success"


def test_an_unknown_detail_type_is_ignored(aws: Aws) -> None:
    # Given a CodePipeline action execution event, which is no deployment of its own
    event = fixture_json("aws_changes/codepipeline-action-execution-stage-change-event.aws-lambda-go.json")
    # When the function is handed it
    outcome = take_aws_event(event, utc_now())
    # Then it is ignored and nothing is stored
    assert outcome.status == "ignored"
    assert aws.stored_event_ids() == set()


def test_a_malformed_event_is_logged_and_dropped(aws: Aws, caplog: pytest.LogCaptureFixture) -> None:
    # Given an ECS event whose detail has no deployment id
    event = fixture_json(ECS.format("completed"))
    del event["detail"]["deploymentId"]
    # When the function is handed it
    outcome = take_aws_event(event, utc_now())
    # Then it is dropped (not raised, which would retry it), and the log names the field only
    assert outcome.status == "ignored"
    [warning] = [record.__dict__ for record in caplog.records if record.levelno == logging.WARNING]
    assert warning["fields"] == ["detail.deploymentId"]
    assert aws.stored_event_ids() == set()


def test_teams_and_environment_come_from_the_resources_tags(aws: Aws, api: Api) -> None:
    # Given an ECS service tagged with its teams and environment
    ecs = boto3.client("ecs", region_name=LOCAL_REGION)
    ecs.create_cluster(clusterName="default")
    service = ecs.create_service(
        cluster="default",
        serviceName="servicetest",
        tags=[{"key": "team", "value": "payments,checkout"}, {"key": "environment", "value": "production"}],
    )["service"]
    event = fixture_json(ECS.format("completed"))
    event["resources"] = [service["serviceArn"]]
    # When its deployment completes
    put_on_default_bus(aws, event)
    # Then the change belongs to the tagged teams, in the tagged environment
    stored = stored_change(api, event)
    assert stored["teams"] == ["payments", "checkout"]
    assert stored["environment"] == "production"


def test_without_a_team_tag_the_pipelines_teams_apply(aws: Aws, api: Api) -> None:
    # Given the AWS pipeline, created by a first change, then given a team
    first = fixture_json(ECS.format("in-progress"))
    put_on_default_bus(aws, first)
    body = {"name": "AWS", "teams": [{"id": "platform"}]}
    assert api.call("PUT", f"/api/deployment-pipelines/{AWS_PIPELINE}", body).status == 200
    # When a change of an untagged resource arrives
    codedeploy = fixture_json("aws_changes/codedeploy-deployment-event.aws-lambda-go.json")
    put_on_default_bus(aws, codedeploy)
    # Then it belongs to the pipeline's team
    assert stored_change(api, codedeploy)["teams"] == ["platform"]


def test_each_aws_change_is_in_the_pipelines_delivery_log(aws: Aws, api: Api) -> None:
    # Given a completed ECS deployment, put on the default bus twice (EventBridge may deliver twice)
    event = fixture_json(ECS.format("completed"))
    put_on_default_bus(aws, event)
    put_on_default_bus(aws, event)
    # When the AWS pipeline's delivery log is read
    response = api.call("GET", f"/api/deployment-pipelines/{AWS_PIPELINE}/deliveries")
    # Then it lists the change and then its duplicate, with the event's detail-type
    assert response.status == 200, response.body
    entries = response.json()["items"]
    assert [entry["outcome"] for entry in entries] == ["duplicate", "accepted"]
    assert {entry["eventType"] for entry in entries} == {"ECS Deployment State Change"}


def test_an_aws_pipeline_cannot_be_created_by_a_request(api: Api) -> None:
    # Given an admin
    # When they ask for a pipeline of type AWS
    response = api.call("POST", "/api/deployment-pipelines", {"name": "mine", "integrationType": "AWS"})
    # Then it is refused, naming the field: the account's AWS pipeline is created by its first change
    assert response.status == 422
    assert "integrationType" in response.body.decode()
