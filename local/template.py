"""Reads ``template.yaml`` so that the local runner and the tests build what AWS would build.

The table, the bus, the queues, the routes, the EventBridge rules and each function's
environment all come from the template, with parameters at their defaults (or overridden), so
local behaviour cannot drift from the deployed one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = REPOSITORY_ROOT / "template.yaml"
LOCAL_ACCOUNT_ID = "123456789012"
LOCAL_REGION = "us-east-1"


class _CloudFormationLoader(yaml.SafeLoader):
    """PyYAML with CloudFormation's short tags (``!Ref``, ``!Sub``, ``!GetAtt`` ...)."""


def _construct_intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {"Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}": value}


_CloudFormationLoader.add_multi_constructor("!", _construct_intrinsic)


@cache
def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=_CloudFormationLoader)  # noqa: S506 - SafeLoader subclass
    return loaded


ADMIN_FUNCTION = "ApiFunction"
"""The function whose every route needs the admin token (``shared.http.resolver.resolve_admin``)."""


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    function: str

    @property
    def requires_admin(self) -> bool:
        return self.function == ADMIN_FUNCTION

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def pattern(self) -> re.Pattern[str]:
        regex = re.sub(r"\\{(\w+)\\\+\\}", r"(?P<\1>.+)", re.escape(self.path))
        regex = re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", regex)
        return re.compile(f"^{regex}$")

    @property
    def static_segments(self) -> int:
        return sum(1 for segment in self.path.split("/") if segment and not segment.startswith("{"))


@dataclass(frozen=True)
class Rule:
    name: str
    function: str
    event_bus_name: str
    pattern: dict[str, Any]


@dataclass(frozen=True)
class Function:
    logical_id: str
    code_uri: str
    handler: str
    environment: dict[str, str]
    maximum_retry_attempts: int
    dead_letter_queue: str | None
    """The logical id of the SQS queue failed asynchronous invocations end in."""

    @property
    def module_path(self) -> Path:
        module, _ = self.handler.rsplit(".", 1)
        return REPOSITORY_ROOT / self.code_uri / f"{module.replace('.', '/')}.py"

    @property
    def handler_name(self) -> str:
        return self.handler.rsplit(".", 1)[1]


