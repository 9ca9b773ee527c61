"""Injecting DynamoDB faults in place of the emulated service, below botocore's retry loop.

The injector stands in front of moto: a failed call never reaches the emulated table, exactly as
a throttled or failing request never reaches a real one, and botocore retries it as against AWS.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectionClosedError
from moto.core import botocore_stubber
from moto.core.botocore_stubber import MockRawResponse

THROTTLED = (400, "ProvisionedThroughputExceededException")
OUTAGE = (500, "InternalServerError")
CONFLICT = (400, "TransactionCanceledException")
"""Another transaction held the same item: DynamoDB cancels, with TransactionConflict as reason."""
THROTTLED_TRANSACTION = (400, "TransactionCanceledException ")
"""A transaction throttled on one of its items: DynamoDB cancels it, with ThrottlingError as reason
(the trailing space only tells it from CONFLICT; DynamoDB's code is the same)."""
INVALID = (400, "ValidationException")
"""DynamoDB refusing a request it can never take (an item too large, a value it does not accept)."""
CANCELLATION_REASONS = {
    CONFLICT: [{"Code": "TransactionConflict"}, {"Code": "None"}],
    THROTTLED_TRANSACTION: [{"Code": "ThrottlingError"}, {"Code": "None"}],
}
TARGET_PREFIX = "DynamoDB_20120810."


@dataclass
class FaultInjector:
    """Fails a DynamoDB operation ``failures`` times (each with ``probability``), then lets it through."""

    operation: str
    failures: int = 10**9
    fault: tuple[int, str] | None = THROTTLED
    """The status and error code to answer with; None drops the connection instead."""
    probability: float = 1.0
    message: str = "injected fault"
    """The error's message, where a test needs DynamoDB's own wording."""
    seed: int = 7
    calls: int = 0
    failed: int = 0
    _random: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def matches(self, request: Any) -> bool:
        target = request.headers.get("X-Amz-Target", b"")
        target = target.decode() if isinstance(target, bytes) else str(target)
        return target == TARGET_PREFIX + self.operation

    def failure(self, request: Any) -> AWSResponse | None:
        self.calls += 1
        if self.failed >= self.failures or self._random.random() >= self.probability:
            return None
        self.failed += 1
        if self.fault is None:
            raise ConnectionClosedError(endpoint_url=request.url)
        status, code = self.fault
        error: dict[str, Any] = {
            "__type": f"com.amazonaws.dynamodb.v20120810#{code.strip()}",
            "message": self.message,
        }
        if self.fault in CANCELLATION_REASONS:
            error["CancellationReasons"] = CANCELLATION_REASONS[self.fault]
        body = json.dumps(error)
        return AWSResponse(request.url, status, {"Content-Type": "application/x-amz-json-1.0"}, MockRawResponse(body))


def install(monkeypatch: pytest.MonkeyPatch, injectors: list[FaultInjector]) -> None:
    """Puts the injectors in front of moto until the test ends."""
    emulated = botocore_stubber.BotocoreStubber.__call__

    def faulty(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        for injector in injectors:
            if injector.matches(request):
                response = injector.failure(request)
                if response is not None:
                    return response
        return emulated(self, event_name, request, **kwargs)

    monkeypatch.setattr(botocore_stubber.BotocoreStubber, "__call__", faulty)
