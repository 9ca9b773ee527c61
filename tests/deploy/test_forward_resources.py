"""§21 deploys: the forward function is created with its two rules on the alert bus, each with a
retry policy and a dead-letter queue, its own dead-letter queue, and an alarm on each queue; ingest
may put ``Change Accepted`` on the bus and knows only whether ``DefaultForwarders`` is set."""

from __future__ import annotations

import json

from tests.deploy.emulated import client, deploy


def _rules_of(stack: str) -> dict[str, dict[str, object]]:
    events = client("events")
    found = {}
    for bus in events.list_event_buses()["EventBuses"]:
        for rule in events.list_rules(EventBusName=bus["Name"])["Rules"]:
            if stack in rule["Name"] and "EventPattern" in rule:
                found[rule["Name"]] = json.loads(rule["EventPattern"])
    return found


def test_the_forward_function_its_rules_queues_and_alarms_are_created(account: None) -> None:
    # Given the stack deployed with DefaultForwarders set
    deployment = deploy("deployment-events", {"DefaultForwarders": '[{"type": "WEBHOOK"}]'})
    assert deployment.status == "CREATE_COMPLETE", deployment.reason
    # When its resources are read back
    functions = deployment.of_type("AWS::Lambda::Function")
    queues = deployment.of_type("AWS::SQS::Queue")
    alarm_names = list(deployment.of_type("AWS::CloudWatch::Alarm").values())
    alarms = client("cloudwatch").describe_alarms(AlarmNames=alarm_names)["MetricAlarms"]
    watched = {dimension["Value"] for alarm in alarms for dimension in alarm["Dimensions"]}
    patterns = list(_rules_of("deployment-events").values())
    # Then the function, both rules, both queues and their alarms are there
    assert "ForwardFunction" in functions
    assert {"source": ["deployment-events"], "detail-type": ["Change Accepted"]} in patterns
    assert {"source": ["deployment-events"], "detail-type": ["Change Failed"]} in patterns
    for queue in ("ForwardDeadLetterQueue", "ChangeDeliveryDeadLetterQueue"):
        assert queues[queue].rsplit("/", 1)[-1] in watched
    # And ingest knows only that DefaultForwarders is set, never what it holds
    ingest = client("lambda").get_function_configuration(FunctionName=functions["IngestFunction"])
    assert ingest["Environment"]["Variables"]["FORWARDS_BY_DEFAULT"] == "true"
    assert "DEFAULT_FORWARDERS" not in ingest["Environment"]["Variables"]
