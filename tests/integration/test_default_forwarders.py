"""§21, §22: ``DefaultForwarders`` forwards the changes of pipelines without forwarders; an
invalid entry is skipped at the function's start, logged by position and type, never printed."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from tests.conftest import Api, Bus
from tests.recording_server import RecordingServer, recording_server

TOKEN = "glsa_default-token-not-for-logs"


@pytest.fixture
def sink() -> Iterator[RecordingServer]:
    with recording_server() as server:
        yield server


@pytest.fixture
def stack_parameters(sink: RecordingServer) -> dict[str, str]:
    """A Grafana token with a line break (skipped), then a valid webhook."""
    defaults = [
        {"type": "GRAFANA_ANNOTATION", "url": f"{sink.url}/grafana", "token": TOKEN + "\n"},
        {"type": "WEBHOOK", "url": f"{sink.url}/default-hook", "secret": "default-secret"},
    ]
    return {"DefaultForwarders": json.dumps(defaults)}


def test_a_pipeline_without_forwarders_uses_the_valid_defaults(
    api: Api, alert_bus: Bus, sink: RecordingServer, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    # Given a pipeline without forwarders
    pipeline = api.create_pipeline()
    # When a change is accepted
    body = {"integrationKey": pipeline["integrationKey"], "summary": "shop v3 to staging"}
    assert api.call("POST", "/api/deployment-events", body).status == 202
    alert_bus.deliver()
    # Then the valid default got it, and the invalid one was skipped by position and type
    assert [request.path for request in sink.requests] == ["/default-hook"]
    [skipped] = [
        record.__dict__ for record in caplog.records if record.getMessage() == "DefaultForwarders: entry skipped"
    ]
    assert (skipped["position"], skipped["type"]) == (0, "GRAFANA_ANNOTATION")
    records = [json.dumps(record.__dict__, default=str) for record in caplog.records]
    assert TOKEN[:12] not in "".join([*capfd.readouterr(), *records])
