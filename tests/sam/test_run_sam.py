"""`make run-sam`: the system of `make run`, each function in its Lambda container.

``python -m local.sam_runner`` (what `make run-sam` runs) is started once for the module, on free
ports, and driven over HTTP as a user would: the runner's gateway and rule dispatcher, every
function invoked through ``sam local start-lambda`` in the base image, the AWS services emulated
by the runner and reached from the containers over Docker's bridge. The last test stops it with
SIGTERM and checks that no container of the run is left; the first invocation of each function
(a container's start) and the later ones are printed (``pytest -s``) and kept in
test-artifacts/sam/run-sam-invocations.json.
"""

from __future__ import annotations

import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from local.sam_runner.containers import containers_of_run, remove_containers
from local.template import LOCAL_REGION, REPOSITORY_ROOT
from shared.domain.timestamps import isoformat, utc_now
from tests.e2e.runner import HttpResponse, RunningSystem
from tests.fixture_files import fixture_bytes, fixture_headers, fixture_json

pytestmark = [pytest.mark.sam, pytest.mark.usefixtures("docker_usable")]

ADMIN_TOKEN = "run-sam-admin-token"
STARTUP_SECONDS = 300
"""Docker, the image check, sam local's start; the build is done by the ``built`` fixture."""
FIRST_HEALTH_SECONDS = 180
ENRICHMENT_SECONDS = 180
"""An alert's way: ApiFunction, then CorrelateFunction and EnrichFunction, each maybe starting its container."""
STOP_SECONDS = 60
CAPTURED_SECRET = fixture_json("github/_signature-test-vector.captured-captures.json")["secret"]
MERGED_PR = "github/pull_request.closed.merged.json"
TWO_FIRING = "alerts/alertmanager/firing.two-alerts.zulip.json"
HOP_BY_HOP = {"host", "connection", "content-length", "accept-encoding", "transfer-encoding"}
INVOCATION = re.compile(r"^lambda: (\w+) (\d+) ms \((first, cold|warm)(?:, (\w+) error)?\)")
ARTIFACT = REPOSITORY_ROOT / "test-artifacts" / "sam" / "run-sam-invocations.json"


@dataclass
class RunSam:
    process: subprocess.Popen[str]
    system: RunningSystem
    run_id: str
    aws_endpoint: str
    started_in: float

    def invocations(self) -> list[tuple[str, float, bool, str | None]]:
        """(function, milliseconds, first, error) of each invocation so far, from the runner's log."""
        found = []
        for line in list(self.system.output):
            match = INVOCATION.match(line)
            if match:
                found.append((match[1], float(match[2]), match[3] != "warm", match[4]))
        return found


def _start(environment: dict[str, str]) -> tuple[subprocess.Popen[str], list[str], dict[str, str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "local.sam_runner"],
        cwd=REPOSITORY_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    found: dict[str, str] = {}
    ready = threading.Event()

    def read_output() -> None:
        for line in process.stdout or ():
            output.append(line)
            for key, pattern in {
                "url": r"running at (http://\S+)",
                "aws": r"aws endpoint: (http://\S+)",
                "run_id": r"LOCAL_SAM_RUNNER_ID=(\w+)",
            }.items():
                match = re.search(pattern, line)
                if match:
                    found[key] = match[1]
            if "run_id" in found:
                ready.set()
        ready.set()

    threading.Thread(target=read_output, daemon=True).start()
    ready.wait(STARTUP_SECONDS)
    return process, output, found


@pytest.fixture(scope="module")
def run_sam(built: Path) -> Iterator[RunSam]:
    environment = {
        **os.environ,
        "PORT": "0",
        "AWS_PORT": "0",
        "SAM_LAMBDA_PORT": "0",
        "ADMIN_TOKEN": ADMIN_TOKEN,
        # GitHub's captured delivery dates from 2025: keep it.
        "PARAMETER_OVERRIDES": "RetentionDays=3650",
        "LOCAL_ACCESS_LOG": "1",
        "PYTHONUNBUFFERED": "1",
    }
    started = time.monotonic()
    process, output, found = _start(environment)
    try:
        if "run_id" not in found:
            pytest.fail(f"make run-sam did not start within {STARTUP_SECONDS} s:\n{''.join(output[-60:])}")
        system = RunningSystem(found["url"], ADMIN_TOKEN, output)
        deadline = time.monotonic() + FIRST_HEALTH_SECONDS
        while (health := _health(system)) != 200:
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"make run-sam never became healthy ({health}):\n{''.join(output[-60:])}")
            time.sleep(0.5)
        yield RunSam(process, system, found["run_id"], found["aws"], time.monotonic() - started)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
        if "run_id" in found:
            remove_containers(found["run_id"])


def _health(system: RunningSystem) -> int | str:
    try:
        return system.request("GET", "/api/health", admin=False).status
    except OSError as error:
        return str(error)


