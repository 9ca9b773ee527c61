"""`make invoke`: a function that reads the table, in its Lambda container, against a running `make run`.

A bare ``sam local invoke`` answers ``Could not connect`` here (the container's 127.0.0.1 is its own);
`make invoke` reaches the running stack's emulated AWS over Docker's bridge.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from local.startup import DEFAULT_ADMIN_TOKEN
from local.template import REPOSITORY_ROOT
from tests.e2e.runner import RunningSystem, running_system

pytestmark = [pytest.mark.sam, pytest.mark.usefixtures("docker_usable")]

INVOKE_SECONDS = 300
"""The image check, the container's start and the invocation, on a busy machine."""


@pytest.fixture(scope="module")
def make_run(built: Path) -> Iterator[RunningSystem]:
    """`make run`, with the admin token the samples of events/ carry."""
    with running_system(admin_token=DEFAULT_ADMIN_TOKEN) as system:
        yield system


def _make_invoke(system: RunningSystem, function: str, event: str) -> subprocess.CompletedProcess[str]:
    aws_port = re.search(r"aws endpoint: http://127\.0\.0\.1:(\d+)", "".join(system.output))
    assert aws_port, "".join(system.output)
    environment = {**os.environ, "AWS_PORT": aws_port[1], "PORT": system.url.rsplit(":", 1)[1]}
    return subprocess.run(  # noqa: S603 - our own Makefile
        ["make", "--no-print-directory", "invoke", f"FUNCTION={function}", f"EVENT={event}"],  # noqa: S607
        cwd=REPOSITORY_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=INVOKE_SECONDS,
        check=False,
    )


def test_make_invoke_reads_the_table_of_the_running_stack(make_run: RunningSystem) -> None:
    # Given a pipeline created over HTTP in the running stack
    body = {"name": "invoke-reads-me", "integrationType": "API", "teams": []}
    created = make_run.request("POST", "/api/deployment-pipelines", body)
    assert created.status == 201, created.body
    # When `make invoke` runs ApiFunction in its container with the sample that lists the pipelines
    result = _make_invoke(make_run, "ApiFunction", "events/api-list-pipelines.json")
    # Then the function answers from the running stack's table
    assert result.returncode == 0, f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["statusCode"] == 200, answer
    assert [pipeline["name"] for pipeline in json.loads(answer["body"])] == ["invoke-reads-me"]


def test_make_invoke_fails_when_the_function_raises(make_run: RunningSystem) -> None:
    # Given an EventBridge sample handed to a function that cannot read it
    # When `make invoke` runs it
    result = _make_invoke(make_run, "CorrelateFunction", "events/notify-alert-enriched.json")
    # Then it prints the runtime's error and fails
    assert result.returncode != 0, result.stdout[-2000:]
    assert "errorMessage" in result.stdout, result.stdout[-2000:]


def test_make_invoke_seals_secrets_with_the_running_stacks_key(make_run: RunningSystem, tmp_path: Path) -> None:
    # Given the sample's request turned into creating a pipeline with a webhook secret, which the
    # function seals with the stack's KMS key (§22)
    sample = json.loads((REPOSITORY_ROOT / "events/api-list-pipelines.json").read_text(encoding="utf-8"))
    body = {"name": "invoke-seals-me", "integrationType": "GITHUB", "teams": [], "webhookSecret": "s3cret-value"}
    sample["routeKey"] = sample["requestContext"]["routeKey"] = "POST /api/deployment-pipelines"
    sample["requestContext"]["http"]["method"] = "POST"
    sample.update(rawQueryString="", queryStringParameters=None, body=json.dumps(body))
    sample["headers"]["content-type"] = "application/json"
    event = tmp_path / "create-pipeline.json"
    event.write_text(json.dumps(sample), encoding="utf-8")
    # When `make invoke` runs ApiFunction in its container with it
    result = _make_invoke(make_run, "ApiFunction", str(event))
    # Then the function sealed the secret with the running stack's key: created, and the running
    # stack opens it to verify a delivery signed with it
    assert result.returncode == 0, f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["statusCode"] == 201, answer
    created = json.loads(answer["body"])
    assert "s3cret-value" not in answer["body"]
    delivery = b'{"zen": "Keep it logically awesome.", "hook_id": 1}'
    signature = "sha256=" + hmac.new(b"s3cret-value", delivery, hashlib.sha256).hexdigest()
    headers = {"X-GitHub-Event": "ping", "X-Hub-Signature-256": signature, "Content-Type": "application/json"}
    path = f"/api/v1/deployment-events/github/{created['integrationKey']}"
    assert make_run.request("POST", path, delivery, headers, admin=False).status == 200
    forged = {**headers, "X-Hub-Signature-256": "sha256=" + "0" * 64}
    assert make_run.request("POST", path, delivery, forged, admin=False).status == 401
