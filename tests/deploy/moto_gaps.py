"""Where moto's CloudFormation falls short of AWS's, and what stands in: the one place that says so (§22).

moto skips a resource type it does not know with a warning and still reports CREATE_COMPLETE, and
it quietly drops some properties of types it knows. Each gap the template meets is a row of
``GAPS``; a stand-in creates the resource in moto's own backend for that service, so the checks
read it back through the ordinary AWS API as they would from AWS. A type that is in neither moto
nor this list is still skipped by moto, and ``missing_resources`` in ``checks`` reports it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from moto.apigatewayv2.models import apigatewayv2_backends
from moto.awslambda.models import lambda_backends
from moto.cloudformation import parsing
from moto.cloudwatch.models import cloudwatch_backends
from moto.core.common_models import CloudFormationModel
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table
from moto.events.models import EventBus
from moto.iam.models import Role
from moto.kms.models import Key
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends


@dataclass(frozen=True)
class Gap:
    what: str
    moto: str
    stand_in: str


GAPS = (
    Gap("AWS::ApiGatewayV2::Api", "not supported (skipped)", "HttpApiStandIn: the API imported from its Body"),
    Gap("AWS::ApiGatewayV2::Stage", "not supported (skipped)", "HttpApiStageStandIn: the stage on its API"),
    Gap("AWS::CloudWatch::Alarm", "not supported (skipped)", "AlarmStandIn: PutMetricAlarm with its properties"),
    Gap("AWS::SNS::Subscription", "not supported (skipped)", "SubscriptionStandIn: Subscribe to its topic"),
    Gap("AWS::SQS::QueuePolicy", "not supported (skipped)", "QueuePolicyStandIn: the policy set on each queue"),
    Gap(
        "AWS::Lambda::EventInvokeConfig",
        "not supported (skipped)",
        "EventInvokeConfigStandIn: PutFunctionEventInvokeConfig",
    ),
    Gap("AWS::Events::EventBus (Ref)", "Ref answers the object, not the name", "EventBus.physical_resource_id"),
    Gap(
        "AWS::DynamoDB::Table TimeToLiveSpecification, PointInTimeRecoverySpecification",
        "ignored",
        "_table_with_ttl_and_recovery: UpdateTimeToLive and UpdateContinuousBackups after the table",
    ),
    Gap(
        "AWS::KMS::Key KeyPolicy",
        "kept as an object, so KMS's own calls on the key fail to read it",
        "_key_with_policy_text: the policy handed over as JSON text, as the KMS API takes it",
    ),
    Gap(
        "AWS::IAM::Role Policies",
        "each PolicyDocument kept as an object, read back by GetRolePolicy as Python's text of it; a statement"
        " that is !If [..., ..., !Ref AWS::NoValue] kept as null where CloudFormation leaves it out",
        "_role_with_policy_text: each document without its null statements, as JSON text, as IAM takes it",
    ),
    Gap(
        "AWS::Lambda::Function DeadLetterConfig",
        "ignored (moto's Lambda keeps no dead-letter queue)",
        "checks.dead_letter_queues reads a function's queue from the transformed template",
    ),
    Gap(
        "a resource's creation refused (a bus name taken, say)",
        "CreateStack answered with that service's JSON error, which the CloudFormation client cannot parse",
        "emulated.deploy reads it as CREATE_FAILED with the service's error as the reason",
    ),
    Gap(
        "Parameters (AllowedPattern, AllowedValues, Min/MaxLength, Min/MaxValue) and Rules",
        "any value accepted, Rules ignored",
        "parameters.refusals, applied before CreateStack as CloudFormation applies them",
    ),
    Gap(
        "the account's Lambda concurrency limit",
        "reserved concurrency set from a template is never held against it",
        "checks.concurrency_findings, with the account limit of the scenario",
    ),
)


class HttpApiStandIn(CloudFormationModel):
    """An HTTP API whose routes and integrations come from its OpenAPI ``Body``, as SAM writes it."""

    def __init__(self, api_id: str) -> None:
        self.api_id = api_id

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGatewayV2::Api"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @property
    def physical_resource_id(self) -> str:
        return self.api_id

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> HttpApiStandIn:
        properties = cloudformation_json["Properties"]
        backend = apigatewayv2_backends[account_id][region_name]
        api = backend.create_api(
            api_key_selection_expression="",
            cors_configuration="",
            description=properties.get("Description", ""),
            disable_schema_validation="",
            disable_execute_api_endpoint="",
            name=resource_name,
            protocol_type="HTTP",
            route_selection_expression="",
            tags={},
            version="",
        )
        api.import_api(json.dumps(properties["Body"]), fail_on_warnings=True)
        return cls(api.api_id)


class HttpApiStageStandIn(CloudFormationModel):
    def __init__(self, name: str) -> None:
        self.name = name

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGatewayV2::Stage"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "StageName"

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> HttpApiStageStandIn:
        properties = cloudformation_json["Properties"]
        config = {
            "stageName": properties["StageName"],
            "autoDeploy": properties.get("AutoDeploy", False),
            "accessLogSettings": properties.get("AccessLogSettings"),
            "defaultRouteSettings": properties.get("DefaultRouteSettings"),
        }
        apigatewayv2_backends[account_id][region_name].create_stage(properties["ApiId"], config)
        return cls(properties["StageName"])


class AlarmStandIn(CloudFormationModel):
    def __init__(self, name: str) -> None:
        self.name = name

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::CloudWatch::Alarm"

    @staticmethod
    def cloudformation_name_type() -> str:
        return "AlarmName"

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> AlarmStandIn:
        properties = cloudformation_json["Properties"]
        cloudwatch_backends[account_id][region_name].put_metric_alarm(
            name=resource_name,
            namespace=properties["Namespace"],
            metric_name=properties["MetricName"],
            comparison_operator=properties["ComparisonOperator"],
            evaluation_periods=int(properties["EvaluationPeriods"]),
            period=int(properties["Period"]),
            threshold=float(properties["Threshold"]),
            statistic=properties["Statistic"],
            description=properties.get("AlarmDescription", ""),
            dimensions=properties.get("Dimensions", []),
            alarm_actions=properties.get("AlarmActions", []),
            treat_missing_data=properties.get("TreatMissingData"),
        )
        return cls(resource_name)


class QueuePolicyStandIn(CloudFormationModel):
    def __init__(self, name: str) -> None:
        self.name = name

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SQS::QueuePolicy"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> QueuePolicyStandIn:
        properties = cloudformation_json["Properties"]
        backend = sqs_backends[account_id][region_name]
        for queue_url in properties["Queues"]:
            backend.set_queue_attributes(
                queue_url.rsplit("/", 1)[-1], {"Policy": json.dumps(properties["PolicyDocument"])}
            )
        return cls(resource_name)


class SubscriptionStandIn(CloudFormationModel):
    def __init__(self, arn: str) -> None:
        self.arn = arn

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SNS::Subscription"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> SubscriptionStandIn:
        properties = cloudformation_json["Properties"]
        backend = sns_backends[account_id][region_name]
        subscription = backend.subscribe(properties["TopicArn"], properties["Endpoint"], properties["Protocol"])
        return cls(subscription.arn)


class EventInvokeConfigStandIn(CloudFormationModel):
    def __init__(self, name: str) -> None:
        self.name = name

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Lambda::EventInvokeConfig"

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> EventInvokeConfigStandIn:
        properties = cloudformation_json["Properties"]
        config = {
            key: properties[key] for key in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds") if key in properties
        }
        lambda_backends[account_id][region_name].put_function_event_invoke_config(properties["FunctionName"], config)
        return cls(resource_name)


_created_table = Table.create_from_cloudformation_json


def _table_with_ttl_and_recovery(
    resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
) -> Table:
    table = _created_table(resource_name, cloudformation_json, account_id, region_name, **kwargs)
    properties = cloudformation_json["Properties"]
    backend = dynamodb_backends[account_id][region_name]
    if "TimeToLiveSpecification" in properties:
        backend.update_time_to_live(table.name, properties["TimeToLiveSpecification"])
    if "PointInTimeRecoverySpecification" in properties:
        backend.update_continuous_backups(table.name, properties["PointInTimeRecoverySpecification"])
    return table


_created_key = Key.create_from_cloudformation_json


def _key_with_policy_text(
    resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
) -> Key:
    properties = cloudformation_json["Properties"]
    if isinstance(properties.get("KeyPolicy"), dict):
        properties["KeyPolicy"] = json.dumps(properties["KeyPolicy"])
    return _created_key(resource_name, cloudformation_json, account_id, region_name, **kwargs)


_created_role = Role.create_from_cloudformation_json


def _role_with_policy_text(
    resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
) -> Role:
    for policy in cloudformation_json["Properties"].get("Policies", []):
        document = policy["PolicyDocument"]
        if isinstance(document, dict):
            document["Statement"] = [statement for statement in document["Statement"] if statement is not None]
            policy["PolicyDocument"] = json.dumps(document)
    return _created_role(resource_name, cloudformation_json, account_id, region_name, **kwargs)


def apply() -> None:
    """Installs the stand-ins (idempotent): moto reads its model list once, so its caches are cleared."""
    EventBus.physical_resource_id = property(lambda bus: bus.name)  # type: ignore[attr-defined]
    Table.create_from_cloudformation_json = staticmethod(_table_with_ttl_and_recovery)  # type: ignore[method-assign]
    Key.create_from_cloudformation_json = staticmethod(_key_with_policy_text)  # type: ignore[method-assign]
    Role.create_from_cloudformation_json = staticmethod(_role_with_policy_text)  # type: ignore[method-assign]
    parsing.get_model_list.cache_clear()
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()


def stand_in_types() -> set[str]:
    return {
        model.cloudformation_type() for model in CloudFormationModel.__subclasses__() if model.__module__ == __name__
    }
