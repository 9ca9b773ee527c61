"""Creates the template's AWS resources inside moto, for the local runner and the tests."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

import boto3
from moto.core import botocore_stubber

from local.template import LOCAL_ACCOUNT_ID, LOCAL_REGION, LocalStack

EMULATOR_LOCK = threading.RLock()
"""Held by each emulated AWS call, in this process (``serialize_emulated_calls``) and through the
HTTP endpoint (``local.aws_endpoint``)."""
_serialized = False


def serialize_emulated_calls() -> None:
    """Makes each emulated AWS call atomic, as the real services are.

    moto checks a DynamoDB condition and then writes in Python; two threads could interleave
    between the two. Real DynamoDB never lets them, so neither does the emulator.
    """
    global _serialized  # noqa: PLW0603 - a one-time patch of the emulator
    if _serialized:
        return
    original = botocore_stubber.BotocoreStubber.__call__

    def atomic_call(self: Any, *args: Any, **kwargs: Any) -> Any:
        with EMULATOR_LOCK:
            return original(self, *args, **kwargs)

    botocore_stubber.BotocoreStubber.__call__ = atomic_call  # type: ignore[method-assign]
    _serialized = True


LOCAL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": LOCAL_REGION,
    "AWS_REGION": LOCAL_REGION,
}
"""Fake credentials (moto takes any) and the local region, so nothing can reach a real AWS account."""


@dataclass(frozen=True)
class RuleTarget:
    """A template rule, delivered locally to a queue that the runner drains into its function."""

    rule_name: str
    function: str
    queue_url: str


@dataclass(frozen=True)
class CreatedResources:
    table_name: str
    queue_urls: dict[str, str]
    """Queue URL by logical id (dead-letter queues)."""
    rule_targets: list[RuleTarget]
    kms_keys: dict[str, str]
    """The ARN of each KMS key by the ARN the template's functions name it by locally."""

    def environment(self, template_environment: dict[str, str]) -> dict[str, str]:
        """The variables that name a KMS key, with the ARN of the key moto created (moto picks key ids)."""
        return kms_key_environment(self.kms_keys, template_environment)


def kms_key_environment(kms_keys: dict[str, str], template_environment: dict[str, str]) -> dict[str, str]:
    """The variables whose value is a key's local ARN (a key of ``kms_keys``), with its created ARN."""
    return {name: kms_keys[value] for name, value in template_environment.items() if value in kms_keys}


def create_resources(stack: LocalStack, admin_token: str, secrets: dict[str, str] | None = None) -> CreatedResources:
    """Everything the template declares that the functions talk to; call inside ``mock_aws``."""
    dynamodb = boto3.client("dynamodb", region_name=LOCAL_REGION)
    events = boto3.client("events", region_name=LOCAL_REGION)
    sqs = boto3.client("sqs", region_name=LOCAL_REGION)
    ssm = boto3.client("ssm", region_name=LOCAL_REGION)
    kms = boto3.client("kms", region_name=LOCAL_REGION)

    table_name = ""
    for logical_id, resource in stack.resources_of_type("AWS::DynamoDB::Table").items():
        table_name = stack.physical_name(logical_id)
        dynamodb.create_table(**stack.table_definition(logical_id))
        ttl = stack.resolve(resource["Properties"].get("TimeToLiveSpecification"))
        if ttl:
            dynamodb.update_time_to_live(TableName=table_name, TimeToLiveSpecification=ttl)

    buses = {"default"}  # moto, as AWS, has the account's default bus already
    for logical_id in stack.resources_of_type("AWS::Events::EventBus"):
        buses.add(stack.physical_name(logical_id))
        events.create_event_bus(Name=stack.physical_name(logical_id))

    queue_urls = {
        logical_id: sqs.create_queue(QueueName=stack.physical_name(logical_id))["QueueUrl"]
        for logical_id in stack.resources_of_type("AWS::SQS::Queue")
    }

    rule_targets = []
    for rule in stack.rules():
        # A rule names its bus by name or ARN (``default`` when it names none, as SAM reads it); a bus
        # the template does not declare exists in the account already, so it is made here.
        bus = rule.event_bus_name.rsplit("/", 1)[-1]
        if bus not in buses:
            buses.add(bus)
            events.create_event_bus(Name=bus)
        queue_url = sqs.create_queue(QueueName=f"local-rule-{rule.name}")["QueueUrl"]
        queue_arn = f"arn:aws:sqs:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:local-rule-{rule.name}"
        events.put_rule(Name=rule.name, EventBusName=bus, EventPattern=json.dumps(rule.pattern))
        events.put_targets(Rule=rule.name, EventBusName=bus, Targets=[{"Id": "function", "Arn": queue_arn}])
        rule_targets.append(RuleTarget(rule.name, rule.function, queue_url))

    stored_secrets = {stack.parameters["AdminTokenParameter"]: admin_token, **(secrets or {})}
    for name, value in stored_secrets.items():
        ssm.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)

    kms_keys = {
        stack.arn(logical_id): kms.create_key(Description=logical_id)["KeyMetadata"]["Arn"]
        for logical_id in stack.resources_of_type("AWS::KMS::Key")
    }
    return CreatedResources(table_name, queue_urls, rule_targets, kms_keys)
