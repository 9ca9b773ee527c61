"""`make invoke`: a function that reads the table, in its Lambda container, against a running `make run`.

A bare ``sam local invoke`` answers ``Could not connect`` here (the container's 127.0.0.1 is its own);
`make invoke` reaches the running stack's emulated AWS over Docker's bridge.
"""

from __future__ import annotations

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
