"""The three ingest endpoints through API Gateway and the real handler, with whatever a broken or
hostile sender might send (§3): every answer is a 2xx, or a 4xx whose message says why; a
4xx stores nothing, and a 2xx stores at most the one event it names."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from local.gateway import Gateway, GatewayResponse
from local.template import LOCAL_REGION
from shared.domain.models.pipelines import GITHUB_EVENTS, GITLAB_EVENTS
from tests.conftest import Api, Aws
from tests.fixture_files import FIXTURES, fixture_json
from tests.property.strategies import (
    PLACEHOLDER_KEY,
    RealPayload,
    WireDelivery,
    change_sources,
    cloudevents_deliveries,
    generic_event,
    header_values,
    real_payloads,
    sent_now,
    wire_deliveries,
)
from tests.property.support import bounded

OUTCOMES = {"accepted", "duplicate", "ignored"}
GITHUB_PAYLOADS = tuple(map(sent_now, real_payloads("github")))
GITLAB_PAYLOADS = tuple(map(sent_now, real_payloads("gitlab")))


class StoredEvents:
    """The ids of the stored events, read once after each request: what the table held after one
    request is what it held before the next, so each example costs one Scan, with one client."""

    def __init__(self, aws: Aws) -> None:
        self._client: Any = boto3.client("dynamodb", region_name=LOCAL_REGION)
        self._table = aws.resources.table_name
        self.current = self._read()

    def _read(self) -> set[str]:
        pages = self._client.get_paginator("scan").paginate(
            TableName=self._table,
            FilterExpression="begins_with(PK, :event)",
            ExpressionAttributeValues={":event": {"S": "EVENT#"}},
            ProjectionExpression="PK",
        )
        return {item["PK"]["S"].removeprefix("EVENT#") for page in pages for item in page["Items"]}

    def after(self, send: Callable[[], GatewayResponse]) -> tuple[GatewayResponse, set[str], set[str]]:
        """The response to ``send``, and the stored ids before and after it."""
        before = self.current
        response = send()
        self.current = self._read()
        return response, before, self.current


@pytest.fixture
def stored_events(aws: Aws) -> StoredEvents:
    return StoredEvents(aws)


def assert_answered_safely(
    stored_events: StoredEvents, send: Callable[[], GatewayResponse], *, may_publish: bool = False
) -> None:
    # When the request is sent
    response, stored_before, stored_after = stored_events.after(send)
    # Then the status is a success or a client error, never a server error
    assert 200 <= response.status < 300 or 400 <= response.status < 500, (response.status, response.body[:300])
    body = json.loads(response.body)
    if response.status >= 400:
        event(f"{response.status} {body.get('code')}")
        # And a rejection tells the sender why, and stores nothing
        assert isinstance(body.get("message"), str), body
        assert body["message"].strip()
        assert stored_after == stored_before
        return
    event(f"{response.status} {body.get('status')}")
    # And a success says what became of the event; only the event it names may be new
    assert body["status"] in OUTCOMES
    added = stored_after - stored_before
    if body["status"] == "ignored":
        assert not added
    elif may_publish and body["id"] not in stored_after:
        # Or (a CDEvents incident) it became an alert on the bus, and nothing was stored
        event("alert published")
        assert not added
    else:
        assert body["id"] in stored_after
        assert added <= {body["id"]}


def request_headers(delivery: WireDelivery, extra: dict[str, str], event_header: str | None = None) -> dict[str, str]:
    """The delivery's headers; an empty content type is sent as none at all, which must be answered too."""
    headers = dict(extra)
    if event_header is not None:
        headers[event_header] = delivery.event
    if delivery.content_type:
        headers["content-type"] = delivery.content_type
    return headers


@pytest.fixture
def generic_key(api: Api) -> str:
    """One pipeline serves every example of a test: creating one per example would dominate the run."""
    return str(api.create_pipeline("API", teams=[{"id": "payments"}])["integrationKey"])


@pytest.fixture
def github_path(api: Api) -> str:
    """Every event and branch enabled, so broken payloads are read rather than filtered out."""
    params = {"branchFilters": [], "eventFilters": list(GITHUB_EVENTS)}
    created = api.create_pipeline("GITHUB", teams=[{"id": "payments"}], params=params)
    return f"/api/v1/deployment-events/github/{created['integrationKey']}"


