"""The created stack held against the template and against what AWS needs of it (§22).

Each check reads the resources back through the AWS API (moto's, here) and returns findings, one
line each; a stack that is right has none. The checks take names from the template and the stack,
never from a list of their own, so a resource added to the template is checked as it lands.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.deploy.emulated import Deployment, client, deploy
from tests.deploy.parameters import ACCOUNT_ID, REGION, ParameterRefused

UNRESERVED_MINIMUM = 100
"""Lambda keeps this much of an account's concurrency unreserved, whatever the functions reserve."""


def account_findings(
    environments: dict[str, tuple[str, dict[str, str]]],
    sam_template: dict[str, Any] | None = None,
    account_limit: int = 1000,
) -> list[str]:
    """Deploys each environment (stack name, parameter overrides) into one emulated account, in turn, as an
    operator would, and checks every stack; a refused parameter value is a finding too."""
    found = []
    for environment, (stack_name, overrides) in environments.items():
        template = copy.deepcopy(sam_template) if sam_template is not None else None
        try:
            deployment = deploy(stack_name, overrides, template)
        except ParameterRefused as refused:
            found.append(f"{environment}: refused: {refused}")
            continue
        found.extend(f"{environment}: {finding}" for finding in findings(deployment))
    return [*found, *concurrency_findings(account_limit)]


def findings(deployment: Deployment) -> list[str]:
    """Every check on one deployed stack."""
    if deployment.status != "CREATE_COMPLETE":
        return [f"{deployment.stack_name}: {deployment.status} {deployment.reason}"]
    return [
        *missing_resources(deployment),
        *table_findings(deployment),
        *rule_findings(deployment),
        *alarm_findings(deployment),
        *route_findings(deployment),
        *policy_findings(deployment),
    ]


def missing_resources(deployment: Deployment) -> list[str]:
    """Declared (its condition true) but not created: what moto skipped or CloudFormation would refuse."""
    conditions = deployment.conditions
    expected = {
        logical_id: resource["Type"]
        for logical_id, resource in deployment.transformed["Resources"].items()
        if conditions.get(resource.get("Condition", ""), True)
    }
    created = {
        logical_id
        for logical_id, summary in deployment.resources.items()
        if summary["ResourceStatus"] == "CREATE_COMPLETE"
    }
    return [
        f"{logical_id} ({kind}) was not created"
        for logical_id, kind in sorted(expected.items())
        if logical_id not in created
    ]


def table_findings(deployment: Deployment) -> list[str]:
    """Each table as declared (keys, indexes), with its TTL and point-in-time recovery on."""
    found = []
    dynamodb = client("dynamodb")
    for logical_id, name in deployment.of_type("AWS::DynamoDB::Table").items():
        declared = deployment.transformed["Resources"][logical_id]["Properties"]
        table = dynamodb.describe_table(TableName=name)["Table"]
        if table["KeySchema"] != declared["KeySchema"]:
            found.append(f"{logical_id}: key schema {table['KeySchema']} is not the declared one")
        created_indexes = {
            index["IndexName"]: (index["KeySchema"], index["Projection"])
            for index in table.get("GlobalSecondaryIndexes", [])
        }
        declared_indexes = {
            index["IndexName"]: (index["KeySchema"], index["Projection"])
            for index in declared.get("GlobalSecondaryIndexes", [])
        }
        if created_indexes != declared_indexes:
            found.append(
                f"{logical_id}: indexes {sorted(created_indexes)} are not the declared {sorted(declared_indexes)}"
            )
        ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        declared_ttl = declared.get("TimeToLiveSpecification", {})
        if ttl.get("TimeToLiveStatus") != "ENABLED" or ttl.get("AttributeName") != declared_ttl.get("AttributeName"):
            found.append(f"{logical_id}: TTL is {ttl.get('TimeToLiveStatus')} on {ttl.get('AttributeName')}")
        backups = dynamodb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        if backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] != "ENABLED":
            found.append(f"{logical_id}: point-in-time recovery is off")
    return found


def _rule_targets(deployment: Deployment) -> dict[str, list[dict[str, Any]]]:
    events = client("events")
    buses = ["default", *deployment.of_type("AWS::Events::EventBus").values()]
    rules = set(deployment.of_type("AWS::Events::Rule").values())
    return {
        rule["Name"]: events.list_targets_by_rule(Rule=rule["Name"], EventBusName=bus)["Targets"]
        for bus in buses
        for rule in events.list_rules(EventBusName=bus)["Rules"]
        if rule["Name"] in rules
    }


def _allows(policy_text: str | None, service: str, action: str, resource: str) -> bool:
    statements = json.loads(policy_text)["Statement"] if policy_text else []
    return any(
        statement["Effect"] == "Allow"
        and statement.get("Principal", {}).get("Service") == service
        and action in _listed(statement["Action"])
        and resource in _listed(statement["Resource"])
        for statement in statements
    )


