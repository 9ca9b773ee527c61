"""``python -m local.sam_runner.invoke FUNCTION EVENT`` (`make invoke`): ``sam local invoke`` against
the emulated AWS of a running `make run` or `make run-sam` (§14).

In its container a function's 127.0.0.1 is the container, so pointed at ``http://127.0.0.1:4566``
every function that reads the table answers "Could not connect". This runs it as ``tests/sam``
does: the built template declaring ``AWS_ENDPOINT_URL``, each function's environment as the
emulated stack resolves it, and the emulated AWS reached at the host's address on Docker's bridge,
here through a relay that makes each request again to ``127.0.0.1:AWS_PORT``, as a loopback client,
while the function runs (the endpoint refuses any other ``Host``).

Environment: ``AWS_PORT`` (default 4566), ``PORT`` (the runner's, for the links the functions write)
and ``PARAMETER_OVERRIDES``, as given to the running stack. Prints the function's answer; exits 1
when it is an error (the function raised or timed out).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

import boto3

from local.aws import LOCAL_CREDENTIALS, kms_key_environment
from local.sam_runner.build import sam_environment, sam_local_command
from local.sam_runner.containers import NoDockerBridge, docker_bridge_gateway
from local.sam_runner.invoker import is_error_payload
from local.startup import DEFAULT_AWS_PORT, DEFAULT_PORT, parameter_overrides
from local.template import LOCAL_REGION, REPOSITORY_ROOT, LocalStack

USAGE = "usage: make invoke FUNCTION=<LogicalId> EVENT=events/<file>.json"
RELAY_TIMEOUT_SECONDS = 60


class _RelayedRequest(BaseHTTPRequestHandler):
    """One request from a container, made again to 127.0.0.1:``port`` as a loopback client: the
    endpoint refuses any other ``Host`` (§22), and the container names the bridge address."""

    protocol_version = "HTTP/1.1"
    server: _RelayServer

    def _relay(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name: value for name, value in self.headers.items() if name.lower() not in ("host", "connection")}
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream_port, timeout=RELAY_TIMEOUT_SECONDS)
        try:
            upstream.request(
                self.command, self.path, body, {**headers, "Host": f"127.0.0.1:{self.server.upstream_port}"}
            )
            response = upstream.getresponse()
            answer = response.read()
            self.send_response(response.status, response.reason)
            for name, value in response.getheaders():
                if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        finally:
            upstream.close()

    def do_GET(self) -> None:
        self._relay()

    def do_POST(self) -> None:
        self._relay()

    def do_PUT(self) -> None:
        self._relay()

    def do_DELETE(self) -> None:
        self._relay()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
        """Quiet: the function's own output is what `make invoke` prints."""


class _RelayServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, upstream_port: int) -> None:
        super().__init__((host, 0), _RelayedRequest)
        self.upstream_port = upstream_port


class Relay:
    """HTTP from ``host`` (a free port) to 127.0.0.1:``port``, each request made again as a loopback one."""

    def __init__(self, host: str, port: int) -> None:
        self._server = _RelayServer(host, port)
        self.url = f"http://{host}:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, name="relay", daemon=True).start()

    def __enter__(self) -> Relay:
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()


def _check(function: str, event: Path, functions: set[str], aws_port: int) -> None:
    if function not in functions:
        raise SystemExit(
            f"invoke: {function} is not a function of the template with these parameters"
            f" (PARAMETER_OVERRIDES, as given to the running stack); it has {', '.join(sorted(functions))}"
        )
    if not event.is_file():
        raise SystemExit(f"invoke: no event file {event}")
    try:
        socket.create_connection(("127.0.0.1", aws_port), timeout=2).close()
    except OSError as error:
        raise SystemExit(
            f"invoke: nothing answers on 127.0.0.1:{aws_port} ({error.strerror}): start `make run` or"
            " `make run-sam` first (AWS_PORT where it serves the emulated AWS elsewhere)"
        ) from error


def running_keys(stack: LocalStack, aws_port: int) -> dict[str, str]:
    """The variables that name a KMS key (``SECRETS_KEY_ARN``), with the ARN of the key the running
    stack created: moto picks key ids, and a function sealing or opening a secret (§22) needs that
    very key. The running stack describes each key by its logical id."""
    kms = boto3.client(
        "kms",
        endpoint_url=f"http://127.0.0.1:{aws_port}",
        region_name=LOCAL_REGION,
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    created = {}
    for page in kms.get_paginator("list_keys").paginate():
        for listed in page["Keys"]:
            metadata = kms.describe_key(KeyId=listed["KeyId"])["KeyMetadata"]
            created[metadata.get("Description", "")] = metadata["Arn"]
    by_local_arn = {
        stack.arn(logical_id): created[logical_id]
        for logical_id in stack.resources_of_type("AWS::KMS::Key")
        if logical_id in created
    }
    return kms_key_environment(by_local_arn, stack.environment())


def invoke(function: str, event: Path) -> int:
    """Runs ``sam local invoke`` and prints the function's answer; 1 when the answer is an error."""
    aws_port = int(os.environ.get("AWS_PORT") or DEFAULT_AWS_PORT)
    overrides = parameter_overrides(os.environ.get("PARAMETER_OVERRIDES", ""))
    stack = LocalStack(overrides)
    functions = stack.functions()
    _check(function, event, set(functions), aws_port)
    try:
        bridge = docker_bridge_gateway()
    except NoDockerBridge as error:
        raise SystemExit(f"invoke: {error} (sam/ensure-docker.sh starts Docker)") from error
    api_url = f"http://127.0.0.1:{os.environ.get('PORT') or DEFAULT_PORT}"
    with tempfile.TemporaryDirectory(prefix="invoke-") as directory, Relay(bridge, aws_port) as relay:
        extra = {**running_keys(stack, aws_port), "AWS_ENDPOINT_URL": relay.url, "POWERTOOLS_TRACE_DISABLED": "true"}
        arguments = ["invoke", function, "--event", str(event.resolve())]
        command = sam_local_command(arguments, Path(directory), functions, extra, overrides, api_url)
        result = subprocess.run(  # noqa: S603 - our own sam CLI and files
            command, cwd=REPOSITORY_ROOT, env=sam_environment(), stdout=subprocess.PIPE, text=True, check=False
        )
    sys.stdout.write(result.stdout)
    lines = result.stdout.strip().splitlines()
    with contextlib.suppress(json.JSONDecodeError, IndexError):
        if is_error_payload(json.loads(lines[-1])):
            return 1
    return result.returncode


def main() -> None:
    if len(sys.argv) != 3 or not all(sys.argv[1:]):
        raise SystemExit(USAGE)
    raise SystemExit(invoke(sys.argv[1], Path(sys.argv[2])))


if __name__ == "__main__":
    main()
