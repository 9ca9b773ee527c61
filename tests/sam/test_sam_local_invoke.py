"""Every sample in events/ answers through `sam local invoke`, in the Lambda runtime's container.

What the in-process tests cannot see: the build output, the layer and the runtime image together,
talking to (emulated) AWS over HTTP. Run by hand or in CI (not part of `make test`):

    .venv/bin/pytest -m sam tests/sam

`events/<prefix>-*.json` targets the function of FUNCTION_BY_PREFIX; a prefix whose function is not
in the template is skipped. An HTTP event must be routed to that function by the template and
answer below 500 (EXPECTED_STATUS where the code is obvious); an EventBridge event must match one
of the function's rules. No answer may carry an errorMessage.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from local.template import REPOSITORY_ROOT, LocalStack
from tests.sam.conftest import Receiver, SamLocal, stack_parameters

pytestmark = [pytest.mark.sam, pytest.mark.usefixtures("docker_usable")]

FUNCTION_BY_PREFIX = {
    "ingest": "IngestFunction",
    "api": "ApiFunction",
    "web": "WebFunction",
    "correlate": "CorrelateFunction",
    "enrich": "EnrichFunction",
    "webhook": "EnrichmentWebhookFunction",
    "intake": "AlertIntakeFunction",
    "notify": "NotifyFunction",
    "aws": "AwsChangesFunction",
    "forward": "ForwardFunction",
}
EXPECTED_STATUS = {
    "ingest-health.json": 200,
    # No pipeline holds the samples' integration keys: DynamoDB was asked and had none.
    "ingest-generic-event.json": 404,
    "ingest-github-push.json": 404,
    "ingest-gitlab-merge-request.json": 404,
}
EXPECTED_BUS_RESULTS = {
    "correlate-alert-created.json": {"alertId": "12345", "scope": "ACCOUNT", "related": 0},
    "enrich-alert-correlated.json": {"alertId": "12345", "stored": True},
    "webhook-alert-enriched.json": {"delivered": True, "status": 200},
    # The account's AWS pipeline is created by its first change, and the change stored.
    "aws-ecs-deployment-completed.json": {"status": "accepted", "id": "f0c93e02-3bc2-5a2a-8c6d-b8a1b82e2592"},
    "forward-change-accepted.json": {"eventId": "4930ca7b-f0cf-5d48-8feb-8ceac4ece0bd", "sent": []},
}
"""Bus events whose answer is certain with the resources alone (no pipelines, no events stored)."""

STACK = LocalStack(stack_parameters())
FUNCTIONS = STACK.functions()
EVENTS = sorted((REPOSITORY_ROOT / "events").glob("*.json"))


def _cases() -> list[Any]:
    cases = []
    for path in EVENTS:
        prefix = path.name.split("-", 1)[0]
        function = FUNCTION_BY_PREFIX.get(prefix)
        marks = []
        if function is None:
            reason = f"no function for the prefix {prefix!r}: add it to FUNCTION_BY_PREFIX"
            marks.append(pytest.mark.skip(reason=reason))
        elif function not in FUNCTIONS:
            marks.append(pytest.mark.skip(reason=f"{function} is not in template.yaml"))
        cases.append(pytest.param(function, path, id=f"{function}-{path.stem}", marks=marks))
    return cases


def _check_targets(function: str, event: dict[str, Any], path: Path) -> None:
    """The sample reaches this function in the deployed stack too (the file name is not stale)."""
    if "routeKey" in event:
        owners = {route.function for route in STACK.routes() if route.route_key == event["routeKey"]}
        assert function in owners, f"{path.name}: the template routes {event['routeKey']} to {owners or 'nothing'}"
    elif "detail-type" in event:
        patterns = [rule.pattern for rule in STACK.rules() if rule.function == function]
        assert any(
            event["detail-type"] in pattern.get("detail-type", []) and event["source"] in pattern.get("source", [])
            for pattern in patterns
        ), f"{path.name}: no rule of {function} matches {event['source']} / {event['detail-type']}: {patterns}"


@pytest.mark.parametrize(("function", "path"), _cases())
def test_sample_event_answers(
    function: str, path: Path, sam_local: SamLocal, aws_resources: None, receiver: Receiver
) -> None:
    # Given a sample event and the function it targets, with the template's resources in moto
    event: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    _check_targets(function, event, path)
    # When `sam local invoke` runs the built function in the runtime's container
    answer = sam_local.invoke(function, path)
    # Then it answers: an HTTP response below 500, or the bus event's result
    if "routeKey" in event:
        assert isinstance(answer.get("statusCode"), int), answer
        if path.name in EXPECTED_STATUS:
            assert answer["statusCode"] == EXPECTED_STATUS[path.name], answer
        assert answer["statusCode"] < 500, answer
    elif path.name in EXPECTED_BUS_RESULTS:
        assert answer == EXPECTED_BUS_RESULTS[path.name]
    if function in ("EnrichmentWebhookFunction", "NotifyFunction"):
        assert [request["path"] for request in receiver.requests] == ["/hook"], receiver.requests
