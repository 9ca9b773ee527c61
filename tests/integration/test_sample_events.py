"""Every file in events/ (for `sam local invoke`) is accepted by its function, in-process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from local.gateway import Gateway
from shared.domain.models.keyed import IssuedKey
from shared.logic import alert_sources, pipelines
from tests.conftest import ADMIN, Api, Aws
from tests.integration.test_enrichment_webhook import Receiver, receiver  # noqa: F401 - the fixture

EVENTS = sorted((Path(__file__).parents[2] / "events").glob("*.json"))
FUNCTION_BY_PREFIX = {
    "ingest": "IngestFunction",
    "correlate": "CorrelateFunction",
    "enrich": "EnrichFunction",
    "notify": "NotifyFunction",
    "api": "ApiFunction",
    "web": "WebFunction",
    "intake": "AlertIntakeFunction",
    "aws": "AwsChangesFunction",
    "forward": "ForwardFunction",
}
EXPECTED_BUS_RESULTS = {
    "correlate-alert-created.json": {"alertId": "12345", "scope": "TEAM", "related": 0},
    "enrich-alert-correlated.json": {"alertId": "12345", "stored": True},
    "enrich-verdict-given.json": {"alertId": "12345", "recorded": False},
    "notify-alert-enriched.json": {"alertId": "12345", "sent": [{"type": "WEBHOOK", "status": "delivered"}]},
    "aws-ecs-deployment-completed.json": {"status": "accepted", "id": "f0c93e02-3bc2-5a2a-8c6d-b8a1b82e2592"},
    "forward-change-accepted.json": {"eventId": "4930ca7b-f0cf-5d48-8feb-8ceac4ece0bd", "sent": []},
}
EXAMPLE_KEYS = {
    "API": "dpl_example-api-key",
    "GITHUB": "dpl_example-github-key",
    "GITLAB": "dpl_example-gitlab-key",
    "TERRAFORM": "dpl_example-terraform-key",
}
EXAMPLE_ALERT_SOURCE_KEY = "als_example-alertmanager-key"
SAMPLE_ADMIN_TOKEN = "Bearer local-dev-token"
"""The samples carry `make run`'s admin token; here the tests' own stands in for it."""


@pytest.fixture
def stack_parameters(receiver: Receiver) -> dict[str, str]:  # noqa: F811 - overrides conftest's
    return {
        "RetentionDays": "3650",
        "EnrichmentWebhookUrl": f"http://127.0.0.1:{receiver.port}/hook",
        "EnrichmentWebhookSecretParameter": "/deployment-events/enrichment-webhook-secret",
    }


@pytest.fixture
def example_pipelines(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pipelines whose integration keys are the ones written in the sample events."""
    for integration_type, key in EXAMPLE_KEYS.items():
        monkeypatch.setattr(pipelines.PIPELINES, "issue_key", lambda key=key: IssuedKey(key))
        api.create_pipeline(integration_type, teams=[{"id": "payments", "name": "Payments"}])
    monkeypatch.setattr(alert_sources.ALERT_SOURCES, "issue_key", lambda: IssuedKey(EXAMPLE_ALERT_SOURCE_KEY))
    created = api.call("POST", "/api/alert-sources", {"name": "prometheus", "integrationType": "ALERTMANAGER"})
    assert created.status == 201


def test_there_is_a_sample_for_each_function() -> None:
    assert {path.name.split("-", 1)[0] for path in EVENTS} == set(FUNCTION_BY_PREFIX)


@pytest.mark.parametrize("path", EVENTS, ids=[path.name for path in EVENTS])
def test_sample_event_is_accepted(path: Path, aws: Aws, gateway: Gateway, example_pipelines: None) -> None:
    # Given the sample event and the function `sam local invoke` would give it to
    event: dict[str, Any] = json.loads(path.read_text())
    if event.get("headers", {}).get("authorization") == SAMPLE_ADMIN_TOKEN:
        event["headers"]["authorization"] = ADMIN["authorization"]
    function = gateway.pools[FUNCTION_BY_PREFIX[path.name.split("-", 1)[0]]].function
    # When the real handler takes it
    result = gateway.pools[function.logical_id].invoke(event)
    # Then it succeeds: a 2xx for HTTP events, a result for bus events
    if "routeKey" in event:
        assert 200 <= result["statusCode"] < 300, result
    else:
        assert result == EXPECTED_BUS_RESULTS[path.name]
