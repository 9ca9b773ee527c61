"""CloudFormation's rules for parameter values, its Rules section and its Conditions, as documented (§22).

moto takes any value for any parameter, so these stand in for CreateStack's validation: a value
outside ``AllowedValues``, not matching ``AllowedPattern`` (the whole value), shorter or longer than
``MinLength``/``MaxLength``, not a number for a ``Number`` or outside ``MinValue``/``MaxValue``,
and a failed assertion of ``Rules``, each refuse the stack before anything is created.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
PSEUDO_PARAMETERS = {"AWS::AccountId": ACCOUNT_ID, "AWS::Region": REGION, "AWS::Partition": "aws"}


class ParameterRefused(ValueError):
    """CreateStack's ValidationError for a parameter value."""


def resolved_parameters(template: dict[str, Any], overrides: dict[str, str]) -> dict[str, str]:
    """Every parameter's value as CloudFormation sees it: a string, the override or the default."""
    declared = template.get("Parameters", {})
    unknown = set(overrides) - set(declared)
    if unknown:
        raise ParameterRefused(f"Parameters: {sorted(unknown)} do not exist in the template")
    values: dict[str, str] = {}
    for name, parameter in declared.items():
        if name in overrides:
            values[name] = overrides[name]
        elif "Default" in parameter:
            values[name] = str(parameter["Default"])
        else:
            raise ParameterRefused(f"Parameters: [{name}] must have values")
    return values


def refusals(template: dict[str, Any], values: dict[str, str]) -> list[str]:
    """What CloudFormation would answer CreateStack with for these values; empty when it accepts them."""
    found = [
        problem
        for name, parameter in template.get("Parameters", {}).items()
        for problem in constraint_problems(name, parameter, values[name])
    ]
    found.extend(_rule_problems(template, values))
    return found


def constraint_problems(name: str, parameter: dict[str, Any], value: str) -> list[str]:
    problems = []
    if "AllowedValues" in parameter and value not in [str(allowed) for allowed in parameter["AllowedValues"]]:
        problems.append(f"Parameter '{name}' must be one of AllowedValues")
    if "AllowedPattern" in parameter and re.fullmatch(parameter["AllowedPattern"], value) is None:
        problems.append(f"Parameter '{name}' must match pattern {parameter['AllowedPattern']}")
    if "MinLength" in parameter and len(value) < int(parameter["MinLength"]):
        problems.append(f"Parameter '{name}' must contain at least {parameter['MinLength']} characters")
    if "MaxLength" in parameter and len(value) > int(parameter["MaxLength"]):
        problems.append(f"Parameter '{name}' must contain at most {parameter['MaxLength']} characters")
    if parameter.get("Type") == "Number":
        problems.extend(_number_problems(name, parameter, value))
    return problems


def _number_problems(name: str, parameter: dict[str, Any], value: str) -> list[str]:
    try:
        number = float(value)
    except ValueError:
        return [f"Parameter '{name}' must be a number"]
    problems = []
    if "MinValue" in parameter and number < float(parameter["MinValue"]):
        problems.append(f"Parameter '{name}' must be a number not less than {parameter['MinValue']}")
    if "MaxValue" in parameter and number > float(parameter["MaxValue"]):
        problems.append(f"Parameter '{name}' must be a number not greater than {parameter['MaxValue']}")
    return problems


def _rule_problems(template: dict[str, Any], values: dict[str, str]) -> list[str]:
    problems = []
    for rule_name, rule in template.get("Rules", {}).items():
        if "RuleCondition" in rule and not evaluate(rule["RuleCondition"], values, {}):
            continue
        for assertion in rule["Assertions"]:
            if not evaluate(assertion["Assert"], values, {}):
                problems.append(f"Template rule {rule_name}: {assertion.get('AssertDescription', 'failed')}")
    return problems


def conditions(template: dict[str, Any], values: dict[str, str]) -> dict[str, bool]:
    """The value of every condition of the template for these parameter values."""
    declared = template.get("Conditions", {})
    return {name: bool(evaluate({"Condition": name}, values, declared)) for name in declared}


def evaluate(expression: Any, values: dict[str, str], declared_conditions: dict[str, Any]) -> Any:
    """The condition functions (Fn::Equals, Not, And, Or, Contains, Condition) over parameter values."""
    if not isinstance(expression, dict):
        return expression if isinstance(expression, (bool, list)) else str(expression)
    [(function, argument)] = expression.items()

    def value_of(item: Any) -> Any:
        return evaluate(item, values, declared_conditions)

    functions: dict[str, Callable[[], Any]] = {
        "Ref": lambda: {**PSEUDO_PARAMETERS, **values}[argument],
        "Condition": lambda: value_of(declared_conditions[argument]),
        "Fn::Equals": lambda: value_of(argument[0]) == value_of(argument[1]),
        "Fn::Not": lambda: not value_of(argument[0]),
        "Fn::And": lambda: all(value_of(item) for item in argument),
        "Fn::Or": lambda: any(value_of(item) for item in argument),
        "Fn::Contains": lambda: value_of(argument[1]) in [value_of(item) for item in argument[0]],
    }
    if function not in functions:
        raise ValueError(f"{function} is not a condition function")
    return functions[function]()
