"""The template deploys (§22): transformed by the SAM translator and created in moto's CloudFormation, for
the defaults, each samconfig.toml environment and a parameter set with every optional branch on, it
reaches CREATE_COMPLETE and every created resource holds against the template."""

from __future__ import annotations

import pytest

from tests.deploy.checks import account_findings
from tests.deploy.emulated import EVERY_BRANCH_ON, client, deploy, samconfig_environments, template_copy
from tests.deploy.parameters import conditions, resolved_parameters

NEW_ACCOUNT_CONCURRENCY = 10
"""The lowest concurrency limit AWS gives a new account; the defaults must deploy there."""


def test_the_defaults_deploy_into_a_new_account(account: None) -> None:
    # Given an account with the lowest concurrency limit AWS gives a new one
    # When the stack is deployed with every parameter at its default
    found = account_findings({"defaults": ("deployment-events", {})}, account_limit=NEW_ACCOUNT_CONCURRENCY)
    # Then it is created whole and holds against the template, reserving nothing
    assert found == []


def test_every_samconfig_environment_deploys_side_by_side(account: None) -> None:
    # Given samconfig.toml's environments, deployed into one account as an operator would
    environments = samconfig_environments()
    assert set(environments) >= {"default", "prod"}
    # When each is deployed in turn
    found = account_findings(environments)
    # Then each is created whole, their names do not clash, and each holds against the template
    assert found == []


def test_every_optional_branch_deploys(account: None) -> None:
    # Given parameters that turn every condition of the template on
    template = template_copy()
    assert all(conditions(template, resolved_parameters(template, EVERY_BRANCH_ON)).values())
    # When the stack is deployed with them into an account with AWS's default limit of 1,000
    found = account_findings({"every branch": ("deployment-events", EVERY_BRANCH_ON)}, account_limit=1000)
    # Then it is created whole and holds against the template
    assert found == []


def test_reserved_concurrency_on_needs_the_limit_the_template_states(account: None) -> None:
    # Given every branch on: 2 x 50 + 2 x 10 + 3 x 10 reserved, which the description says needs 250
    # When it is deployed into an account whose limit is one short of that
    found = account_findings({"every branch": ("deployment-events", EVERY_BRANCH_ON)}, account_limit=249)
    # Then Lambda's minimum of 100 unreserved is what refuses it
    assert found == ["150 reserved leaves 99 of 249, under 100"]


@pytest.mark.parametrize(
    ("parameter", "functions"), [("IngestReservedConcurrency", 2), ("AlertReservedConcurrency", 3)]
)
def test_reserved_concurrency_is_set_on_each_function_that_uses_it(
    account: None, parameter: str, functions: int
) -> None:
    # Given reserved concurrency raised by its parameter
    deployment = deploy("deployment-events", {parameter: "7"})
    # When the created functions are read
    reserved = [
        client("lambda").get_function_concurrency(FunctionName=name).get("ReservedConcurrentExecutions")
        for name in deployment.of_type("AWS::Lambda::Function").values()
    ]
    # Then exactly the functions the description counts reserve it, the others nothing
    assert reserved.count(7) == functions
    assert set(reserved) == {7, None}
