"""`sam package` and `sam deploy`, emulated: the template transformed by the SAM translator and created
in moto's CloudFormation (§22).

Call inside ``moto.mock_aws()``: one such context is one AWS account, so stacks deployed in the
same context share their names, buses and concurrency as they would in one account.
"""

from __future__ import annotations

import copy
import io
import json
import shlex
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError
from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform

from local.template import REPOSITORY_ROOT, load_template
from tests.deploy import moto_gaps
from tests.deploy.parameters import ACCOUNT_ID, REGION, ParameterRefused, conditions, refusals, resolved_parameters

ARTIFACT_BUCKET = "deployment-artifacts"
EVERY_BRANCH_ON = {
    "CloudWatchAlarms": "Enabled",
    "AwsChangeEvents": "Enabled",
    "OperatorEmail": "operators@example.com",
    "EnrichmentWebhookUrl": "https://hooks.example.com/enrichments",
    "EnrichmentWebhookSecretParameter": "/deployment-events/enrichment-webhook-secret",
    "PublicBaseUrl": "https://deployments.example.com",
    "DefaultNotifications": '[{"type": "SLACK", "webhookUrl": "https://hooks.slack.com/services/T0/B0/x"}]',
    "DefaultForwarders": '[{"type": "PAGERDUTY_CHANGE", "routingKey": "R0UTINGKEY0123"}]',
    "IngestReservedConcurrency": "50",
    "ApiReservedConcurrency": "10",
    "AlertReservedConcurrency": "10",
}
"""Every Condition true, reserved concurrency on at the sizes the README
gives (the account needs a limit of 250)."""

CODE_PROPERTIES = {"AWS::Serverless::Function": "CodeUri", "AWS::Serverless::LayerVersion": "ContentUri"}


class _NoManagedPolicies:
    """The translator asks IAM for managed policies only when a function names one by name; none does."""

    def load(self) -> dict[str, str]:
        return {}


@cache
def client(service: str) -> Any:
    """One client per service: moto answers a client made before or inside its context alike."""
    return boto3.client(service, region_name=REGION)


@dataclass
class Deployment:
    stack_name: str
    parameters: dict[str, str]
    sam_template: dict[str, Any]
    transformed: dict[str, Any]
    status: str
    reason: str
    _arns: dict[str, str] = field(default_factory=dict)

    @property
    def conditions(self) -> dict[str, bool]:
        return conditions(self.transformed, self.parameters)

    @cached_property
    def resources(self) -> dict[str, dict[str, str]]:
        """The stack's resources by logical id: their type and physical id."""
        summaries = client("cloudformation").list_stack_resources(StackName=self.stack_name)["StackResourceSummaries"]
        return {summary["LogicalResourceId"]: summary for summary in summaries}

    def of_type(self, resource_type: str) -> dict[str, str]:
        """The physical ids of the stack's resources of one type, by logical id."""
        return {
            logical_id: summary["PhysicalResourceId"]
            for logical_id, summary in self.resources.items()
            if summary["ResourceType"] == resource_type
        }

    @cached_property
    def arns(self) -> dict[str, str]:
        """The ARN of each resource of the stack that has one, by logical id."""
        readers: dict[str, Callable[[str], str]] = {
            "AWS::DynamoDB::Table": lambda name: client("dynamodb").describe_table(TableName=name)["Table"]["TableArn"],
            "AWS::SQS::Queue": lambda url: client("sqs").get_queue_attributes(
                QueueUrl=url, AttributeNames=["QueueArn"]
            )["Attributes"]["QueueArn"],
            "AWS::Events::EventBus": lambda name: client("events").describe_event_bus(Name=name)["Arn"],
            "AWS::SNS::Topic": lambda arn: arn,
            "AWS::KMS::Key": lambda key: client("kms").describe_key(KeyId=key)["KeyMetadata"]["Arn"],
            "AWS::Lambda::Function": lambda name: client("lambda").get_function(FunctionName=name)["Configuration"][
                "FunctionArn"
            ],
            "AWS::IAM::Role": lambda name: client("iam").get_role(RoleName=name)["Role"]["Arn"],
            "AWS::Logs::LogGroup": lambda name: f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{name}",
        }
        return {
            logical_id: readers[summary["ResourceType"]](summary["PhysicalResourceId"])
            for logical_id, summary in self.resources.items()
            if summary["ResourceType"] in readers
        }


def template_copy() -> dict[str, Any]:
    return copy.deepcopy(load_template())


def samconfig_environments() -> dict[str, tuple[str, dict[str, str]]]:
    """Each environment of samconfig.toml: its stack name and its parameter overrides."""
    config = tomllib.loads((REPOSITORY_ROOT / "samconfig.toml").read_text(encoding="utf-8"))
    environments = {}
    for name, sections in config.items():
        if not isinstance(sections, dict) or "deploy" not in sections:
            continue
        overrides = sections["deploy"]["parameters"].get("parameter_overrides", "")
        pairs = (item.split("=", 1) for item in shlex.split(overrides))
        environments[name] = (sections["global"]["parameters"]["stack_name"], dict(pairs))
    return environments


def deploy(stack_name: str, overrides: dict[str, str], sam_template: dict[str, Any] | None = None) -> Deployment:
    """Validates the parameters as CloudFormation does, packages the code, transforms and creates the stack."""
    moto_gaps.apply()
    template = sam_template if sam_template is not None else template_copy()
    values = resolved_parameters(template, overrides)
    problems = refusals(template, values)
    if problems:
        raise ParameterRefused("; ".join(problems))
    try:
        transformed = transform(_packaged(copy.deepcopy(template)), dict(values), _NoManagedPolicies())
    except InvalidDocumentException as refused:
        reason = f"Transform AWS::Serverless-2016-10-31 failed with: {refused.message}"
        return Deployment(stack_name, values, template, {}, "CREATE_FAILED", reason)
    try:
        client("cloudformation").create_stack(
            StackName=stack_name,
            TemplateBody=json.dumps(transformed),
            Parameters=[{"ParameterKey": key, "ParameterValue": value} for key, value in overrides.items()],
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
        )
    except (ClientError, ResponseParserError) as refused:
        return Deployment(stack_name, values, template, transformed, "CREATE_FAILED", str(refused))
    stack = client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0]
    return Deployment(
        stack_name, values, template, transformed, stack["StackStatus"], stack.get("StackStatusReason", "")
    )


def _packaged(template: dict[str, Any]) -> dict[str, Any]:
    """What `sam package` does: each code folder zipped to S3 and its CodeUri pointed there."""
    s3 = client("s3")
    if ARTIFACT_BUCKET not in {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}:
        s3.create_bucket(Bucket=ARTIFACT_BUCKET)
    for resource in template["Resources"].values():
        code_property = CODE_PROPERTIES.get(resource["Type"])
        if code_property is None:
            continue
        folder = resource["Properties"][code_property].strip("/")
        key = f"{folder}.zip"
        s3.put_object(Bucket=ARTIFACT_BUCKET, Key=key, Body=_zipped(REPOSITORY_ROOT / folder))
        resource["Properties"][code_property] = f"s3://{ARTIFACT_BUCKET}/{key}"
    return template


def _zipped(folder: Path) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(folder.rglob("*.py")):
            zipped.write(path, path.relative_to(folder).as_posix())
    return archive.getvalue()
