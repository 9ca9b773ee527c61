"""One event to a function's container, through ``sam local start-lambda``, as Lambda's Invoke API."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any

import boto3
from botocore.config import Config

from local.aws import LOCAL_CREDENTIALS
from local.template import LOCAL_REGION, Function

ERROR_PAYLOAD_KEYS = frozenset({"errorMessage", "errorType", "stackTrace", "cause", "requestId"})


class FunctionError(RuntimeError):
    """The function raised (or timed out) in its container: Lambda's ``FunctionError``."""


def is_error_payload(result: Any) -> bool:
    """The runtime's answer for a raised exception, a timeout or a failed import.

    sam local sets ``FunctionError`` only for answers of exactly errorMessage, errorType and
    stackTrace; awslambdaric adds ``requestId``, so sam local answers those as successes.
    """
    return isinstance(result, dict) and {"errorMessage", "errorType"} <= result.keys() <= ERROR_PAYLOAD_KEYS


class ContainerInvoker:
    """``FunctionPool.invoker``: one event, through ``sam local start-lambda``, to the function's container.

    Waits for sam local to be ready (the gateway serves as soon as ``start`` returns). Not retried
    here: a failed asynchronous event is retried by the rule dispatcher, as Lambda does.
    """

    def __init__(self, endpoint_url: str, read_timeout: float) -> None:
        self.ready = threading.Event()
        self._client = boto3.client(
            "lambda",
            endpoint_url=endpoint_url,
            region_name=LOCAL_REGION,
            aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            config=Config(
                connect_timeout=10,
                read_timeout=read_timeout,
                retries={"total_max_attempts": 1},
                max_pool_connections=64,
            ),
        )
        self._invoked: set[str] = set()
        self._lock = threading.Lock()
        self._log = os.environ.get("LOCAL_ACCESS_LOG", "1") != "0"

    def __call__(self, function: Function, event: dict[str, Any]) -> Any:
        self.ready.wait()
        with self._lock:
            first = function.logical_id not in self._invoked
            self._invoked.add(function.logical_id)
        started = time.monotonic()
        response = self._client.invoke(FunctionName=function.logical_id, Payload=json.dumps(event).encode("utf-8"))
        payload = response["Payload"].read()
        elapsed = (time.monotonic() - started) * 1000
        result = json.loads(payload) if payload.strip() else None
        error = response.get("FunctionError") or ("Unhandled" if is_error_payload(result) else None)
        if self._log:
            kind = "first, cold" if first else "warm"
            failed = f", {error} error" if error else ""
            sys.stderr.write(f"lambda: {function.logical_id} {elapsed:.0f} ms ({kind}{failed})\n")
        if error:
            raise FunctionError(f"{function.logical_id} failed ({error}): {payload.decode()}")
        return result