def _listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def rule_findings(deployment: Deployment) -> list[str]:
    """Every rule targets the function that declares it, with a retry policy and a dead-letter queue of the
    stack that EventBridge may send to."""
    logical_ids = {name: logical_id for logical_id, name in deployment.of_type("AWS::Events::Rule").items()}
    found = []
    for rule, targets in _rule_targets(deployment).items():
        declared = [
            deployment.arns.get(target["Arn"]["Fn::GetAtt"][0], "")
            for target in deployment.transformed["Resources"][logical_ids[rule]]["Properties"].get("Targets", [])
        ]
        if sorted(target["Arn"] for target in targets) != sorted(declared) or not targets:
            found.append(f"rule {rule} targets {[target['Arn'] for target in targets]}, declared {declared}")
        found.extend(problem for target in targets for problem in _target_problems(deployment, rule, target))
    return found


def _target_problems(deployment: Deployment, rule: str, target: dict[str, Any]) -> list[str]:
    queues = {arn: logical_id for logical_id, arn in deployment.arns.items() if arn.startswith("arn:aws:sqs:")}
    dead_letter = target.get("DeadLetterConfig", {}).get("Arn", "")
    problems = []
    if not target["Arn"].startswith("arn:aws:lambda:") or target["Arn"] not in deployment.arns.values():
        problems.append(f"rule {rule} targets {target['Arn']}, no function of the stack")
    if "RetryPolicy" not in target:
        problems.append(f"rule {rule} has no retry policy")
    if dead_letter not in queues:
        return [*problems, f"rule {rule} has no dead-letter queue of the stack ({dead_letter or 'none'})"]
    sqs = client("sqs")
    url = sqs.get_queue_url(QueueName=dead_letter.rsplit(":", 1)[-1])["QueueUrl"]
    policy = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {}).get("Policy")
    if not _allows(policy, "events.amazonaws.com", "sqs:SendMessage", dead_letter):
        problems.append(f"rule {rule}: EventBridge may not send to its dead-letter queue {queues[dead_letter]}")
    return problems


def dead_letter_queues(deployment: Deployment) -> set[str]:
    """The logical ids of the queues something dead-letters into: a rule's target, a function or a
    queue's redrive policy."""
    queues = {logical_id for logical_id, arn in deployment.arns.items() if arn.startswith("arn:aws:sqs:")}
    referenced = set()
    for resource in deployment.transformed["Resources"].values():
        properties = resource.get("Properties", {})
        configs = [properties.get("DeadLetterConfig", {})]
        configs += [target.get("DeadLetterConfig", {}) for target in properties.get("Targets", [])]
        configs.append({"Arn": properties.get("RedrivePolicy", {}).get("deadLetterTargetArn")})
        for config in configs:
            arn = config.get("TargetArn", config.get("Arn"))
            if isinstance(arn, dict) and "Fn::GetAtt" in arn:
                referenced.add(arn["Fn::GetAtt"][0])
    return queues & referenced


def alarm_findings(deployment: Deployment) -> list[str]:
    """Each dead-letter queue has one alarm, on it, notifying a topic of the stack that CloudWatch can publish to."""
    resources = deployment.resources
    queue_names = {
        logical_id: resources[logical_id]["PhysicalResourceId"].rsplit("/", 1)[-1]
        for logical_id in dead_letter_queues(deployment)
    }
    topics = set(deployment.of_type("AWS::SNS::Topic").values())
    alarm_names = list(deployment.of_type("AWS::CloudWatch::Alarm").values())
    alarms = client("cloudwatch").describe_alarms(AlarmNames=alarm_names)["MetricAlarms"] if alarm_names else []
    watched = [
        dimension["Value"]
        for alarm in alarms
        for dimension in alarm.get("Dimensions", [])
        if dimension["Name"] == "QueueName"
    ]
    found = [
        f"{logical_id} has {watched.count(name)} alarms, not one"
        for logical_id, name in sorted(queue_names.items())
        if watched.count(name) != 1
    ]
    for alarm in alarms:
        queues = {d["Value"] for d in alarm.get("Dimensions", []) if d["Name"] == "QueueName"}
        if not queues or not queues <= set(queue_names.values()):
            found.append(f"alarm {alarm['AlarmName']} watches {sorted(queues)}, no dead-letter queue of the stack")
        actions = set(alarm.get("AlarmActions", []))
        if not actions or not actions <= topics:
            found.append(f"alarm {alarm['AlarmName']} notifies {sorted(actions)}, not a topic of the stack")
        found.extend(_topic_findings(actions & topics))
    return sorted(set(found))


def _topic_findings(topics: set[str]) -> list[str]:
    found = []
    for topic in topics:
        key = client("sns").get_topic_attributes(TopicArn=topic)["Attributes"].get("KmsMasterKeyId", "")
        if not key:
            continue
        policy = (
            ""
            if key.startswith("alias/aws/")
            else client("kms").get_key_policy(KeyId=key, PolicyName="default")["Policy"]
        )
        if not _allows(policy, "cloudwatch.amazonaws.com", "kms:GenerateDataKey*", "*"):
            found.append(f"topic {topic}: CloudWatch may not use its key {key}, so alarms cannot publish")
    return found


