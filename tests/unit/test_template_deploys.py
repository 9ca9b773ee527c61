"""What AWS itself would refuse or silently break in the template, held against AWS's rules (§22):
the operator alarms' topic must be usable by CloudWatch, and a bus name must be one EventBridge
accepts for a custom bus."""

from __future__ import annotations

import re
from typing import Any

import pytest

from local.template import REPOSITORY_ROOT, load_template

TEMPLATE = load_template()
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]


def _statements_for(key_logical_id: str, service: str) -> list[dict[str, Any]]:
    policy = RESOURCES[key_logical_id]["Properties"]["KeyPolicy"]
    return [
        statement
        for statement in policy["Statement"]
        if statement["Effect"] == "Allow" and statement.get("Principal", {}).get("Service") == service
    ]


def test_cloudwatch_alarms_can_publish_to_the_operator_topic() -> None:
    # Given the topic every dead-letter alarm notifies
    topic = RESOURCES["OperatorAlarmTopic"]["Properties"]
    key = topic["KmsMasterKeyId"]
    # Then it is not encrypted with the AWS managed key, which CloudWatch alarms cannot use
    assert key != "alias/aws/sns"
    # And its key is the stack's own, whose policy lets CloudWatch encrypt what it publishes
    assert key == {"Ref": "OperatorAlarmKey"}
    [statement] = _statements_for("OperatorAlarmKey", "cloudwatch.amazonaws.com")
    assert {"kms:Decrypt", "kms:GenerateDataKey*"} <= set(statement["Action"])
    # And only for this account's alarms
    assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert RESOURCES["OperatorAlarmKey"]["Properties"]["EnableKeyRotation"] is True


@pytest.mark.parametrize(
    ("bus_name", "accepted"),
    [
        ("deployment-events", True),
        ("team.alerts_2", True),
        ("a" * 256, True),
        ("default", False),
        ("alerts/prod", False),
        ("a" * 257, False),
        ("", False),
    ],
)
def test_the_bus_name_parameter_admits_only_names_eventbridge_accepts(bus_name: str, accepted: bool) -> None:
    # Given the parameter naming the custom bus this stack creates
    parameter = TEMPLATE["Parameters"]["AlertEventBusName"]
    # When a name is held against its pattern (CloudFormation matches the whole value)
    admitted = re.fullmatch(parameter["AllowedPattern"], bus_name) is not None
    # Then it admits exactly the names EventBridge takes for a custom bus: no "/", not "default"
    assert admitted is accepted
    assert re.fullmatch(parameter["AllowedPattern"], parameter["Default"])


RESERVED_CONCURRENCY = ("IngestReservedConcurrency", "ApiReservedConcurrency", "AlertReservedConcurrency")


def _functions_reserving(parameter: str) -> list[str]:
    return [
        logical_id
        for logical_id, resource in RESOURCES.items()
        if resource["Type"] == "AWS::Serverless::Function"
        and {"Ref": parameter} in resource["Properties"].get("ReservedConcurrentExecutions", {}).get("Fn::If", [])
    ]


@pytest.mark.parametrize("parameter", RESERVED_CONCURRENCY)
def test_reserved_concurrency_is_off_unless_raised(parameter: str) -> None:
    # Given a reserved-concurrency parameter at its default
    declared = TEMPLATE["Parameters"][parameter]
    assert declared["Default"] == 0
    # Then every function using it reserves only when its condition holds, and nothing at 0
    # (0 would stop the function: the property is left out instead)
    for logical_id in _functions_reserving(parameter):
        condition, value, otherwise = RESOURCES[logical_id]["Properties"]["ReservedConcurrentExecutions"]["Fn::If"]
        assert TEMPLATE["Conditions"][condition] == {"Fn::Not": [{"Fn::Equals": [{"Ref": parameter}, 0]}]}
        assert (value, otherwise) == ({"Ref": parameter}, {"Ref": "AWS::NoValue"})


def test_the_stated_account_requirement_counts_each_function_that_reserves() -> None:
    # Given the requirement the first parameter's description states, and the README's deploy section
    description = " ".join(TEMPLATE["Parameters"]["IngestReservedConcurrency"]["Description"].split())
    readme = (REPOSITORY_ROOT / "README.md").read_text(encoding="utf-8")
    # When the template's functions are counted per parameter
    counts = {parameter: len(_functions_reserving(parameter)) for parameter in RESERVED_CONCURRENCY}
    assert all(counts.values())
    # Then the formula counts each parameter once per function that reserves it, plus Lambda's 100
    stated = (
        f"at least {counts['IngestReservedConcurrency']} x this + {counts['ApiReservedConcurrency']} x "
        f"ApiReservedConcurrency + {counts['AlertReservedConcurrency']} x AlertReservedConcurrency + 100"
    )
    assert stated in description
    times = "\N{MULTIPLICATION SIGN}"
    in_readme = " + ".join(f"{count} {times} `{parameter}`" for parameter, count in counts.items()) + " + 100"
    assert in_readme in " ".join(readme.split())
