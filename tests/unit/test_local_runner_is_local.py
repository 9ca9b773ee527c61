"""§22: the local runner is local. Integration keys are redacted in its access log, a
non-loopback ``HOST`` with the public default admin token does not start, and `make invoke`'s
relay reaches the emulated AWS as a loopback client, which is all that endpoint answers."""

from __future__ import annotations

import http.client
from collections.abc import Iterator

import pytest

from local.aws_endpoint import AwsEndpoint
from local.gateway import redact_keys
from local.sam_runner.invoke import Relay
from local.startup import DEFAULT_ADMIN_TOKEN, RunnerOptions, is_loopback

KEY = "dpl_Zx8Qm2Lr7Tk4Wn1Yb6Hc3Vd9Pf5Js0Ga"
REDACTIONS = [
    (
        f'"POST /api/v1/deployment-events/github/{KEY} HTTP/1.1" 202 -',
        '"POST /api/v1/deployment-events/github/****s0Ga HTTP/1.1" 202 -',
    ),
    (
        f'"POST /api/v1/deployment-events/gitlab/{KEY}?x=1 HTTP/1.1"',
        '"POST /api/v1/deployment-events/gitlab/****s0Ga?x=1 HTTP/1.1"',
    ),
    (
        f'"POST /api/v1/alerts/alertmanager/{KEY} HTTP/1.1" 202 -',
        '"POST /api/v1/alerts/alertmanager/****s0Ga HTTP/1.1" 202 -',
    ),
    (
        "code 400, message Bad request syntax ('GET /api/v1/alerts/grafana/short')",
        "code 400, message Bad request syntax ('GET /api/v1/alerts/grafana/****')",
    ),
    ('"GET /api/deployment-pipelines/p-1 HTTP/1.1" 200 -', '"GET /api/deployment-pipelines/p-1 HTTP/1.1" 200 -'),
    (
        f'"GET /api/deployment-events/e-1/health?integrationKey={KEY} HTTP/1.1" 200 -',
        '"GET /api/deployment-events/e-1/health?integrationKey=****s0Ga HTTP/1.1" 200 -',
    ),
]


@pytest.mark.parametrize(("line", "logged"), REDACTIONS)
def test_integration_keys_in_access_log_lines_are_cut_to_their_hint(line: str, logged: str) -> None:
    assert redact_keys(line) == logged


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.com"])  # noqa: S104 - what is refused
def test_a_non_loopback_host_with_the_default_admin_token_does_not_start(
    host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given HOST beyond this machine and no ADMIN_TOKEN of one's own
    monkeypatch.setenv("HOST", host)
    monkeypatch.delenv("ADMIN_TOKEN", raising=False)
    # When the runner reads its options, Then it refuses, saying what to set
    with pytest.raises(SystemExit, match="set ADMIN_TOKEN to a secret of your own"):
        RunnerOptions.from_environment()
    monkeypatch.setenv("ADMIN_TOKEN", DEFAULT_ADMIN_TOKEN)
    with pytest.raises(SystemExit, match="ADMIN_TOKEN"):
        RunnerOptions.from_environment()


@pytest.mark.parametrize(("host", "token"), [("127.0.0.1", ""), ("localhost", ""), ("::1", ""), ("0.0.0.0", "mine")])  # noqa: S104
def test_loopback_or_a_token_of_ones_own_starts(host: str, token: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOST", host)
    monkeypatch.setenv("ADMIN_TOKEN", token)
    assert RunnerOptions.from_environment().host == host


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        *[("127.0.0.1", True), ("127.8.9.10", True), ("localhost", True), ("[::1]", True), ("::1", True)],
        *[("0.0.0.0", False), ("10.0.0.1", False), ("localhost.evil.example", False), ("", False)],  # noqa: S104
    ],
)
def test_loopback_is_this_machine_only(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.fixture
def endpoint() -> Iterator[AwsEndpoint]:
    served = AwsEndpoint.serve(0)
    yield served
    served.stop()


def list_tables(port: int, host_header: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {
        "Host": host_header,
        "X-Amz-Target": "DynamoDB_20120810.ListTables",
        "Content-Type": "application/x-amz-json-1.0",
    }
    connection.request("POST", "/", b"{}", headers)
    status = connection.getresponse().status
    connection.close()
    return status


def test_the_invoke_relay_reaches_the_endpoint_as_a_loopback_client(endpoint: AwsEndpoint) -> None:
    # Given the endpoint, and the relay `make invoke` starts for a function's container
    with Relay("127.0.0.1", endpoint.port) as relay:
        relay_port = int(relay.url.rsplit(":", 1)[1])
        # When a container's request names the bridge address as its Host
        bridge_host = f"172.17.0.1:{relay_port}"
        # Then the endpoint refuses it straight, and answers it through the relay
        assert list_tables(endpoint.port, bridge_host) == 403
        assert list_tables(relay_port, bridge_host) == 200


def test_a_client_that_hung_up_is_no_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    from local.runner import LocalServer  # noqa: PLC0415 - the server class alone, no stack started

    server = object.__new__(LocalServer)
    # Given a client that hung up before its answer was written, and a handler that failed
    for error in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "reset"), ValueError("a bug")):
        try:
            raise error
        except Exception:  # noqa: BLE001 - what socketserver hands to handle_error
            # When the server is told of it
            server.handle_error(None, ("127.0.0.1", 40000))
    # Then only the handler's failure is printed, as socketserver prints it
    printed = capsys.readouterr().err
    assert printed.count("Traceback") == 1
    assert "ValueError: a bug" in printed