def _routes(api_id: str) -> dict[str, str]:
    """Each route of an API by its key ("POST /path"), with the URI of the integration it invokes."""
    apis = client("apigatewayv2")
    integrations = {
        item["IntegrationId"]: item.get("IntegrationUri", "") for item in apis.get_integrations(ApiId=api_id)["Items"]
    }
    return {
        route["RouteKey"]: integrations.get(route.get("Target", "").removeprefix("integrations/"), "")
        for route in apis.get_routes(ApiId=api_id)["Items"]
    }


def route_findings(deployment: Deployment) -> list[str]:
    """Every HttpApi event of every function is a route of its API, integrated with that function."""
    routes = {api: _routes(api_id) for api, api_id in deployment.of_type("AWS::ApiGatewayV2::Api").items()}
    found = []
    for function, resource in deployment.sam_template["Resources"].items():
        for event_name, event in resource.get("Properties", {}).get("Events", {}).items():
            if event["Type"] != "HttpApi":
                continue
            api = event["Properties"].get("ApiId", {"Ref": "ServerlessHttpApi"})["Ref"]
            route_key = f"{event['Properties']['Method'].upper()} {event['Properties']['Path']}"
            invoked = routes.get(api, {}).get(route_key)
            if invoked is None:
                found.append(f"{function}.{event_name}: no route {route_key}")
            elif deployment.arns[function] not in invoked:
                found.append(f"{function}.{event_name}: route {route_key} invokes {invoked}")
    return found


def policy_findings(deployment: Deployment) -> list[str]:
    """Every ARN in every role's policies names a resource of the stack (or a parameter's SSM parameter), of the
    service its actions belong to; every function runs with a role of the stack."""
    arns = deployment.arns
    parameters = {
        f"arn:aws:ssm:{REGION}:{ACCOUNT_ID}:parameter{value}"
        for value in deployment.parameters.values()
        if value.startswith("/")
    }
    iam = client("iam")
    found: list[str] = []
    for role in deployment.of_type("AWS::IAM::Role").values():
        for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
            document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
            statements = document["Statement"]
            for statement in [statements] if isinstance(statements, dict) else statements:
                found.extend(
                    f"role {role} policy {name}: {problem}"
                    for problem in _statement_problems(statement, set(arns.values()) | parameters)
                )
    roles = {arns[logical_id] for logical_id in deployment.of_type("AWS::IAM::Role")}
    for logical_id, function in deployment.of_type("AWS::Lambda::Function").items():
        role = client("lambda").get_function(FunctionName=function)["Configuration"]["Role"]
        if role not in roles:
            found.append(f"{logical_id} runs as {role}, no role of the stack")
    return found


TAG_READS = {f"{service}:ListTagsForResource" for service in ("ecs", "codedeploy", "codepipeline", "appconfig")}
"""The AWS pipeline's tag lookups (§20): read-only, on the deployed resources of the stack's own account."""


def _reads_tags_in_this_account(statement: dict[str, Any], resource: str) -> bool:
    actions = set(_listed(statement["Action"]))
    service = resource.split(":")[2] if resource.count(":") >= 5 else ""
    return actions <= TAG_READS and resource.startswith(f"arn:aws:{service}:{REGION}:{ACCOUNT_ID}:")


def _statement_problems(statement: dict[str, Any], known: set[str]) -> list[str]:
    if statement.get("Effect") != "Allow":
        return []
    services = {action.split(":", 1)[0] for action in _listed(statement["Action"])}
    problems = []
    for resource in _listed(statement.get("Resource", [])):
        if _reads_tags_in_this_account(statement, resource):
            if services != {resource.split(":")[2]}:
                problems.append(f"{sorted(services)} on {resource}, a resource of another service")
            continue
        if not (resource in known or _is_index_of_a_table(resource, known)):
            problems.append(f"{resource} is no resource of the stack")
        elif services != {resource.split(":")[2]}:
            problems.append(f"{sorted(services)} on {resource}, a resource of another service")
    return problems


def _is_index_of_a_table(resource: str, known: set[str]) -> bool:
    table_arn, separator, index = resource.partition("/index/")
    if not separator or table_arn not in known:
        return False
    table = client("dynamodb").describe_table(TableName=table_arn.rsplit("/", 1)[-1])["Table"]
    return index in {created["IndexName"] for created in table.get("GlobalSecondaryIndexes", [])}


def concurrency_findings(account_limit: int) -> list[str]:
    """What Lambda would refuse: reservations that leave less than its minimum of the account's limit unreserved."""
    functions = client("lambda")
    reserved = sum(
        functions.get_function_concurrency(FunctionName=function["FunctionName"]).get("ReservedConcurrentExecutions", 0)
        for function in functions.list_functions()["Functions"]
    )
    if reserved and account_limit - reserved < UNRESERVED_MINIMUM:
        return [f"{reserved} reserved leaves {account_limit - reserved} of {account_limit}, under {UNRESERVED_MINIMUM}"]
    return []
