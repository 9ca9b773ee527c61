"""`sam local invoke` against Docker, with the AWS services emulated by moto's server.

The functions run in the Lambda base image (`make sam-image` builds one locally; see sam/README.md)
on Docker's default bridge and reach a ``ThreadedMotoServer`` listening on the bridge's gateway
address (the host as containers see it) through ``AWS_ENDPOINT_URL``. (`--docker-network host` is
no help: SAM CLI 1.170 never sets the container's network mode to host, the container stays on
the bridge, and its 127.0.0.1 is its own.)

Without a usable Docker the whole directory is skipped, with one reason,
unless ``SAM_LOCAL_REQUIRED=1`` (CI), which turns that into a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from local.aws import LOCAL_CREDENTIALS, create_resources
from local.sam_runner.build import BUILT_TEMPLATE, sam_environment, sam_local_command
from local.sam_runner.containers import NoDockerBridge, docker_bridge_gateway
from local.template import REPOSITORY_ROOT, Function, LocalStack

ADMIN_TOKEN = "test-admin-token"
WEBHOOK_SECRET_PARAMETER = "/deployment-events/enrichment-webhook-secret"
WEBHOOK_SECRET = "test-webhook-secret"
INVOKE_TIMEOUT_SECONDS = 180


def stack_parameters(webhook_url: str = "http://127.0.0.1/hook") -> dict[str, str]:
    """Parameters under which every function of the template exists (the webhook one is conditional)."""
    return {"EnrichmentWebhookUrl": webhook_url, "EnrichmentWebhookSecretParameter": WEBHOOK_SECRET_PARAMETER}


def docker_problem() -> str | None:
    """Why containers cannot run here, or None."""
    if shutil.which("docker") is None:
        return "no `docker` binary (sam/ensure-docker.sh installs and starts it)"
    try:
        info = subprocess.run(
            ["docker", "info"],  # noqa: S607 - docker from PATH, as sam finds it
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "`docker info` did not answer within 30 s"
    if info.returncode != 0:
        lines = [line for line in info.stderr.splitlines() if line.strip()] or ["no output"]
        return f"`docker info` failed: {lines[-1].strip()} (sam/ensure-docker.sh starts the daemon)"
    return None


@pytest.fixture(scope="session")
def docker_usable() -> None:
    problem = docker_problem()
    if problem is None:
        return
    if os.environ.get("SAM_LOCAL_REQUIRED") == "1":
        pytest.fail(f"SAM_LOCAL_REQUIRED=1 but sam local cannot run: {problem}", pytrace=False)
    pytest.skip(f"sam local needs a container runtime: {problem}")


def _make(*targets: str) -> None:
    result = subprocess.run(  # noqa: S603 - our own Makefile
        ["make", "--no-print-directory", *targets],  # noqa: S607 - make from PATH
        cwd=REPOSITORY_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        pytest.fail(f"make {' '.join(targets)} failed:\n{output}", pytrace=False)


@pytest.fixture(scope="session")
def built(docker_usable: None) -> Path:
    """The base image (no-op when current) and `sam build` of the working tree; SAM_LOCAL_NO_BUILD=1 skips the build."""
    _make("sam-image")
    if os.environ.get("SAM_LOCAL_NO_BUILD") != "1":
        _make("build")
    assert BUILT_TEMPLATE.is_file(), f"{BUILT_TEMPLATE} is missing: run `make build`"
    return BUILT_TEMPLATE


@pytest.fixture(scope="session")
def host_address(docker_usable: None) -> str:
    """The host's address on Docker's default bridge: where containers reach the emulators."""
    try:
        return docker_bridge_gateway()
    except NoDockerBridge as error:
        pytest.fail(str(error), pytrace=False)


@dataclass
class Receiver:
    """The enrichment webhook's endpoint: answers 200 and keeps what it got."""

    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture(scope="session")
def receiver(host_address: str) -> Iterator[Receiver]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.append({"path": self.path, "headers": dict(self.headers), "body": body.decode()})
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            pass

    server = ThreadingHTTPServer((host_address, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Receiver(f"http://{host_address}:{server.server_address[1]}/hook", received)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def moto_endpoint(host_address: str) -> Iterator[str]:
    """moto's server on a free port of the bridge's gateway (its backends are this process's)."""
    try:
        from moto.server import ThreadedMotoServer  # noqa: PLC0415 - needs moto's server extras (Flask)
    except ImportError as error:
        pytest.fail(f"moto's server needs Flask and flask-cors in the test environment: {error}", pytrace=False)
    server = ThreadedMotoServer(ip_address=host_address, port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    yield f"http://{host_address}:{port}"
    server.stop()


@dataclass(frozen=True)
class SamLocal:
    directory: Path
    functions: dict[str, Function]
    endpoint: str
    parameters: dict[str, str]

    def invoke(self, function: str, event: Path) -> dict[str, Any]:
        """`sam local invoke`, as `make invoke` runs it; the function's answer, parsed."""
        extra = {"AWS_ENDPOINT_URL": self.endpoint}
        arguments = ["invoke", function, "--event", str(event)]
        command = sam_local_command(arguments, self.directory, self.functions, extra, self.parameters)
        result = subprocess.run(  # noqa: S603 - our own sam CLI and files
            command,
            cwd=REPOSITORY_ROOT,
            env=sam_environment(),
            capture_output=True,
            text=True,
            timeout=INVOKE_TIMEOUT_SECONDS,
            check=False,
        )
        assert result.returncode == 0, f"sam local invoke {function} failed:\n{result.stderr[-4000:]}"
        try:
            answer: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            pytest.fail(f"no JSON answer from {function}: {result.stdout!r}\n{result.stderr[-4000:]}", pytrace=False)
        raised = f"{function} raised:\n{json.dumps(answer, indent=2)}\n{result.stderr[-4000:]}"
        assert "errorMessage" not in answer, raised
        return answer


@pytest.fixture(scope="session")
def sam_local(
    built: Path, moto_endpoint: str, receiver: Receiver, tmp_path_factory: pytest.TempPathFactory
) -> SamLocal:
    parameters = stack_parameters(receiver.url)
    functions = LocalStack(parameters).functions()
    return SamLocal(tmp_path_factory.mktemp("sam-local"), functions, moto_endpoint, parameters)


@pytest.fixture
def aws_resources(sam_local: SamLocal, moto_endpoint: str, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh moto with the template's table, bus, queues and parameters, for each test."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST"), timeout=10)
    for name, value in {**LOCAL_CREDENTIALS, "AWS_ENDPOINT_URL": moto_endpoint}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    stack = LocalStack(stack_parameters(receiver.url))
    create_resources(stack, ADMIN_TOKEN, {WEBHOOK_SECRET_PARAMETER: WEBHOOK_SECRET})
    receiver.requests.clear()
