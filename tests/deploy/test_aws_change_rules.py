"""§20: the account's own deployment services reach the AWS pipeline through rules on the default
bus, one per service, switched by ``AwsChangeEvents``; the tag lookups name this account's resources."""

from __future__ import annotations

import json

import pytest

from tests.deploy.checks import policy_findings
from tests.deploy.emulated import client, deploy

SOURCES = {"aws.codedeploy", "aws.ecs", "aws.codepipeline", "aws.appconfig"}


def _aws_change_rules() -> dict[str, dict[str, object]]:
    events = client("events")
    return {
        rule["Name"]: rule
        for rule in events.list_rules(EventBusName="default")["Rules"]
        if set(json.loads(rule["EventPattern"]).get("source", [])) & SOURCES
    }


def test_the_aws_change_rules_are_on_the_default_bus_and_target_their_function(account: None) -> None:
    # Given the stack deployed with its defaults
    deployment = deploy("deployment-events", {})
    function = deployment.arns["AwsChangesFunction"]
    # When the default bus's rules for AWS's deployment services are read
    rules = _aws_change_rules()
    # Then there is one per service, enabled, each targeting the function with a retry policy and a dead-letter queue
    assert {source for rule in rules.values() for source in json.loads(str(rule["EventPattern"]))["source"]} == SOURCES
    assert {rule["State"] for rule in rules.values()} == {"ENABLED"}
    for name in rules:
        [target] = client("events").list_targets_by_rule(Rule=name, EventBusName="default")["Targets"]
        assert target["Arn"] == function
        assert target["DeadLetterConfig"]["Arn"] == deployment.arns["AwsChangeDeliveryDeadLetterQueue"]
        assert "RetryPolicy" in target


@pytest.mark.parametrize(("value", "state"), [("Enabled", "ENABLED"), ("Disabled", "DISABLED")])
def test_aws_change_events_switches_the_rules(account: None, value: str, state: str) -> None:
    # Given the parameter AwsChangeEvents
    # When the stack is deployed with it
    deploy("deployment-events", {"AwsChangeEvents": value})
    # Then the four rules are there, in the state it names
    rules = _aws_change_rules()
    assert len(rules) == 4
    assert {rule["State"] for rule in rules.values()} == {state}


def test_the_tag_lookups_read_only_this_accounts_resources(account: None) -> None:
    # Given the stack deployed with its defaults
    deployment = deploy("deployment-events", {})
    # When its roles' policies are checked
    # Then every statement names the stack's resources, or tag reads of this account's resources
    assert policy_findings(deployment) == []
    role = client("lambda").get_function(FunctionName=deployment.of_type("AWS::Lambda::Function")["AwsChangesFunction"])
    role_name = role["Configuration"]["Role"].rsplit("/", 1)[-1]
    iam = client("iam")
    actions = {
        action
        for name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]
        for statement in iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]["Statement"]
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    }
    assert "tag:GetResources" not in actions
    assert {"ecs:ListTagsForResource", "codedeploy:ListTagsForResource"} <= actions
