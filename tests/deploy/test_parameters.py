"""Invalid parameter values are refused before anything is created, as CloudFormation refuses them (§22):
moto accepts any value, so ``parameters.refusals`` applies CloudFormation's documented rules."""

from __future__ import annotations

from typing import Any

import pytest

from tests.deploy.emulated import client, deploy, template_copy
from tests.deploy.parameters import ParameterRefused, constraint_problems, refusals, resolved_parameters


@pytest.mark.parametrize(
    ("overrides", "refused"),
    [
        ({"AlertEventBusName": "default"}, "Parameter 'AlertEventBusName' must match pattern"),
        ({"AlertEventBusName": "alerts/prod"}, "Parameter 'AlertEventBusName' must match pattern"),
        ({"LogRetentionDays": "45"}, "Parameter 'LogRetentionDays' must be one of AllowedValues"),
        ({"LogLevel": "TRACE"}, "Parameter 'LogLevel' must be one of AllowedValues"),
        ({"MaxRelatedDeployments": "21"}, "Parameter 'MaxRelatedDeployments' must be a number not greater than 20"),
        ({"AlertsPerMinute": "999"}, "Parameter 'AlertsPerMinute' must be a number not less than 1000"),
        ({"IngestReservedConcurrency": "-1"}, "Parameter 'IngestReservedConcurrency' must be a number not less than 0"),
        ({"RetentionDays": "ninety"}, "Parameter 'RetentionDays' must be a number"),
        ({"OperatorEmail": "operators at example.com"}, "Parameter 'OperatorEmail' must match pattern"),
        (
            {"EnrichmentWebhookUrl": "https://hooks.example.com/x"},
            "EnrichmentWebhookUrl needs EnrichmentWebhookSecretParameter",
        ),
        ({"AdminTokenParameter": "admin-token"}, "Parameter 'AdminTokenParameter' must match pattern"),
        ({"LookbackMinutes": "60"}, "do not exist in the template"),
        ({"HotfixPattern": ""}, "Parameter 'HotfixPattern' must match pattern"),
        ({"HotfixPattern": "hotfix\nrelease"}, "Parameter 'HotfixPattern' must match pattern"),
    ],
)
def test_an_invalid_value_refuses_the_stack_before_anything_is_created(
    account: None, overrides: dict[str, str], refused: str
) -> None:
    # Given a parameter value CloudFormation would refuse
    # When the stack is deployed with it
    with pytest.raises(ParameterRefused) as refusal:
        deploy("deployment-events", overrides)
    # Then CreateStack is refused with the rule that was broken, and no stack exists
    assert refused in str(refusal.value)
    assert client("cloudformation").list_stacks()["StackSummaries"] == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"MaxRelatedDeployments": "20", "AlertsPerMinute": "1000", "IngestReservedConcurrency": "0"},
        {"LogRetentionDays": "3653", "LogLevel": "DEBUG", "AlertEventBusName": "a" * 256},
        {"EnrichmentWebhookUrl": "https://hooks.example.com/x", "EnrichmentWebhookSecretParameter": "/hooks/key"},
        {"RetentionDays": "1.5e2"},
        {"HotfixPattern": "(?i)^(hotfix|hf)[-/]" + "x" * 180},
    ],
)
def test_values_at_the_edges_are_accepted(overrides: dict[str, str]) -> None:
    # Given the template and values at the edge of what its parameters allow
    template = template_copy()
    # When they are held against CloudFormation's rules
    # Then nothing is refused
    assert refusals(template, resolved_parameters(template, overrides)) == []


@pytest.mark.parametrize(
    ("parameter", "value", "problem"),
    [
        ({"Type": "String", "MinLength": 2}, "a", "must contain at least 2 characters"),
        ({"Type": "String", "MaxLength": 3}, "abcd", "must contain at most 3 characters"),
        ({"Type": "String", "MaxLength": 3}, "abc", None),
        ({"Type": "String", "AllowedPattern": "[a-z]+"}, "abc1", "must match pattern"),
        ({"Type": "Number", "AllowedValues": [1, 2]}, "3", "must be one of AllowedValues"),
        ({"Type": "Number", "AllowedValues": [1, 2]}, "2", None),
        ({"Type": "Number", "MinValue": 1.5}, "1.4", "not less than 1.5"),
    ],
)
def test_each_documented_constraint(parameter: dict[str, Any], value: str, problem: str | None) -> None:
    # Given a parameter with one constraint of CloudFormation's (a pattern matches the whole value)
    # When a value is held against it
    problems = constraint_problems("Example", parameter, value)
    # Then it is refused exactly when CloudFormation's documentation says so
    assert len(problems) == (0 if problem is None else 1)
    assert all(problem is not None and problem in found for found in problems)
