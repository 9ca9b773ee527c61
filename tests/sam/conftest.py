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

import ipaddress
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
import yaml

from local.aws import create_resources
from local.template import LOCAL_REGION, REPOSITORY_ROOT, LocalStack

SAM = REPOSITORY_ROOT / ".venv-sam" / "bin" / "sam"
BUILD_DIR = REPOSITORY_ROOT / ".aws-sam" / "build"
ADMIN_TOKEN = "test-admin-token"
WEBHOOK_SECRET_PARAMETER = "/deployment-events/enrichment-webhook-secret"
WEBHOOK_SECRET = "test-webhook-secret"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": LOCAL_REGION,
    "AWS_REGION": LOCAL_REGION,
}
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
    template = BUILD_DIR / "template.yaml"
    assert template.is_file(), f"{template} is missing: run `make build`"
    return template


@pytest.fixture(scope="session")
def host_address(docker_usable: None) -> str:
    """The host's address on Docker's default bridge: where containers reach the emulators."""
    inspected = subprocess.run(
        ["docker", "network", "inspect", "bridge", "--format", "{{json .IPAM.Config}}"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if inspected.returncode != 0:
        pytest.fail(f"Docker has no default bridge: {inspected.stderr.strip()}", pytrace=False)
    for config in json.loads(inspected.stdout) or []:
        if config.get("Gateway"):
            return str(config["Gateway"])
        if config.get("Subnet") and ":" not in config["Subnet"]:
            # Docker 20.10 leaves Gateway out of the default bridge's IPAM: it is the subnet's first address.
            return str(next(ipaddress.ip_network(config["Subnet"]).hosts()))
    pytest.fail(f"no IPv4 gateway on Docker's default bridge: {inspected.stdout.strip()}", pytrace=False)


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
    template: Path
    env_vars: Path
    parameter_overrides: list[str]

    def invoke(self, function: str, event: Path) -> dict[str, Any]:
        """`sam local invoke`; the function's answer, parsed."""
        command = [
            str(SAM), "local", "invoke", function,
            "--template", str(self.template),
            "--event", str(event),
            "--env-vars", str(self.env_vars),
            "--parameter-overrides", *self.parameter_overrides,
            "--skip-pull-image",
        ]  # fmt: skip
        environment = {
            **{name: value for name, value in os.environ.items() if not name.startswith("AWS_")},
            **CREDENTIALS,
            "SAM_CLI_TELEMETRY": "0",
        }
        result = subprocess.run(  # noqa: S603 - our own sam CLI and files
            command,
            cwd=REPOSITORY_ROOT,
            env=environment,
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


def _with_endpoint_declared(built_template: Path, destination: Path) -> Path:
    """The built template, with AWS_ENDPOINT_URL declared for every function and absolute code paths.

    `sam local invoke --env-vars` only overrides variables the template declares; the deployed
    template must not declare AWS_ENDPOINT_URL (an empty value would be used as the endpoint), so
    only this test's copy does. Its value comes from --env-vars.
    """
    template: dict[str, Any] = yaml.safe_load(built_template.read_text(encoding="utf-8"))
    function_globals = template.setdefault("Globals", {}).setdefault("Function", {})
    variables = function_globals.setdefault("Environment", {}).setdefault("Variables", {})
    variables.setdefault("AWS_ENDPOINT_URL", "")
    for resource in template["Resources"].values():
        properties = resource.get("Properties") or {}
        for uri in ("CodeUri", "ContentUri"):
            if isinstance(properties.get(uri), str) and not Path(properties[uri]).is_absolute():
                properties[uri] = str((built_template.parent / properties[uri]).resolve())
    destination.write_text(yaml.safe_dump(template, sort_keys=False), encoding="utf-8")
    return destination


@pytest.fixture(scope="session")
def sam_local(
    built: Path, moto_endpoint: str, receiver: Receiver, tmp_path_factory: pytest.TempPathFactory
) -> SamLocal:
    directory = tmp_path_factory.mktemp("sam-local")
    template = _with_endpoint_declared(built, directory / "template.yaml")
    env_vars = directory / "env-vars.json"
    parameters = stack_parameters(receiver.url)
    # Each function's environment as local/template.py resolves it: SAM CLI resolves `!Ref` of a
    # resource to its logical id (EVENT_BUS_NAME=AlertEventBus) where AWS, and create_resources,
    # use its physical name (the bus's Name). Plus the emulator's endpoint.
    functions = LocalStack(parameters).functions()
    overrides: dict[str, dict[str, str]] = {
        "Parameters": {"AWS_ENDPOINT_URL": moto_endpoint},
        **{name: {**function.environment, "AWS_ENDPOINT_URL": moto_endpoint} for name, function in functions.items()},
    }
    env_vars.write_text(json.dumps(overrides, indent=2), encoding="utf-8")
    return SamLocal(template, env_vars, [f"{name}={value}" for name, value in parameters.items()])


@pytest.fixture
def aws_resources(sam_local: SamLocal, moto_endpoint: str, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh moto with the template's table, bus, queues and parameters, for each test."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST"), timeout=10)
    for name, value in {**CREDENTIALS, "AWS_ENDPOINT_URL": moto_endpoint}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    stack = LocalStack(stack_parameters(receiver.url))
    create_resources(stack, ADMIN_TOKEN, {WEBHOOK_SECRET_PARAMETER: WEBHOOK_SECRET})
    receiver.requests.clear()
