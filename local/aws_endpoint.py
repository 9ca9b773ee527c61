"""The emulated AWS APIs over HTTP, as LocalStack serves them: the aws CLI, boto3 and sam local
reach the very table, bus and queues the local runner uses (§12).

moto's server (its werkzeug app) runs in a thread of the runner's process, over moto's global
backends, which ``mock_aws`` uses too: what the endpoint writes, the functions read, and an event
put through it is matched by the template's rules and delivered. Each request is one emulated
call, atomic with the in-process ones (``local.aws.EMULATOR_LOCK``).

It holds the admin token (SSM) and every secret (the table), so it answers this machine's own
clients only (§22): a ``Host`` that is not loopback (a DNS name rebound to 127.0.0.1) or the
address it serves on, and a browser's cross-origin request (a foreign ``Origin``, preflights
included), are refused with 403, and moto's CORS headers, which echo any origin, are removed.

Importing this module needs moto's server extra (Flask, flask-cors): ``pip install 'moto[server]'``.
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wsgi import get_input_stream

from local.aws import EMULATOR_LOCK
from local.startup import is_loopback

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class QuietRequestHandler(MotoRequestHandler):
    """No access log line per request (``LOCAL_ACCESS_LOG=0``, as the runner's own)."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class SerializedApplication:
    """A WSGI app whose calls hold the emulator lock: one emulated AWS call at a time.

    The request body is read before the lock is taken, so a slow client holds up nobody. SQS
    ReceiveMessage is the exception: it may long-poll (``--wait-time-seconds``) for a message
    that only another call can send, so it runs unserialized, as in moto's own server.
    """

    def __init__(self, app: WsgiApp) -> None:
        self._app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        body = get_input_stream(environ).read()
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        with contextlib.nullcontext() if receives_sqs_messages(environ, body) else EMULATOR_LOCK:
            chunks = self._app(environ, start_response)
            try:
                return [b"".join(chunks)]
            finally:
                close = getattr(chunks, "close", None)
                if close:
                    close()


class LocalClientsOnly:
    """A WSGI app that only this machine's clients reach: the aws CLI, boto3, sam local's
    containers at the bridge address the endpoint serves on; never a web page of another origin."""

    def __init__(self, app: WsgiApp, served_on: str) -> None:
        self._app = app
        self._served_on = served_on.lower()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        refusal = self.refusal(environ)
        if refusal:
            body = f"Refused: {refusal}. The emulated AWS answers this machine's clients only.\n".encode()
            start_response(
                "403 Forbidden", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
            )
            return [body]

        def without_cors(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            kept = [(name, value) for name, value in headers if not name.lower().startswith("access-control-")]
            return start_response(status, kept, *exc_info)

        return self._app(environ, without_cors)

    def refusal(self, environ: dict[str, Any]) -> str | None:
        """Why a request is refused, or None."""
        host = environ.get("HTTP_HOST", "")
        name = host_name(host)
        if not (is_loopback(name) or name.lower() == self._served_on):
            return f"Host {host!r} is not this machine"
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and origin != f"http://{host}":
            return f"a request from the web page of {origin!r}"
        if environ.get("HTTP_SEC_FETCH_SITE", "same-origin") not in ("same-origin", "none"):
            return "a request from a web page of another site"
        return None


def host_name(host: str) -> str:
    """The name in a ``Host`` header, without its port or an IPv6 address's brackets."""
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def receives_sqs_messages(environ: dict[str, Any], body: bytes) -> bool:
    """SQS ReceiveMessage, in the JSON protocol (boto3, aws CLI v2) or the query one (older SDKs)."""
    if environ.get("HTTP_X_AMZ_TARGET") == "AmazonSQS.ReceiveMessage":
        return True
    if not environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        return False
    return "ReceiveMessage" in parse_qs(body.decode("utf-8", "replace")).get("Action", [])


class AwsEndpoint:
    """moto's server on ``host:port`` (0 picks a free port), in a daemon thread, for loopback
    clients and those that name ``host`` itself (sam local's containers on Docker's bridge)."""

    def __init__(self, server: BaseWSGIServer) -> None:
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="aws-endpoint", daemon=True)

    @classmethod
    def serve(cls, port: int, host: str = "127.0.0.1") -> AwsEndpoint:
        """Serves at once; raises ``OSError`` when the port is taken."""
        quiet = os.environ.get("LOCAL_ACCESS_LOG", "1") == "0"
        handler = QuietRequestHandler if quiet else MotoRequestHandler
        app = LocalClientsOnly(SerializedApplication(DomainDispatcherApplication(create_backend_app)), host)
        # Bound here: werkzeug's own bind exits the process when the port is taken.
        with socket.create_server((host, port)) as listening:
            server = make_server(host, port, app, threaded=True, request_handler=handler, fd=listening.fileno())
        endpoint = cls(server)
        endpoint._thread.start()
        return endpoint

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def url(self) -> str:
        return f"http://{self._server.host}:{self.port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
