"""The whole system on one machine: no AWS account, no Docker (§10).

HTTP requests become the API Gateway (HTTP API, payload 2.0) events the real handlers receive,
routed as ``template.yaml`` routes them. DynamoDB, EventBridge, SQS, SSM and KMS are emulated in this
process by moto, with the resources the template declares; events put on the bus reach the
functions through the template's EventBridge rules, with Lambda's asynchronous retries and
dead-letter queues.

Environment: ``PORT`` (default 3000; 0 picks a free port), ``HOST`` (default 127.0.0.1),
``ADMIN_TOKEN`` (default ``local-dev-token``), ``ENRICHMENT_WEBHOOK_SECRET``,
``SLACK_SIGNING_SECRET`` (default ``local-slack-signing-secret``, §18),
``PARAMETER_OVERRIDES`` (``Name=value Name=value``, as ``sam deploy --parameter-overrides``), and
``AWS_PORT`` (default 4566, LocalStack's; 0 picks a free port): the emulated AWS APIs over HTTP on
127.0.0.1, for the aws CLI, boto3 and sam local (``local.aws_endpoint``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from local.gateway import GatewayResponse, redact_keys
from local.stack import EmulatedStack, emulated_stack
from local.startup import (
    DEFAULT_ADMIN_TOKEN,
    DEFAULT_SLACK_SIGNING_SECRET,
    DEFAULT_WEBHOOK_SECRET,
    RunnerOptions,
    announce,
    stopping_on_signals,
)
from local.template import LOCAL_REGION

if TYPE_CHECKING:
    from local.aws_endpoint import AwsEndpoint

API_GATEWAY_PAYLOAD_LIMIT = 10 * 1024 * 1024


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
            sys.stderr.write(f"{self.address_string()} {redact_keys(format % args)}\n")

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

    def __init__(self, address: tuple[str, int], emulated: EmulatedStack, closing: contextlib.ExitStack) -> None:
        super().__init__(address, GatewayRequestHandler)
        self.emulated = emulated
        self.gateway = emulated.gateway
        self.aws_endpoint: AwsEndpoint | None = None
        """The emulated AWS APIs over HTTP, when ``start`` was asked to serve them and could."""
        self.aws_endpoint_unavailable: str | None = None
        """Why the endpoint is not served, when it was asked for."""
        self._closing = closing
        """The emulated stack: closed once nothing is served any more."""
        self.url = f"http://{address[0]}:{self.server_port}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up before its answer (a timeout on its side) is not a fault here:
        the request was handled; only the answer found no one to read it."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def shutdown(self) -> None:
        if self.aws_endpoint:
            self.aws_endpoint.stop()
        super().shutdown()
        self._closing.close()


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
    webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
    slack_signing_secret: str = DEFAULT_SLACK_SIGNING_SECRET,
) -> LocalServer:
    """Starts the emulated stack and serves it; returns at once, and ``shutdown`` stops it all.

    With ``aws_port`` (0 picks a free port), the emulated AWS APIs are served over HTTP too
    (``server.aws_endpoint``); when they cannot be, ``server.aws_endpoint_unavailable`` says why
    and everything else is served all the same.
    """
    closing = contextlib.ExitStack()
    emulated = closing.enter_context(
        emulated_stack(
            overrides, admin_token=admin_token, webhook_secret=webhook_secret, slack_signing_secret=slack_signing_secret
        )
    )
    server = LocalServer((host, port), emulated, closing)
    # The API's URL is the runner's: the alert pages that notifications link to are served here.
    os.environ["API_URL"] = server.url
    if aws_port is not None:
        endpoint = serve_aws_endpoint(aws_port)
        if isinstance(endpoint, str):
            server.aws_endpoint_unavailable = endpoint
        else:
            server.aws_endpoint = endpoint
    emulated.dispatcher.start()
    emulated.queues.start()
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()
    return server


def main() -> None:
    options = RunnerOptions.from_environment()
    server = start(
        options.port,
        options.host,
        options.overrides,
        options.admin_token,
        options.aws_port,
        options.webhook_secret,
        options.slack_signing_secret,
    )
    if server.aws_endpoint:
        endpoint = (
            f"{server.aws_endpoint.url} (AWS_ENDPOINT_URL for the aws CLI, boto3 and sam local; region {LOCAL_REGION})"
        )
    else:
        endpoint = str(server.aws_endpoint_unavailable)
    announce(server.url, options.admin_token, {"aws endpoint": endpoint})
    with stopping_on_signals() as stopped:
        stopped.wait()
    server.shutdown()


if __name__ == "__main__":
    main()