@pytest.fixture
def gitlab_path(api: Api) -> str:
    params = {"branchFilters": [], "eventFilters": list(GITLAB_EVENTS)}
    created = api.create_pipeline("GITLAB", teams=[{"id": "payments"}], params=params)
    return f"/api/v1/deployment-events/gitlab/{created['integrationKey']}"


optional_header = st.none() | header_values


@bounded(max_examples=250)
@given(delivery=wire_deliveries((generic_event(),)), idempotency_key=optional_header)
def test_generic_endpoint_answers_any_body(
    gateway: Gateway, stored_events: StoredEvents, generic_key: str, delivery: WireDelivery, idempotency_key: str | None
) -> None:
    # Given a body that is random bytes, random JSON or a full event broken on purpose, keyed for the pipeline
    body = delivery.body.replace(PLACEHOLDER_KEY.encode(), generic_key.encode())
    extra = {} if idempotency_key is None else {"idempotency-key": idempotency_key}
    headers = request_headers(delivery, extra)
    assert_answered_safely(stored_events, lambda: gateway.handle("POST", "/api/deployment-events", "", headers, body))


@bounded(max_examples=250)
@given(delivery=wire_deliveries(GITHUB_PAYLOADS, forms=True), delivery_id=optional_header)
def test_github_webhook_answers_any_body(
    gateway: Gateway, stored_events: StoredEvents, github_path: str, delivery: WireDelivery, delivery_id: str | None
) -> None:
    # Given random bytes, random JSON, or a payload GitHub really sent broken on purpose (as JSON or form)
    extra = {} if delivery_id is None else {"x-github-delivery": delivery_id}
    headers = request_headers(delivery, extra, "x-github-event")
    assert_answered_safely(stored_events, lambda: gateway.handle("POST", github_path, "", headers, delivery.body))


@bounded(max_examples=250)
@given(delivery=wire_deliveries(GITLAB_PAYLOADS), event_uuid=optional_header)
def test_gitlab_webhook_answers_any_body(
    gateway: Gateway, stored_events: StoredEvents, gitlab_path: str, delivery: WireDelivery, event_uuid: str | None
) -> None:
    # Given random bytes, random JSON, or a payload GitLab really sent broken on purpose
    extra = {} if event_uuid is None else {"x-gitlab-event-uuid": event_uuid}
    headers = request_headers(delivery, extra, "x-gitlab-event")
    assert_answered_safely(stored_events, lambda: gateway.handle("POST", gitlab_path, "", headers, delivery.body))


def change_payloads(folder: str) -> tuple[RealPayload, ...]:
    """The real bodies of a folder of tests/fixtures (Argo CD, PagerDuty, §20's sources), to be broken on purpose."""
    found = []
    for body in sorted((FIXTURES / folder).glob("*.json")):
        if not body.name.endswith(".headers.json"):
            found.append(RealPayload(f"{folder}/{body.name}", folder, fixture_json(f"{folder}/{body.name}")))
    return tuple(found)


@pytest.fixture
def argocd_path(api: Api) -> str:
    return f"/api/v1/deployment-events/argocd/{api.create_pipeline('ARGOCD')['integrationKey']}"


@pytest.fixture
def pagerduty_key(api: Api) -> str:
    return str(api.create_pipeline("PAGERDUTY_CHANGE")["integrationKey"])


@bounded(max_examples=150)
@given(delivery=wire_deliveries(change_payloads("argocd")))
def test_argocd_webhook_answers_any_body(
    gateway: Gateway, stored_events: StoredEvents, argocd_path: str, delivery: WireDelivery
) -> None:
    headers = request_headers(delivery, {})
    assert_answered_safely(stored_events, lambda: gateway.handle("POST", argocd_path, "", headers, delivery.body))


