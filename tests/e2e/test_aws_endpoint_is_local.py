"""§22: the runner's emulated AWS endpoint holds the admin token (SSM) and every secret (the
table), so it answers this machine's own clients only: never a web page of another origin, and
never a DNS name rebound to 127.0.0.1."""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlsplit

import pytest

from tests.e2e.runner import RunningSystem

pytestmark = pytest.mark.e2e
GET_ADMIN_TOKEN = {"X-Amz-Target": "AmazonSSM.GetParameter", "Content-Type": "application/x-amz-json-1.1"}


def endpoint_port(system: RunningSystem) -> int:
    match = next(match for line in system.output if (match := re.search(r"aws endpoint: (http://\S+)", line)))
    port = urlsplit(match[1]).port
    assert port is not None
    return port


def send(system: RunningSystem, method: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    """An SSM GetParameter of the admin token (what a hostile page wants) with ``headers``."""
    port = endpoint_port(system)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = b'{"Name": "/deployment-events/admin-token", "WithDecryption": true}' if method == "POST" else None
    connection.request(method, "/", body, {"Host": f"127.0.0.1:{port}", **GET_ADMIN_TOKEN, **headers})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def cors_headers(response: http.client.HTTPResponse) -> list[str]:
    return [name for name, _ in response.getheaders() if name.lower().startswith("access-control-")]


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://localhost:3000"])
def test_a_request_from_a_page_of_another_origin_is_refused(system: RunningSystem, origin: str) -> None:
    # Given a web page of another origin (the runner's own overview included), When it posts to the endpoint
    response = send(system, "POST", {"Origin": origin})
    # Then it is refused, with no CORS header that would let the page read anything
    assert response.status == 403
    assert cors_headers(response) == []


def test_a_cors_preflight_is_refused(system: RunningSystem) -> None:
    # Given a page's preflight before a cross-origin POST
    preflight = {
        "Origin": "https://evil.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-amz-target",
    }
    # When it is sent, Then it is refused and allows nothing
    response = send(system, "OPTIONS", preflight)
    assert response.status == 403
    assert cors_headers(response) == []


@pytest.mark.parametrize("host", ["evil.example", "rebound.evil.example:4566", "192.168.1.20"])
def test_a_host_that_is_not_loopback_is_refused(system: RunningSystem, host: str) -> None:
    # Given a DNS name rebound to 127.0.0.1 (the browser sends the attacker's name as Host)
    # When the endpoint is asked for the admin token under it, Then it is refused
    assert send(system, "POST", {"Host": host}).status == 403


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.0.0.2"])
def test_loopback_clients_are_answered_without_cors_headers(system: RunningSystem, host: str) -> None:
    # Given the aws CLI or boto3 on this machine (no Origin), under any loopback name
    port = endpoint_port(system)
    # When it asks, Then it is answered, and nothing invites a browser to read along
    response = send(system, "POST", {"Host": f"{host}:{port}"})
    assert response.status != 403
    assert cors_headers(response) == []
