"""Notification delivery (§13) over real sockets: a local HTTP server records each request
as it arrived and answers a scripted sequence; no HTTP library is mocked."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import socket
import time
from collections.abc import Iterator

import pytest

from shared.adapters.notify_http import USER_AGENT, DeliveryPolicy, DeliveryResult, deliver
from shared.domain.notifications.context import OutboundRequest
from shared.domain.notifications.plain_text import ilert_request, pagerduty_request
from shared.domain.notifications.slack import slack_request
from shared.domain.notifications.webhook import webhook_request
from shared.logic.claims import LEASE
from tests.recording_server import Answer, Recorded, RecordingServer, recording_server
from tests.unit.test_notification_messages import LIKELY_RELEASE, ONE_RELEASE, make_context

FAST = DeliveryPolicy(timeout=2.0, backoff_factor=0.01, backoff_max=0.05)
"""The default's retries with the waits shortened, for tests that are not about the waits."""
SLACK_PATH = "/services/T0001/B0001/S3cr3tT0k3nValue1234"
API_TOKEN = "pd-S3cr3t-token"
INTEGRATION_KEY = "il1api-S3cr3t-key"
WEBHOOK_SECRET = "wh-S3cr3t"


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with recording_server() as running:
        yield running


def wire_headers(request: OutboundRequest, server: RecordingServer) -> dict[str, str]:
    """What the server must receive: the request's own headers, and only what HTTP itself adds."""
    return {
        "host": f"127.0.0.1:{server.port}",
        "accept-encoding": "identity",
        "user-agent": USER_AGENT,
        "content-length": str(len(request.body)),
        **{name.lower(): value for name, value in request.headers.items()},
    }


def assert_no_secret(result: DeliveryResult) -> None:
    for secret in (SLACK_PATH, "S3cr3t", API_TOKEN, INTEGRATION_KEY, WEBHOOK_SECRET, "/services", "/incidents"):
        assert secret not in (result.error or "")


def slack(server: RecordingServer) -> OutboundRequest:
    request = slack_request(make_context(ONE_RELEASE, verdict=LIKELY_RELEASE), server.url + SLACK_PATH, always=False)
    assert request is not None
    return request


# --- every type, as the target receives it -------------------------------------------------


def test_slack_is_received_as_built(server: RecordingServer) -> None:
    # Given a Slack webhook
    request = slack(server)
    # When the notification is delivered
    result = deliver(request)
    # Then the webhook received exactly one JSON POST on its secret path
    assert result == DeliveryResult("delivered", 200, None)
    [received] = server.requests
    assert (received.method, received.path) == ("POST", SLACK_PATH)
    assert received.headers == wire_headers(request, server)
    assert received.body == request.body
    assert [block["type"] for block in json.loads(received.body)["blocks"]] == [
        "header",
        "context",
        "section",
        "divider",
        "section",
    ]


def test_pagerduty_note_is_received_as_built(server: RecordingServer) -> None:
    # Given an alert of a PagerDuty incident, and PagerDutyApiUrl pointing at the server
    request = pagerduty_request(
        make_context(ONE_RELEASE, verdict=LIKELY_RELEASE, incident_id="PT4KHLK"),
        server.url,
        API_TOKEN,
        "oncall@example.com",
    )
    assert request is not None
    # When it is delivered (PagerDuty answers 201 Created)
    server.answer(Answer(201, {"Content-Type": "application/json"}, b'{"note":{"id":"PWL7QXS"}}'))
    result = deliver(request)
    # Then the incident's notes endpoint got the note with PagerDuty's headers
    assert result == DeliveryResult("delivered", 201, None)
    [received] = server.requests
    assert (received.method, received.path) == ("POST", "/incidents/PT4KHLK/notes")
    assert received.headers == wire_headers(request, server)
    assert received.headers["authorization"] == f"Token token={API_TOKEN}"
    assert received.headers["from"] == "oncall@example.com"
    assert received.headers["accept"] == "application/vnd.pagerduty+json;version=2"
    assert json.loads(received.body)["note"]["content"].startswith("Likely cause (72%): Deployed shop v1.2 — ")


