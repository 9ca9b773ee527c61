"""A real HTTP server on 127.0.0.1 for tests of outbound HTTP: it records every request as it
arrived (method, path, headers, body) and answers a scripted sequence, then 200."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0
    """Seconds to wait before answering (a slow target)."""
    hang_up: bool = False
    """Close the connection without answering."""


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    """Header names lowercased."""
    body: bytes
    at: float
    """``time.monotonic()`` when the request had been read."""


@dataclass
class RecordingServer:
    port: int = 0
    script: list[Answer | int] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    otherwise: Callable[[Recorded], Answer] | None = None
    """The answer once the script is used up (an API stand-in's); None: 200."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, *answers: Answer | int) -> None:
        """The answers to the next requests, in order; 200 once they are used up."""
        with self.lock:
            self.script.extend(answers)

    def next_answer(self, request: Recorded | None = None) -> Answer:
        with self.lock:
            scripted = self.script.pop(0) if self.script else None
        if scripted is None:
            return self.otherwise(request) if self.otherwise and request else Answer()
        return scripted if isinstance(scripted, Answer) else Answer(status=scripted)

    def record(self, request: Recorded) -> None:
        with self.lock:
            self.requests.append(request)


def _handler(state: RecordingServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            recorded = Recorded(self.command, self.path, headers, body, time.monotonic())
            state.record(recorded)
            answer = state.next_answer(recorded)
            if answer.delay:
                time.sleep(answer.delay)
            if answer.hang_up:
                self.close_connection = True
                return
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle  # noqa: N815 - http.server's names

        def log_message(self, *_: Any) -> None:
            pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (a timeout under test) is expected: not worth a traceback."""


@contextmanager
def recording_server() -> Iterator[RecordingServer]:
    state = RecordingServer()
    server = _QuietServer(("127.0.0.1", 0), _handler(state))
    state.port = server.server_port
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
