"""The checks catch realistic template mistakes (§22): each case applies one to a copy of the template (or
of samconfig.toml's environments), deploys it as the suite deploys the real one, and expects a finding.
The mistakes find their targets by type, so they follow the template as it changes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.deploy.checks import account_findings
from tests.deploy.emulated import samconfig_environments, template_copy

Template = dict[str, Any]
Environments = dict[str, tuple[str, dict[str, str]]]


def _of_type(template: Template, resource_type: str) -> list[tuple[str, dict[str, Any]]]:
    return [(name, resource) for name, resource in template["Resources"].items() if resource["Type"] == resource_type]


def _statements(template: Template, action_prefix: str) -> Iterator[dict[str, Any]]:
    for _, function in _of_type(template, "AWS::Serverless::Function"):
        for policy in function["Properties"].get("Policies", []):
            for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
                actions = statement.get("Action", []) if isinstance(statement, dict) else []
                if any(
                    action.startswith(action_prefix) for action in ([actions] if isinstance(actions, str) else actions)
                ):
                    yield statement


def _table(template: Template) -> tuple[str, dict[str, Any]]:
    return _of_type(template, "AWS::DynamoDB::Table")[0]


def table_by_a_guessed_name(template: Template, _environments: Environments) -> None:
    statement = next(_statements(template, "dynamodb:"))
    statement["Resource"] = {"Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/events"}


def table_statement_on_the_bus(template: Template, _environments: Environments) -> None:
    [(bus, _resource)] = _of_type(template, "AWS::Events::EventBus")
    next(_statements(template, "dynamodb:"))["Resource"] = {"Fn::GetAtt": [bus, "Arn"]}


def index_misspelt(template: Template, _environments: Environments) -> None:
    table, _resource = _table(template)
    statement = next(s for s in _statements(template, "dynamodb:Query") if "/index/" in str(s["Resource"]))
    statement["Resource"] = {"Fn::Sub": f"${{{table}.Arn}}/index/Listng"}


def ssm_parameter_misspelt(template: Template, _environments: Environments) -> None:
    statement = next(_statements(template, "ssm:"))
    statement["Resource"] = {
        "Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/deployment-events/admin-tokn"
    }


def dead_letter_queue_left_out_of_its_policy(template: Template, _environments: Environments) -> None:
    [(_, policy)] = _of_type(template, "AWS::SQS::QueuePolicy")
    left_out = policy["Properties"]["Queues"].pop()["Ref"]
    for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
        statement["Resource"] = [arn for arn in statement["Resource"] if arn["Fn::GetAtt"][0] != left_out]


def dead_letter_queue_arn_left_out_of_its_statement(template: Template, _environments: Environments) -> None:
    [(_, policy)] = _of_type(template, "AWS::SQS::QueuePolicy")
    policy["Properties"]["PolicyDocument"]["Statement"][0]["Resource"].pop()


def alarm_on_the_wrong_queue(template: Template, _environments: Environments) -> None:
    first, second = (alarm["Properties"]["Dimensions"] for _, alarm in _of_type(template, "AWS::CloudWatch::Alarm")[:2])
    second[0]["Value"] = first[0]["Value"]


def alarm_on_a_queue_by_a_guessed_name(template: Template, _environments: Environments) -> None:
    _, alarm = _of_type(template, "AWS::CloudWatch::Alarm")[-1]
    alarm["Properties"]["Dimensions"][0]["Value"] = "NotifyDeadLetterQueue"


def alarm_notifying_another_topic(template: Template, _environments: Environments) -> None:
    _, alarm = _of_type(template, "AWS::CloudWatch::Alarm")[0]
    alarm["Properties"]["AlarmActions"] = ["arn:aws:sns:us-east-1:123456789012:someone-elses-topic"]


def topic_under_the_aws_managed_key(template: Template, _environments: Environments) -> None:
    [(_, topic)] = _of_type(template, "AWS::SNS::Topic")
    topic["Properties"]["KmsMasterKeyId"] = "alias/aws/sns"


def _first_rule(template: Template) -> dict[str, Any]:
    return next(
        event["Properties"]
        for _, function in _of_type(template, "AWS::Serverless::Function")
        for event in function["Properties"].get("Events", {}).values()
        if event["Type"] == "EventBridgeRule"
    )


def rule_without_dead_letter_queue(template: Template, _environments: Environments) -> None:
    del _first_rule(template)["DeadLetterConfig"]


def rule_without_retry_policy(template: Template, _environments: Environments) -> None:
    del _first_rule(template)["RetryPolicy"]


def table_without_ttl(template: Template, _environments: Environments) -> None:
    del _table(template)[1]["Properties"]["TimeToLiveSpecification"]


def table_without_point_in_time_recovery(template: Template, _environments: Environments) -> None:
    del _table(template)[1]["Properties"]["PointInTimeRecoverySpecification"]


def route_declared_twice(template: Template, _environments: Environments) -> None:
    functions = [function for _, function in _of_type(template, "AWS::Serverless::Function")]
    with_routes = [
        f for f in functions if any(e["Type"] == "HttpApi" for e in f["Properties"].get("Events", {}).values())
    ]
    taken = next(e for e in with_routes[0]["Properties"]["Events"].values() if e["Type"] == "HttpApi")
    with_routes[-1]["Properties"]["Events"]["SameRoute"] = {"Type": "HttpApi", "Properties": dict(taken["Properties"])}


def bus_name_shared_by_two_stacks(_: Template, environments: Environments) -> None:
    for _stack, overrides in environments.values():
        overrides.pop("AlertEventBusName", None)


def samconfig_override_outside_allowed_values(_: Template, environments: Environments) -> None:
    environments["prod"][1]["LogRetentionDays"] = "45"


MISTAKES: list[tuple[Callable[[Template, Environments], None], str]] = [
    (table_by_a_guessed_name, "table/events is no resource of the stack"),
    (table_statement_on_the_bus, "a resource of another service"),
    (index_misspelt, "/index/Listng is no resource of the stack"),
    (ssm_parameter_misspelt, "parameter/deployment-events/admin-tokn is no resource of the stack"),
    (dead_letter_queue_left_out_of_its_policy, "EventBridge may not send to its dead-letter queue"),
    (dead_letter_queue_arn_left_out_of_its_statement, "EventBridge may not send to its dead-letter queue"),
    (alarm_on_the_wrong_queue, "has 0 alarms, not one"),
    (alarm_on_a_queue_by_a_guessed_name, "watches ['NotifyDeadLetterQueue'], no dead-letter queue of the stack"),
    (alarm_notifying_another_topic, "not a topic of the stack"),
    (topic_under_the_aws_managed_key, "CloudWatch may not use its key alias/aws/sns"),
    (rule_without_dead_letter_queue, "has no dead-letter queue of the stack"),
    (rule_without_retry_policy, "has no retry policy"),
    (table_without_ttl, "TTL is DISABLED"),
    (table_without_point_in_time_recovery, "point-in-time recovery is off"),
    (route_declared_twice, "Transform AWS::Serverless-2016-10-31 failed"),
    (bus_name_shared_by_two_stacks, "CREATE_FAILED"),
    (samconfig_override_outside_allowed_values, "prod: refused: Parameter 'LogRetentionDays'"),
]


@pytest.mark.parametrize(("mistake", "expected"), MISTAKES, ids=[mistake.__name__ for mistake, _ in MISTAKES])
def test_the_checks_catch_a_seeded_mistake(
    account: None, mistake: Callable[[Template, Environments], None], expected: str
) -> None:
    # Given the template and samconfig.toml's environments with one realistic mistake
    template, environments = template_copy(), samconfig_environments()
    mistake(template, environments)
    if mistake.__name__.startswith(("bus_", "samconfig_")):
        deployed = environments
    else:
        deployed = {"default": environments["default"]}
    # When they are deployed into one account and checked
    found = account_findings(deployed, template)
    # Then the mistake is reported
    assert any(expected in finding for finding in found), found
