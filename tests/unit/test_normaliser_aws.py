"""§20: the states of AWS's deployment services mapped to a change's status, one record per
deployment, and the tags of its resources read once per few minutes."""

from __future__ import annotations

from typing import Any

import pytest

from shared.adapters.resource_tags import TagLookupFailed
from shared.domain.errors import InvalidField
from shared.domain.normalisers.aws import AwsChange, read_change
from shared.domain.payloads import Ignored
from shared.logic.aws_changes import TAG_SECONDS, TagCache, tagged_teams
from tests.fixture_files import fixture_json

CODEDEPLOY = "aws_changes/codedeploy-deployment-event.aws-lambda-go.json"
CODEPIPELINE = "aws_changes/codepipeline-execution-state-change-event.aws-lambda-go.json"
APPCONFIG = "aws_changes/appconfig-deployment.on-deployment-complete.aws-docs.json"
ECS_FAILED = "aws_changes/ecs-deployment-state-change.failed.aws-docs.json"


def read(event: dict[str, Any]) -> AwsChange:
    change = read_change(event)
    assert isinstance(change, AwsChange)
    return change


def with_detail(name: str, **detail: Any) -> dict[str, Any]:
    event: dict[str, Any] = fixture_json(name)
    event["detail"] = {**event["detail"], **detail}
    return event


@pytest.mark.parametrize(
    ("state", "status"),
    [
        ("START", "in_progress"),
        ("READY", "in_progress"),
        ("SUCCESS", "success"),
        ("FAILURE", "failure"),
        ("STOP", "failure"),
    ],
)
def test_codedeploy_states(state: str, status: str) -> None:
    # Given CodeDeploy's event in one of its states
    # When it is read
    change = read(with_detail(CODEDEPLOY, state=state)).change
    # Then its status is the mapped one, and every state names the same deployment
    assert change.status == status
    assert change.natural_key == "aws:codedeploy:us-east-1:123456789012:d-123456789"


@pytest.mark.parametrize(
    ("state", "status"),
    [
        ("STARTED", "in_progress"),
        ("RESUMED", "in_progress"),
        ("SUCCEEDED", "success"),
        ("FAILED", "failure"),
        ("STOPPED", "failure"),
        ("CANCELED", "cancelled"),
        ("SUPERSEDED", "cancelled"),
    ],
)
def test_codepipeline_execution_states(state: str, status: str) -> None:
    # Given CodePipeline's execution event in one of its states
    # When it is read
    change = read(with_detail(CODEPIPELINE, state=state)).change
    # Then its status is the mapped one
    assert change.status == status


@pytest.mark.parametrize(
    ("detail_type", "status"),
    [
        ("On Deployment Start", "in_progress"),
        ("On Deployment Complete", "success"),
        ("On Deployment Rolled Back", "failure"),
    ],
)
def test_appconfig_action_points(detail_type: str, status: str) -> None:
    # Given AppConfig's deployment event at one of its action points
    event = fixture_json(APPCONFIG)
    event["detail-type"] = detail_type
    # When it is read
    read_event = read(event)
    # Then its status is the mapped one; a rollback says so; the application's tags are looked up
    assert read_event.change.status == status
    assert read_event.change.custom_details.get("rolledBack") is (True if status == "failure" else None)
    assert read_event.tagged[0] == "arn:aws:appconfig:us-east-1:111122223333:application/ba8toh7"


def test_later_states_are_newer_within_the_same_second() -> None:
    # Given a deployment's start and success, in the same second
    started = read(with_detail(CODEDEPLOY, state="START")).change.revision
    succeeded = read(with_detail(CODEDEPLOY, state="SUCCESS")).change.revision
    # When they are compared
    assert started is not None
    assert succeeded is not None
    # Then the success is the newer, and each state is its own identity
    assert succeeded.is_newer_than(started)
    assert not started.is_newer_than(succeeded)
    assert started.identity != succeeded.identity


def test_an_unknown_state_is_ignored() -> None:
    # Given an ECS event that is no deployment state
    event = with_detail(ECS_FAILED, eventName="SERVICE_TASK_PLACEMENT_FAILURE")
    # When it is read
    # Then it is ignored
    assert isinstance(read_change(event), Ignored)


def test_an_envelope_without_an_account_names_the_field() -> None:
    # Given an event without its account
    event = fixture_json(ECS_FAILED)
    del event["account"]
    # When it is read
    with pytest.raises(InvalidField) as raised:
        read_change(event)
    # Then the refusal names the field
    assert [problem.field for problem in raised.value.problems] == ["account"]


class CountingLookup:
    def __init__(self, tags: dict[str, str] | None = None) -> None:
        self.calls: list[str] = []
        self.tags = tags

    def __call__(self, arn: str) -> dict[str, str]:
        self.calls.append(arn)
        if self.tags is None:
            raise TagLookupFailed("AccessDeniedException")
        return self.tags


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_resources_tags_are_looked_up_once_for_a_few_minutes() -> None:
    # Given a cache of tags
    lookup, clock = CountingLookup({"team": "payments"}), Clock()
    cache = TagCache(lookup, clock)
    arn = "arn:aws:ecs:us-east-1:123456789012:service/default/shop"
    # When one resource's tags are asked for three times, the last after the cache's time
    first, second = cache.tags(arn), cache.tags(arn)
    clock.now += TAG_SECONDS
    third = cache.tags(arn)
    # Then AWS was asked twice: once, and once more when the time had passed
    assert first == second == third == {"team": "payments"}
    assert lookup.calls == [arn, arn]


def test_a_failed_lookup_counts_as_no_tags_and_is_not_repeated_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given tags that cannot be read (no permission), counted in the stack's namespace
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "DeploymentEvents")
    lookup = CountingLookup(None)
    cache = TagCache(lookup, Clock())
    arn = "arn:aws:codedeploy:us-east-1:123456789012:application:shop"
    # When they are asked for twice
    tags = [cache.tags(arn), cache.tags(arn)]
    # Then there are none, and AWS was asked once
    assert tags == [{}, {}]
    assert len(lookup.calls) == 1


def test_a_team_tag_names_each_team_once_and_at_most_as_many_as_a_pipeline_has() -> None:
    # Given a team tag naming twelve teams, one of them twice, with spaces
    tag = " payments, payments ," + ",".join(f"team-{number}" for number in range(11))
    # When the change's teams are read from it
    teams = tagged_teams({"team": tag})
    # Then each is named once, and the first ten are kept
    assert teams == ["payments", *(f"team-{number}" for number in range(9))]
    # And without the tag, there are none (the pipeline's apply)
    assert tagged_teams({"environment": "production"}) is None