@bounded(max_examples=150)
@given(delivery=wire_deliveries(change_payloads("pagerduty")), in_path=st.booleans())
def test_pagerduty_change_endpoints_answer_any_body(
    gateway: Gateway, stored_events: StoredEvents, pagerduty_key: str, delivery: WireDelivery, in_path: bool
) -> None:
    # Given any body, keyed in the path or (PagerDuty's own path) by routing_key
    headers = request_headers(delivery, {})
    body = delivery.body.replace(b"samplekeyhere", pagerduty_key.encode())
    path = f"/api/v1/deployment-events/pagerduty/{pagerduty_key}" if in_path else "/v2/change/enqueue"
    # When it is sent, then it is answered as PagerDuty answers, never with a 5xx
    response, before, after = stored_events.after(lambda: gateway.handle("POST", path, "", headers, body))
    assert 200 <= response.status < 300 or 400 <= response.status < 500, (response.status, response.body[:300])
    answer = json.loads(response.body)
    event(f"{response.status} {answer.get('status')}")
    if response.status == 202:
        assert answer == {"status": "success", "message": "Change event processed"}
        assert len(after - before) <= 1
    else:
        assert after == before
        assert answer.get("errors") or answer.get("message")


CHANGE_SOURCES = {"launchdarkly": "LAUNCHDARKLY", "unleash": "UNLEASH", "terraform": "TERRAFORM"}
"""§20's webhooks, each read with its own fixtures broken on purpose."""


@pytest.fixture
def change_source_paths(api: Api) -> dict[str, str]:
    return {
        source: f"/api/v1/deployment-events/{source}/{api.create_pipeline(kind)['integrationKey']}"
        for source, kind in CHANGE_SOURCES.items()
    }


@bounded(max_examples=100)
@given(delivery=wire_deliveries(change_payloads("changes/launchdarkly")))
def test_launchdarkly_webhook_answers_any_body(
    gateway: Gateway, stored_events: StoredEvents, change_source_paths: dict[str, str], delivery: WireDelivery
) -> None:
    # Given random bytes, random JSON, or a LaunchDarkly flag change broken on purpose
    path, headers = change_source_paths["launchdarkly"], request_headers(delivery, {})
    assert_answered_safely(stored_events, lambda: gateway.handle("POST", path, "", headers, delivery.body))


@bounded(max_examples=100)
@given(delivery=wire_deliveries(change_payloads("changes/unleash")))
def test_unleash_webhook_answers_any_body(
    gateway: Gateway, stored_events: StoredEvents, change_source_paths: dict[str, str], delivery: WireDelivery
) -> None:
    # Given random bytes, random JSON, or an Unleash event broken on purpose
    path, headers = change_source_paths["unleash"], request_headers(delivery, {})
    assert_answered_safely(stored_events, lambda: gateway.handle("POST", path, "", headers, delivery.body))


@bounded(max_examples=100)
@given(delivery=wire_deliveries(change_payloads("changes/terraform")))
def test_terraform_notifications_answer_any_body(
    gateway: Gateway, stored_events: StoredEvents, change_source_paths: dict[str, str], delivery: WireDelivery
) -> None:
    # Given random bytes, random JSON, or an HCP Terraform notification broken on purpose
    path, headers = change_source_paths["terraform"], request_headers(delivery, {})
    assert_answered_safely(stored_events, lambda: gateway.handle("POST", path, "", headers, delivery.body))


@pytest.fixture
def cdevents_path(api: Api) -> str:
    return f"/api/v1/deployment-events/cdevents/{api.create_pipeline('CDEVENTS')['integrationKey']}"


@pytest.fixture
def flux_path(api: Api) -> str:
    return f"/api/v1/deployment-events/flux/{api.create_pipeline('FLUX')['integrationKey']}"


@bounded(max_examples=150)
@given(delivery=cloudevents_deliveries(change_sources("changes/cdevents")))
def test_cdevents_endpoint_answers_any_envelope(
    gateway: Gateway, stored_events: StoredEvents, cdevents_path: str, delivery: tuple[dict[str, str], bytes]
) -> None:
    # Given a real CDEvent broken on purpose, bare, in binary mode with hostile ce-* headers, or in
    # a structured envelope of any shape
    headers, body = delivery
    assert_answered_safely(
        stored_events, lambda: gateway.handle("POST", cdevents_path, "", headers, body), may_publish=True
    )


@bounded(max_examples=150)
@given(delivery=wire_deliveries(change_sources("changes/flux")))
def test_flux_webhook_answers_any_body(
    gateway: Gateway, stored_events: StoredEvents, flux_path: str, delivery: WireDelivery
) -> None:
    headers = request_headers(delivery, {})
    assert_answered_safely(stored_events, lambda: gateway.handle("POST", flux_path, "", headers, delivery.body))