def _wait_for_enrichment(run: RunSam, alert_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + ENRICHMENT_SECONDS
    while time.monotonic() < deadline:
        response = run.system.request("GET", f"/api/alerts/{alert_id}/deployments")
        if response.status == 200:
            body: dict[str, Any] = response.json()
            return body
        assert response.status == 404, response.body
        time.sleep(0.5)
    raise AssertionError(f"alert {alert_id} was not enriched:\n" + "".join(run.system.output[-60:]))


def _github(run: RunSam, pipeline: dict[str, Any], body: bytes, headers: dict[str, str]) -> HttpResponse:
    path = pipeline["integrationUrl"].removeprefix(run.system.url)
    return run.system.request("POST", path, body, headers, admin=False)


def test_health_and_auth_are_make_runs_and_functions_run_in_containers(run_sam: RunSam) -> None:
    response = run_sam.system.request("GET", "/api/health", admin=False)
    assert response.status == 200
    assert response.json() == {"status": "ok"}
    # The template's routes and admin auth, as make run serves them
    assert run_sam.system.request("GET", "/api/deployment-pipelines", admin=False).status == 401
    assert run_sam.system.request("GET", "/no/such/route", admin=False).status == 404
    overview = run_sam.system.request("GET", "/", admin=False)
    assert overview.status == 200
    assert overview.headers["Content-Type"].startswith("text/html")
    # And the functions answered from containers of this run, not in-process
    assert {name for name, *_ in run_sam.invocations()} >= {"IngestFunction", "ApiFunction"}
    assert containers_of_run(run_sam.run_id), "no container carries this run's id"


def test_pipeline_crud(run_sam: RunSam) -> None:
    system = run_sam.system
    created = system.request(
        "POST", "/api/deployment-pipelines", {"name": "sam-crud", "integrationType": "API", "teams": []}
    )
    assert created.status == 201, created.body
    pipeline = created.json()
    assert pipeline["integrationUrl"].startswith(system.url)
    assert system.request("GET", f"/api/deployment-pipelines/{pipeline['id']}").json()["name"] == "sam-crud"
    updated = system.request("PUT", f"/api/deployment-pipelines/{pipeline['id']}", {"name": "sam-renamed"})
    assert updated.status == 200, updated.body
    assert updated.json()["name"] == "sam-renamed"
    listed = system.request("GET", "/api/deployment-pipelines").json()
    assert pipeline["id"] in [item["id"] for item in listed]
    assert system.request("DELETE", f"/api/deployment-pipelines/{pipeline['id']}").status == 204
    assert system.request("GET", f"/api/deployment-pipelines/{pipeline['id']}").status == 404


def test_signed_github_delivery_then_its_redelivery(run_sam: RunSam) -> None:
    # Given a GitHub pipeline with the secret GitHub's captured delivery was signed with
    pipeline = run_sam.system.request(
        "POST",
        "/api/deployment-pipelines",
        {"name": "sam-github", "integrationType": "GITHUB", "teams": [], "webhookSecret": CAPTURED_SECRET},
    ).json()
    headers = {name: value for name, value in fixture_headers(MERGED_PR).items() if name not in HOP_BY_HOP}
    body = fixture_bytes(MERGED_PR)
    # When GitHub delivers it byte for byte, and then redelivers it
    first = _github(run_sam, pipeline, body, headers)
    again = _github(run_sam, pipeline, body, headers)
    # Then it is accepted once, and the redelivery is a duplicate of the same event
    assert first.status == 202, first.body
    assert first.json()["status"] == "accepted"
    assert again.status == 202, again.body
    assert again.json()["status"] == "duplicate"
    assert again.json()["id"] == first.json()["id"]
    stored = run_sam.system.request("GET", f"/api/deployment-events/{first.json()['id']}").json()
    assert stored["summary"] == 'derekg1729 merged PR #315 "Test PR Title" into derekg1729/test-repo@main'


def test_a_bad_signature_is_401(run_sam: RunSam) -> None:
    pipeline = run_sam.system.request(
        "POST",
        "/api/deployment-pipelines",
        {"name": "sam-github-bad", "integrationType": "GITHUB", "teams": [], "webhookSecret": CAPTURED_SECRET},
    ).json()
    headers = {name: value for name, value in fixture_headers(MERGED_PR).items() if name not in HOP_BY_HOP}
    headers["x-hub-signature-256"] = "sha256=" + "0" * 64
    response = _github(run_sam, pipeline, fixture_bytes(MERGED_PR), headers)
    assert response.status == 401, response.body


def test_an_alert_is_enriched_through_the_rules(run_sam: RunSam) -> None:
    # Given a deployment reported through the generic API a moment ago
    system = run_sam.system
    pipeline = system.request(
        "POST", "/api/deployment-pipelines", {"name": "sam-alerts", "integrationType": "API", "teams": []}
    ).json()
    reported = system.request(
        "POST",
        "/api/deployment-events",
        {"integrationKey": pipeline["integrationKey"], "summary": "sam-local v1"},
        admin=False,
    )
    assert reported.status == 202, reported.body
    # When an alert arrives
    alert = {"id": "run-sam-alert-1", "summary": "Checkout latency", "reportTime": isoformat(utc_now())}
    started = time.monotonic()
    assert system.request("POST", "/api/alerts", alert).status == 202
    # Then CorrelateFunction and EnrichFunction, through the template's rules, enrich it with that deployment
    enrichment = _wait_for_enrichment(run_sam, "run-sam-alert-1")
    print(f"\nenriched {time.monotonic() - started:.1f} s after POST /api/alerts")
    assert enrichment["scope"] == "ACCOUNT"
    assert "sam-local v1" in [deployment["summary"] for deployment in enrichment["deployments"]]


def test_an_alertmanager_delivery_gives_its_two_alerts(run_sam: RunSam) -> None:
    system = run_sam.system
    created = system.request(
        "POST", "/api/alert-sources", {"name": "sam alertmanager", "integrationType": "ALERTMANAGER", "teams": []}
    )
    assert created.status == 201, created.body
    path = created.json()["integrationUrl"].removeprefix(system.url)
    response = system.request(
        "POST", path, fixture_bytes(TWO_FIRING), {"Content-Type": "application/json"}, admin=False
    )
    assert response.status == 202, response.body
    assert response.json()["status"] == "accepted"
    assert len(response.json()["alerts"]) == 2


def test_a_failing_function_is_retried_then_dead_lettered(run_sam: RunSam) -> None:
    # Given an Alert Created that CorrelateFunction cannot read, put on the bus through the AWS endpoint
    clients = {"endpoint_url": run_sam.aws_endpoint, "region_name": LOCAL_REGION}
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    events = boto3.client("events", **clients, **credentials)
    sqs = boto3.client("sqs", **clients, **credentials)
    queue_url = sqs.get_queue_url(QueueName="CorrelateDeadLetterQueue")["QueueUrl"]
    failures_before = sum(1 for name, *_, error in run_sam.invocations() if name == "CorrelateFunction" and error)
    detail = {"unreadable": "run-sam"}
    entry = {
        "EventBusName": "deployment-events",
        "Source": "deployment-events.alerts",
        "DetailType": "Alert Created",
        "Detail": json.dumps(detail),
    }
    assert events.put_events(Entries=[entry])["FailedEntryCount"] == 0
    # Then the container's error is Lambda's: three attempts, then the event in the function's DLQ
    deadline = time.monotonic() + ENRICHMENT_SECONDS
    dead: list[dict[str, Any]] = []
    while not dead and time.monotonic() < deadline:
        dead = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1).get("Messages", [])
    assert dead, "nothing reached CorrelateDeadLetterQueue:\n" + "".join(run_sam.system.output[-60:])
    assert json.loads(dead[0]["Body"])["detail"] == detail
    failures = sum(1 for name, *_, error in run_sam.invocations() if name == "CorrelateFunction" and error)
    assert failures - failures_before == 3