@dataclass
class LocalStack:
    """The template resolved for one machine: parameters, physical names, functions."""

    parameters: dict[str, str]
    template: dict[str, Any] = field(default_factory=load_template)

    def __post_init__(self) -> None:
        defaults = {name: str(spec.get("Default", "")) for name, spec in self.template["Parameters"].items()}
        unknown = set(self.parameters) - set(defaults)
        if unknown:
            raise ValueError(f"unknown template parameters: {sorted(unknown)}")
        self.parameters = {**defaults, **self.parameters}

    @property
    def resources(self) -> dict[str, Any]:
        resources: dict[str, Any] = self.template["Resources"]
        return resources

    def resources_of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            logical_id: resource
            for logical_id, resource in self.resources.items()
            if resource["Type"] == resource_type and self.condition_holds(resource.get("Condition"))
        }

    def physical_name(self, logical_id: str) -> str:
        """What ``!Ref`` gives locally: the resource's own name property, else its logical id."""
        resource = self.resources[logical_id]
        properties = resource.get("Properties", {})
        for name_property in ("Name", "TableName", "QueueName"):
            if name_property in properties:
                return str(self.resolve(properties[name_property]))
        return logical_id

    def arn(self, logical_id: str) -> str:
        resource_type = self.resources[logical_id]["Type"]
        name = self.physical_name(logical_id)
        if resource_type == "AWS::SQS::Queue":
            return f"arn:aws:sqs:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:{name}"
        if resource_type == "AWS::DynamoDB::Table":
            return f"arn:aws:dynamodb:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:table/{name}"
        if resource_type == "AWS::Events::EventBus":
            return f"arn:aws:events:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:event-bus/{name}"
        return f"arn:aws:local:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:{logical_id}"

    def condition_holds(self, condition: str | None) -> bool:
        if condition is None:
            return True
        return bool(self.resolve(self.template["Conditions"][condition]))

    def resolve(self, value: Any) -> Any:
        """Evaluates the intrinsic functions the template uses, with local names."""
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((name, argument),) = value.items()
            intrinsic = _INTRINSICS.get(name)
            if intrinsic is not None:
                return intrinsic(self, argument)
        return {key: self.resolve(item) for key, item in value.items()}

    def _sub(self, text: str) -> str:
        return re.sub(r"\$\{([\w:.]+)\}", lambda match: str(self._sub_variable(match[1])), text)

    def _get_att(self, argument: list[str]) -> str:
        logical_id, attribute = argument
        return self.arn(logical_id) if attribute == "Arn" else self.physical_name(logical_id)

    def _equals(self, argument: list[Any]) -> bool:
        left, right = (self.resolve(item) for item in argument)
        return str(left) == str(right)

    def _if(self, argument: list[Any]) -> Any:
        condition, when_true, when_false = argument
        return self.resolve(when_true if self.condition_holds(condition) else when_false)

    def _ref(self, name: str) -> str:
        if name in self.parameters:
            return self.parameters[name]
        pseudo = {"AWS::Region": LOCAL_REGION, "AWS::AccountId": LOCAL_ACCOUNT_ID, "AWS::Partition": "aws"}
        if name in pseudo:
            return pseudo[name]
        if name == "AWS::StackName":
            return "local"
        return self.physical_name(name)

    def _sub_variable(self, variable: str) -> str:
        if "." in variable and not variable.startswith("AWS::"):
            logical_id, attribute = variable.split(".", 1)
            return str(self.resolve({"Fn::GetAtt": [logical_id, attribute]}))
        if variable == "AWS::URLSuffix":
            return "amazonaws.com"
        return self._ref(variable)

    def functions(self) -> dict[str, Function]:
        globals_ = self.template.get("Globals", {}).get("Function", {})
        global_environment = globals_.get("Environment", {}).get("Variables", {})
        functions = {}
        for logical_id, resource in self.resources_of_type("AWS::Serverless::Function").items():
            properties = resource["Properties"]
            environment = {**global_environment, **properties.get("Environment", {}).get("Variables", {})}
            invoke_config = properties.get("EventInvokeConfig", {})
            dead_letter = properties.get("DeadLetterQueue", {}).get("TargetArn")
            functions[logical_id] = Function(
                logical_id=logical_id,
                code_uri=properties["CodeUri"],
                handler=properties["Handler"],
                environment={name: str(self.resolve(value)) for name, value in environment.items()},
                maximum_retry_attempts=int(invoke_config.get("MaximumRetryAttempts", 2)),
                dead_letter_queue=dead_letter["Fn::GetAtt"][0] if dead_letter else None,
            )
        return functions

    def routes(self) -> list[Route]:
        routes = []
        for logical_id, resource in self.resources_of_type("AWS::Serverless::Function").items():
            for event in resource["Properties"].get("Events", {}).values():
                if event["Type"] == "HttpApi":
                    properties = event["Properties"]
                    routes.append(Route(properties["Method"].upper(), properties["Path"], logical_id))
        return routes

    def public_route_keys(self) -> frozenset[str]:
        """Routes authenticated by an integration key, or not at all."""
        return frozenset(route.route_key for route in self.routes() if not route.requires_admin)

    def rules(self) -> list[Rule]:
        rules = []
        for logical_id, resource in self.resources_of_type("AWS::Serverless::Function").items():
            for event_name, event in resource["Properties"].get("Events", {}).items():
                if event["Type"] == "EventBridgeRule":
                    properties = event["Properties"]
                    if self.resolve(properties.get("State", "ENABLED")) == "DISABLED":
                        continue
                    rules.append(
                        Rule(
                            name=f"{logical_id}{event_name}",
                            function=logical_id,
                            event_bus_name=str(self.resolve(properties.get("EventBusName", "default"))),
                            pattern=self.resolve(properties["Pattern"]),
                        )
                    )
        return rules

    def table_definition(self, logical_id: str) -> dict[str, Any]:
        """``CreateTable`` arguments from the table's Properties (TTL and PITR are set apart)."""
        properties = self.resolve(self.resources[logical_id]["Properties"])
        wanted = ("AttributeDefinitions", "KeySchema", "BillingMode", "GlobalSecondaryIndexes", "LocalSecondaryIndexes")
        definition = {key: properties[key] for key in wanted if key in properties}
        definition["TableName"] = self.physical_name(logical_id)
        return definition

    def environment(self) -> dict[str, str]:
        """The union of every function's environment; the functions must agree on shared names."""
        merged: dict[str, str] = {}
        for function in self.functions().values():
            for name, value in function.environment.items():
                if merged.get(name, value) != value:
                    raise ValueError(f"functions disagree on {name}: {merged[name]!r} != {value!r}")
                merged[name] = value
        return merged


_INTRINSICS: dict[str, Callable[[LocalStack, Any], Any]] = {
    "Ref": LocalStack._ref,
    "Fn::Sub": LocalStack._sub,
    "Fn::GetAtt": LocalStack._get_att,
    "Fn::Equals": LocalStack._equals,
    "Fn::Not": lambda stack, argument: not stack.resolve(argument[0]),
    "Fn::If": LocalStack._if,
    "Condition": LocalStack.condition_holds,
}
"""The intrinsic functions the template uses, by name."""
