"""API Gateway (HTTP API) and Lambda, emulated in-process for the local runner and the tests.

A request is matched against the template's routes, turned into the payload format 2.0 event
API Gateway sends, and handed to a warm instance of the function's real handler module.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import queue
import re
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, unquote

from local.template import LOCAL_ACCOUNT_ID, LOCAL_REGION, Function, LocalStack, Route

Handler = Callable[[dict[str, Any], Any], Any]
Invoker = Callable[[Function, dict[str, Any]], Any]
"""Runs one event in a function somewhere else (its Lambda container: ``local.sam_runner``) and
returns its result; raises when the invocation fails, as an in-process handler would."""
INSTANCES_PER_FUNCTION = 4
_TEXT_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "application/x-www-form-urlencoded",
)
_KEY_IN_PATH = re.compile(r"(/api/v1/(?:deployment-events|alerts)/[^/\s?#]+/)([\w.~%-]+)")
"""The routes whose last segment is an integration key (§7): a sender's path holds its key."""
_KEY_IN_QUERY = re.compile(r"([?&]integrationKey=)([\w.~%-]+)")
"""A deployment's health, asked by CI with its pipeline's key (§21)."""
KEY_HINT_LENGTH = 4
_LOADING = threading.Lock()
_module_numbers = count()


class LocalLambdaContext:
    """The attributes of the Lambda context object that Powertools reads."""

    def __init__(self, function: Function, request_id: str | None = None) -> None:
        self.function_name = function.logical_id
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:function:{function.logical_id}"
        self.memory_limit_in_mb = 512
        self.aws_request_id = request_id or str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function.logical_id}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + 15

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load_handler(function: Function) -> Handler:
    """A fresh module instance of the function's handler file: a new 'container'."""
    name = f"local_lambda_{function.logical_id}_{next(_module_numbers)}"
    spec = importlib.util.spec_from_file_location(name, function.module_path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {function.module_path}")
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    code_root = str(function.module_path.parent)
    with _LOADING:
        # In Lambda the code folder is on sys.path and each container has its own modules: so
        # here, the modules a handler imports from its folder (``routers``) are its instance's own.
        sys.path.insert(0, code_root)
        try:
            spec.loader.exec_module(module)
        finally:
            sys.path.remove(code_root)
            for loaded in [key for key, value in sys.modules.items() if _lives_under(value, code_root)]:
                if loaded != name:
                    del sys.modules[loaded]
    handler: Handler = getattr(module, function.handler_name)
    return handler


def _lives_under(module: ModuleType | None, folder: str) -> bool:
    location = getattr(module, "__file__", None)
    return isinstance(location, str) and location.startswith(folder + "/")


class FunctionPool:
    """Up to N warm instances of one function, each serving one event at a time as in Lambda."""

    def __init__(self, function: Function, size: int = INSTANCES_PER_FUNCTION, invoker: Invoker | None = None) -> None:
        self.function = function
        self.invoker = invoker
        """When set, every event goes through it instead of an in-process instance of the handler."""
        self._idle: queue.LifoQueue[Handler] = queue.LifoQueue()
        self._created = 0
        self._size = size
        self._lock = threading.Lock()

    def _acquire(self) -> Handler:
        with self._lock:
            if self._idle.empty() and self._created < self._size:
                self._created += 1
                return load_handler(self.function)
        return self._idle.get()

    def invoke(self, event: dict[str, Any], request_id: str | None = None) -> Any:
        """``request_id``: Lambda keeps an asynchronous invocation's id across its retries."""
        if self.invoker is not None:
            return self.invoker(self.function, event)
        handler = self._acquire()
        try:
            return handler(event, LocalLambdaContext(self.function, request_id))
        finally:
            self._idle.put(handler)


def build_http_api_event(
    route: Route,
    path_parameters: dict[str, str],
    method: str,
    raw_path: str,
    raw_query: str,
    headers: dict[str, str],
    body: bytes,
    source_ip: str,
) -> dict[str, Any]:
    """The payload format 2.0 event API Gateway sends for this request."""
    content_type = headers.get("content-type", "")
    is_text = not body or content_type.startswith(_TEXT_TYPES)
    text_body = ""
    if is_text:
        try:
            text_body = body.decode("utf-8")
        except UnicodeDecodeError:
            is_text = False
    now = datetime.now(UTC)
    query: dict[str, list[str]] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        query.setdefault(name, []).append(value)
    return {
        "version": "2.0",
        "routeKey": route.route_key,
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": headers,
        "queryStringParameters": {name: ",".join(values) for name, values in query.items()} or None,
        "pathParameters": path_parameters or None,
        "requestContext": {
            "accountId": LOCAL_ACCOUNT_ID,
            "apiId": "local",
            "domainName": headers.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route.route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "body": text_body if is_text else base64.b64encode(body).decode("ascii"),
        "isBase64Encoded": not is_text,
    }


@dataclass(frozen=True)
class GatewayResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def redact_keys(text: str) -> str:
    """``text`` (an access log line) with each integration key in a path or a query cut to its last
    four characters, the hint the API shows: ``/api/v1/deployment-events/github/****abcd``."""

    def hint(match: re.Match[str]) -> str:
        key = match[2]
        return match[1] + "****" + (key[-KEY_HINT_LENGTH:] if len(key) > 2 * KEY_HINT_LENGTH else "")

    return _KEY_IN_QUERY.sub(hint, _KEY_IN_PATH.sub(hint, text))


def _not_found() -> GatewayResponse:
    return GatewayResponse(404, {"Content-Type": "application/json"}, b'{"message":"Not Found"}')


@dataclass
class Gateway:
    """API Gateway's HTTP API: the template's routes, the most specific matching first."""

    routes: list[Route]
    pools: dict[str, FunctionPool]

    @classmethod
    def from_stack(cls, stack: LocalStack, instances: int = INSTANCES_PER_FUNCTION) -> Gateway:
        pools = {logical_id: FunctionPool(function, instances) for logical_id, function in stack.functions().items()}
        return cls(stack.routes(), pools)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        candidates = []
        for route in self.routes:
            if route.method not in (method, "ANY"):
                continue
            found = route.pattern.match(path)
            if found:
                candidates.append((route.static_segments, route, found.groupdict()))
        if not candidates:
            return None
        _, route, parameters = max(candidates, key=lambda candidate: candidate[0])
        return route, {name: unquote(value) for name, value in parameters.items()}

    def handle(
        self,
        method: str,
        path: str,
        query: str = "",
        headers: dict[str, str] | None = None,
        body: bytes = b"",
        source_ip: str = "127.0.0.1",
    ) -> GatewayResponse:
        matched = self.match(method, path)
        if matched is None:
            return _not_found()
        route, path_parameters = matched
        lower_headers = {name.lower(): value for name, value in (headers or {}).items()}
        lower_headers.setdefault("x-forwarded-proto", "http")
        event = build_http_api_event(route, path_parameters, method, path, query, lower_headers, body, source_ip)
        try:
            response = self.pools[route.function].invoke(event)
        except Exception:  # noqa: BLE001 - a crashed function is API Gateway's 500, as in AWS
            traceback.print_exc()
            return GatewayResponse(500, {"Content-Type": "application/json"}, b'{"message":"Internal Server Error"}')
        return _gateway_response(response)


def _gateway_response(response: Any) -> GatewayResponse:
    """How API Gateway turns a Lambda result into an HTTP response (payload format 2.0)."""
    if not isinstance(response, dict) or "statusCode" not in response:
        return GatewayResponse(200, {"Content-Type": "application/json"}, json.dumps(response).encode("utf-8"))
    body = response.get("body") or ""
    raw = base64.b64decode(body) if response.get("isBase64Encoded") else str(body).encode("utf-8")
    headers = {name: str(value) for name, value in (response.get("headers") or {}).items()}
    if response.get("cookies"):
        headers["Set-Cookie"] = "; ".join(response["cookies"])
    return GatewayResponse(int(response["statusCode"]), headers, raw)