def test_sigterm_stops_sam_local_and_every_container_of_the_run(run_sam: RunSam) -> None:
    timings = _timings(run_sam)
    print(f"\nmake run-sam ready and healthy in {run_sam.started_in:.1f} s")
    for name, row in sorted(timings["functions"].items()):
        warm = f"warm median {row['warmMedianMs']:.0f} ms over {row['warmCount']}" if row["warmCount"] else "no warm"
        print(f"  {name:24} first {row['firstMs']:6.0f} ms   {warm}")
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(timings, indent=2), encoding="utf-8")
    assert containers_of_run(run_sam.run_id)
    # When the runner is sent SIGTERM
    stopping = time.monotonic()
    run_sam.process.send_signal(signal.SIGTERM)
    run_sam.process.wait(STOP_SECONDS)
    print(f"  stopped in {time.monotonic() - stopping:.1f} s")
    # Then it exits cleanly and leaves no container of the run behind
    assert run_sam.process.returncode == 0, "".join(run_sam.system.output[-40:])
    assert containers_of_run(run_sam.run_id) == []


def _timings(run: RunSam) -> dict[str, Any]:
    functions: dict[str, dict[str, Any]] = {}
    for name, milliseconds, first, _ in run.invocations():
        row = functions.setdefault(name, {"firstMs": None, "warmMs": []})
        if first:
            row["firstMs"] = milliseconds
        else:
            row["warmMs"].append(milliseconds)
    for row in functions.values():
        row["warmCount"] = len(row["warmMs"])
        row["warmMedianMs"] = statistics.median(row["warmMs"]) if row["warmMs"] else None
    return {"readySeconds": round(run.started_in, 1), "functions": functions}