def test_ilert_comment_is_received_as_built(server: RecordingServer) -> None:
    # Given an alert of an ilert source, and IlertApiUrl pointing at the server
    request = ilert_request(make_context(ONE_RELEASE, alert_key="checkout-5xx"), server.url + "/", INTEGRATION_KEY)
    assert request is not None
    # When it is delivered (ilert answers 202 Accepted)
    server.answer(202)
    result = deliver(request)
    # Then the Events API got a COMMENT event for the alert's key
    assert result == DeliveryResult("delivered", 202, None)
    [received] = server.requests
    assert (received.method, received.path) == ("POST", "/api/events")
    assert received.headers == wire_headers(request, server)
    body = json.loads(received.body)
    assert (body["integrationKey"], body["eventType"], body["alertKey"]) == (INTEGRATION_KEY, "COMMENT", "checkout-5xx")
    assert body["comments"][0]["creator"] == "Deployment events"


def test_webhook_is_received_signed(server: RecordingServer) -> None:
    # Given a signed webhook target
    context = make_context(ONE_RELEASE)
    request = webhook_request(context, server.url + "/hooks/enrichment?v=1", WEBHOOK_SECRET, "evt-1")
    # When it is delivered
    result = deliver(request)
    # Then the receiver can check the signature over the body exactly as received
    assert result.status == "delivered"
    [received] = server.requests
    assert (received.method, received.path) == ("POST", "/hooks/enrichment?v=1")
    assert received.headers == wire_headers(request, server)
    expected = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), received.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(received.headers["x-signature-256"], expected)
    assert received.headers["x-event-id"] == "evt-1"
    assert json.loads(received.body) == context.enrichment.to_json_dict()


# --- retries -------------------------------------------------------------------------------


def gaps(requests: list[Recorded]) -> list[float]:
    return [later.at - earlier.at for earlier, later in itertools.pairwise(requests)]


def test_5xx_is_retried_with_backoff_until_delivered(server: RecordingServer) -> None:
    # Given a target failing twice
    server.answer(500, 500)
    # When a notification is delivered with the default policy
    result = deliver(slack(server))
    # Then it was tried three times, the second wait longer (backoff), and delivered
    assert result == DeliveryResult("delivered", 200, None)
    assert len(server.requests) == 3
    assert {request.body for request in server.requests} == {server.requests[0].body}
    first_wait, second_wait = gaps(server.requests)
    assert second_wait >= 0.9
    assert second_wait > first_wait


def test_429_waits_for_retry_after(server: RecordingServer) -> None:
    # Given a target rate-limiting the first request for one second
    server.answer(Answer(429, {"Retry-After": "1"}, b"rate_limited"))
    # When a notification is delivered
    result = deliver(slack(server), FAST)
    # Then the retry came after the second it was asked to wait, and was delivered
    assert result == DeliveryResult("delivered", 200, None)
    assert len(server.requests) == 2
    assert gaps(server.requests)[0] >= 0.95


def test_retries_that_keep_failing_are_retryable(server: RecordingServer) -> None:
    # Given a target that keeps answering 503
    server.answer(*[Answer(503, body=b"S3cr3tT0k3nValue1234")] * 10)
    # When a notification is delivered
    result = deliver(slack(server), FAST)
    # Then it was tried 1 + 3 times and is left to the caller to retry, naming the host only
    assert len(server.requests) == 4
    assert result == DeliveryResult("retryable", 503, "POST to 127.0.0.1 answered 503 after 3 retries")
    assert_no_secret(result)


def test_another_4xx_is_final(server: RecordingServer) -> None:
    # Given a Slack webhook that was removed
    server.answer(Answer(404, {"Content-Type": "text/plain"}, b"no_service"))
    # When a notification is delivered
    result = deliver(slack(server))
    # Then it was tried once, failed, with Slack's error code
    assert len(server.requests) == 1
    assert result == DeliveryResult("failed", 404, "POST to 127.0.0.1 answered 404 (no_service)")


def test_an_answer_echoing_a_secret_is_not_repeated(server: RecordingServer) -> None:
    # Given a target answering 403 with a word that is part of the request's token
    request = pagerduty_request(make_context(ONE_RELEASE, incident_id="P1"), server.url, "abcdef_token", "a@b.example")
    assert request is not None
    server.answer(Answer(403, body=b"abcdef_token"))
    # When it is delivered
    result = deliver(request)
    # Then the error names the status only
    assert result == DeliveryResult("failed", 403, "POST to 127.0.0.1 answered 403")


def test_413_is_final_even_with_retry_after(server: RecordingServer) -> None:
    server.answer(Answer(413, {"Retry-After": "1"}))
    result = deliver(slack(server), FAST)
    assert (result.status, result.http_status, len(server.requests)) == ("failed", 413, 1)


