"""The whole system on one machine: no AWS account, no Docker (SPEC §10).

HTTP requests become the API Gateway (HTTP API, payload 2.0) events the real handlers receive,
routed as ``template.yaml`` routes them. DynamoDB, EventBridge, SQS and SSM are emulated in this
process by moto, with the resources the template declares; events put on the bus reach the
functions through the template's EventBridge rules, with Lambda's asynchronous retries and
dead-letter queues.

Environment: ``PORT`` (default 3000; 0 picks a free port), ``HOST`` (default 127.0.0.1),
``ADMIN_TOKEN`` (default ``local-dev-token``), ``ENRICHMENT_WEBHOOK_SECRET``,
``PARAMETER_OVERRIDES`` (``Name=value Name=value``, as ``sam deploy --parameter-overrides``), and
``AWS_PORT`` (default 4566, LocalStack's; 0 picks a free port): the emulated AWS APIs over HTTP on
127.0.0.1, for the aws CLI, boto3 and sam local (``local.aws_endpoint``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shlex
import signal
import sys
import threading
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from moto import mock_aws

from local.aws import create_resources, serialize_emulated_calls, use_local_credentials
from local.eventbridge import RuleDispatcher
from local.gateway import Gateway, GatewayResponse
from local.template import LOCAL_REGION, REPOSITORY_ROOT, LocalStack

if TYPE_CHECKING:
    from local.aws_endpoint import AwsEndpoint

DEFAULT_ADMIN_TOKEN = "local-dev-token"
DEFAULT_WEBHOOK_SECRET = "local-webhook-secret"
API_GATEWAY_PAYLOAD_LIMIT = 10 * 1024 * 1024
DEFAULT_AWS_PORT = 4566
"""LocalStack's port, which scripts and ``AWS_ENDPOINT_URL`` settings already name."""


class GatewayRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LocalServer

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        if os.environ.get("LOCAL_ACCESS_LOG", "1") != "0":
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def _read_body(self) -> bytes | None:
        """The request body, or None when it is larger than API Gateway accepts."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            total = 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                total += size
                if total > API_GATEWAY_PAYLOAD_LIMIT:
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > API_GATEWAY_PAYLOAD_LIMIT:
            return None
        return self.rfile.read(length) if length else b""

    def _send(self, response: GatewayResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers.items():
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        body = self._read_body()
        if body is None:
            self.close_connection = True
            self._send(
                GatewayResponse(413, {"Content-Type": "application/json"}, b'{"message":"Request Entity Too Large"}')
            )
            return
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]},{value}" if key in headers else value
        self._send(self.server.gateway.handle(self.command, url.path, url.query, headers, body, self.client_address[0]))


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    """socketserver's default backlog of 5 resets connections when many senders arrive at once."""

    def __init__(self, address: tuple[str, int], gateway: Gateway) -> None:
        super().__init__(address, GatewayRequestHandler)
        self.gateway = gateway
        self.aws_endpoint: AwsEndpoint | None = None
        """The emulated AWS APIs over HTTP, when ``start`` was asked to serve them and could."""
        self.aws_endpoint_unavailable: str | None = None
        """Why the endpoint is not served, when it was asked for."""

    def shutdown(self) -> None:
        if self.aws_endpoint:
            self.aws_endpoint.stop()
        super().shutdown()


def parameter_overrides(text: str) -> dict[str, str]:
    overrides = {}
    for item in shlex.split(text):
        name, separator, value = item.partition("=")
        if not separator:
            raise SystemExit(f"PARAMETER_OVERRIDES: expected Name=value, got {item!r}")
        overrides[name] = value
    return overrides


def serve_aws_endpoint(port: int) -> AwsEndpoint | str:
    """The emulated AWS APIs on 127.0.0.1:``port``, or why they cannot be served there."""
    try:
        from local.aws_endpoint import AwsEndpoint  # noqa: PLC0415 - needs moto's server extra
    except ImportError as error:
        return f"needs moto's server extra ({error.name} is missing): pip install 'moto[server]'"
    try:
        return AwsEndpoint.serve(port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            return f"port {port} is taken (LocalStack?); set AWS_PORT to serve it elsewhere"
        return f"cannot serve on port {port} ({error.strerror}); set AWS_PORT to serve it elsewhere"


def start(
    port: int,
    host: str = "127.0.0.1",
    overrides: dict[str, str] | None = None,
    admin_token: str = DEFAULT_ADMIN_TOKEN,
    aws_port: int | None = None,
) -> tuple[LocalServer, RuleDispatcher]:
    """Starts the emulated AWS, creates the template's resources and serves them; returns at once.

    With ``aws_port`` (0 picks a free port), the emulated AWS APIs are served over HTTP too
    (``server.aws_endpoint``); when they cannot be, ``server.aws_endpoint_unavailable`` says why
    and everything else is served all the same.
    """
    stack = LocalStack(overrides or {})
    # Handlers emit their metrics one by one (single_metric), so log_metrics has none left to flush.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    use_local_credentials()
    os.environ.update(stack.environment())
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    if str(REPOSITORY_ROOT) not in sys.path:
        sys.path.insert(0, str(REPOSITORY_ROOT))
    serialize_emulated_calls()
    mock_aws().start()
    secrets = {}
    if stack.parameters.get("EnrichmentWebhookSecretParameter"):
        secret = os.environ.get("ENRICHMENT_WEBHOOK_SECRET") or DEFAULT_WEBHOOK_SECRET
        secrets[stack.parameters["EnrichmentWebhookSecretParameter"]] = secret
    resources = create_resources(stack, admin_token, secrets)
    gateway = Gateway.from_stack(stack)
    server = LocalServer((host, port), gateway)
    # The API's URL is the runner's: the alert pages that notifications link to are served here.
    os.environ["API_URL"] = f"http://{host}:{server.server_port}"
    if aws_port is not None:
        endpoint = serve_aws_endpoint(aws_port)
        if isinstance(endpoint, str):
            server.aws_endpoint_unavailable = endpoint
        else:
            server.aws_endpoint = endpoint
    dispatcher = RuleDispatcher(stack, resources, gateway.pools)
    dispatcher.start()
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    return server, dispatcher


def main() -> None:
    port = int(os.environ.get("PORT") or 3000)
    host = os.environ.get("HOST") or "127.0.0.1"
    admin_token = os.environ.get("ADMIN_TOKEN") or DEFAULT_ADMIN_TOKEN
    aws_port = int(os.environ.get("AWS_PORT") or DEFAULT_AWS_PORT)
    overrides = parameter_overrides(os.environ.get("PARAMETER_OVERRIDES", ""))
    server, dispatcher = start(port, host, overrides, admin_token, aws_port)
    url = f"http://{host}:{server.server_port}"
    print(f"Deployment events is running at {url}", flush=True)
    print(f"  overview:    {url}/#token={admin_token}", flush=True)
    print(f"  admin token: {admin_token}", flush=True)
    print(f"  health:      {url}/api/health", flush=True)
    if server.aws_endpoint:
        print(
            f"  aws endpoint: {server.aws_endpoint.url} (AWS_ENDPOINT_URL for the aws CLI, boto3 and sam local;"
            f" region {LOCAL_REGION})",
            flush=True,
        )
    else:
        print(f"  aws endpoint: {server.aws_endpoint_unavailable}", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with contextlib.suppress(KeyboardInterrupt):
        stopped.wait()
    dispatcher.stop()
    server.shutdown()


if __name__ == "__main__":
    main()
