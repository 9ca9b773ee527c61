"""§7: secrets never reach X-Ray. Tracer would record each handler's response as trace
metadata, and the responses of create-pipeline and rotate-key carry whole integration keys;
a webhook secret, opened at intake (§22), is in no log line or trace either."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools import Tracer

from local.template import load_template
from tests.conftest import Api


@pytest.fixture
def traced(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, object]]:
    """Every (capture_response, data) Tracer is asked to record as a response's metadata."""
    recorded: list[tuple[object, object]] = []
    original = Tracer._add_response_as_metadata

    def spy(self: Tracer, method_name: Any = None, data: Any = None, subsegment: Any = None, **options: Any) -> None:
        recorded.append((options.get("capture_response"), data))
        original(self, method_name, data, subsegment, **options)

    monkeypatch.setattr(Tracer, "_add_response_as_metadata", spy)
    return recorded


def test_template_turns_response_capture_off_for_every_function() -> None:
    variables = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false"


def test_responses_carrying_a_key_are_never_recorded(api: Api, traced: list[tuple[object, object]]) -> None:
    # When a pipeline is created and its key rotated, through the handlers
    created = api.create_pipeline("GITHUB")
    rotated = api.call("POST", f"/api/deployment-pipelines/{created['id']}/rotate-key").json()
    # Then Tracer was handed those responses, keys included, and told to record none of them
    keys = (created["integrationKey"], rotated["integrationKey"])
    assert any(key in repr(data) for key in keys for _, data in traced), "the spy saw no response with a key"
    assert all(not capture for capture, _ in traced)


def test_a_sealed_secret_is_never_logged_or_traced_where_it_is_used(
    api: Api, traced: list[tuple[object, object]], capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    # Given a GitLab pipeline with a webhook secret (§22: sealed at rest, opened only at intake)
    secret = "gitlab-secret-never-logged-51c7"
    created = api.create_pipeline("GITLAB", teams=[{"id": "platform"}], webhookSecret=secret)
    path = f"/api/v1/deployment-events/gitlab/{created['integrationKey']}"
    headers = {"content-type": "application/json", "x-gitlab-event": "Push Hook"}
    # When deliveries are verified with it, and with another token, and the pipeline is read
    for token in (secret, "another-token"):
        api.gateway.handle("POST", path, "", {**headers, "x-gitlab-token": token}, b'{"object_kind": "push"}')
    api.call("GET", f"/api/deployment-pipelines/{created['id']}")
    # Then the secret is in no log line, no captured output and nothing handed to Tracer
    output = capfd.readouterr()
    logged = [json.dumps(record.__dict__, default=str) for record in caplog.records]
    assert secret not in output.out + output.err
    assert not [line for line in logged if secret in line]
    assert not [data for _, data in traced if secret in repr(data)]