def test_a_redirect_is_not_followed(server: RecordingServer) -> None:
    # Given a target redirecting elsewhere (the request's secrets would go along)
    server.answer(Answer(302, {"Location": "http://127.0.0.1:9/steal"}))
    # When a notification is delivered
    result = deliver(slack(server), FAST)
    # Then it is final after one request
    assert result == DeliveryResult("failed", 302, "POST to 127.0.0.1 answered 302")
    assert len(server.requests) == 1


def test_a_dropped_connection_is_retried(server: RecordingServer) -> None:
    # Given a target that hangs up without answering once
    server.answer(Answer(hang_up=True))
    # When a notification is delivered
    result = deliver(slack(server), FAST)
    # Then it was sent again and delivered
    assert result == DeliveryResult("delivered", 200, None)
    assert len(server.requests) == 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_connection_refused_is_retryable() -> None:
    # Given a target nobody listens on
    request = webhook_request(
        make_context(ONE_RELEASE), f"http://127.0.0.1:{free_port()}/hooks/S3cr3t", WEBHOOK_SECRET, "e"
    )
    # When a notification is delivered
    started = time.monotonic()
    result = deliver(request, FAST)
    # Then it is retryable, naming the host and the kind of error only
    assert result == DeliveryResult("retryable", None, "POST to 127.0.0.1 failed: NewConnectionError")
    assert_no_secret(result)
    assert time.monotonic() - started < 2


def test_a_slow_target_times_out_and_is_retryable(server: RecordingServer) -> None:
    # Given a target slower than the timeout (shortened from 10 s for the test)
    server.answer(Answer(delay=1.0), Answer(delay=1.0))
    policy = DeliveryPolicy(timeout=0.2, retries=1, backoff_factor=0)
    # When a notification is delivered
    started = time.monotonic()
    result = deliver(slack(server), policy)
    # Then each attempt was cut at the timeout, and the result is retryable
    assert time.monotonic() - started < 1.5
    assert len(server.requests) == 2
    assert result == DeliveryResult("retryable", None, "POST to 127.0.0.1 failed: ReadTimeoutError")


def test_an_invalid_url_is_final() -> None:
    request = OutboundRequest("POST", "ftp://files.example.com/S3cr3t", {}, b"{}")
    result = deliver(request, FAST)
    assert (result.status, result.http_status) == ("failed", None)
    assert_no_secret(result)


def test_the_default_policy_is_specs() -> None:
    # 10 s per attempt, 3 retries: a function delivering one target needs this much time at worst
    assert DeliveryPolicy().timeout == 10.0
    assert DeliveryPolicy().retries == 3
    assert DeliveryPolicy().worst_case_seconds == 130.0


# --- §22: nothing escapes, every attempt is known to the caller -----------------------------


def test_a_header_http_client_refuses_is_a_final_failure_naming_its_type(server: RecordingServer) -> None:
    # Given a PagerDuty token pasted with its trailing newline
    request = pagerduty_request(
        make_context(ONE_RELEASE, incident_id="P1"), server.url, API_TOKEN + "\n", "oncall@example.com"
    )
    assert request is not None
    # When it is delivered
    result = deliver(request, FAST)
    # Then nothing was sent, and the failure is final, naming the error's type, never the token
    assert server.requests == []
    assert result == DeliveryResult("failed", None, "POST to 127.0.0.1 failed: ValueError")
    assert_no_secret(result)


def test_before_retry_runs_before_each_retry(server: RecordingServer) -> None:
    # Given a target answering 500, 500, then 200
    server.answer(500, 500)
    seen: list[int] = []
    # When a notification is delivered, noting how many requests had arrived at each call
    result = deliver(slack(server), FAST, before_retry=lambda: seen.append(len(server.requests)))
    # Then it was called before the second and the third request
    assert result.status == "delivered"
    assert seen == [1, 2]


def test_an_error_from_before_retry_ends_the_delivery(server: RecordingServer) -> None:
    # Given a target answering 503, and a caller that lost its claim meanwhile
    server.answer(503, 503)

    class LeaseLost(Exception):
        pass

    def lost() -> None:
        raise LeaseLost

    # When a notification is delivered, then the caller's error comes through, after one request
    with pytest.raises(LeaseLost):
        deliver(slack(server), FAST, before_retry=lost)
    assert len(server.requests) == 1


def test_the_claims_lease_outlasts_one_attempt_at_its_worst() -> None:
    # The lease is renewed before each attempt: it must cover the longest wait and a timeout
    assert DeliveryPolicy().worst_case_attempt_seconds == 40.0
    assert LEASE.total_seconds() > DeliveryPolicy().worst_case_attempt_seconds
