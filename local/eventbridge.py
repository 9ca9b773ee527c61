"""EventBridge rules to Lambda, emulated: the template's rules deliver bus events to functions.

Each rule's matching events land in a local queue (moto matches the rule's pattern); the
dispatcher invokes the rule's function with each, asynchronously as Lambda does: a failed
invocation is retried (``EventInvokeConfig.MaximumRetryAttempts``), then the event is kept in the
function's dead-letter queue.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import traceback
import uuid
from typing import Any

import boto3

from local.aws import CreatedResources, RuleTarget
from local.gateway import FunctionPool
from local.template import LOCAL_ACCOUNT_ID, LOCAL_REGION, LocalStack

RETRY_DELAYS_SECONDS = (0.2, 0.5)
"""Lambda waits about 1 and then 2 minutes between asynchronous retries; locally we do not."""


class RuleDispatcher:
    """EventBridge rule -> Lambda, asynchronously: retries, then the function's dead-letter queue."""

    def __init__(self, stack: LocalStack, resources: CreatedResources, pools: dict[str, FunctionPool]) -> None:
        self._targets = resources.rule_targets
        self._pools = pools
        self._functions = stack.functions()
        self._queue_urls = resources.queue_urls
        self._sqs = boto3.client("sqs", region_name=LOCAL_REGION)
        self._stopping = threading.Event()

    def start(self) -> None:
        for target in self._targets:
            threading.Thread(target=self._drain, args=(target,), name=f"rule-{target.rule_name}", daemon=True).start()

    def stop(self) -> None:
        self._stopping.set()

    def _take(self, target: RuleTarget) -> list[dict[str, Any]]:
        messages = self._sqs.receive_message(QueueUrl=target.queue_url, MaxNumberOfMessages=10).get("Messages", [])
        for message in messages:
            self._sqs.delete_message(QueueUrl=target.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return [json.loads(message["Body"]) for message in messages]

    def _drain(self, target: RuleTarget) -> None:
        while not self._stopping.is_set():
            events = self._take(target)
            for event in events:
                threading.Thread(target=self.deliver, args=(target, event), daemon=True).start()
            if not events:
                self._stopping.wait(0.02)

    def deliver_pending(self) -> int:
        """Delivers every waiting event, and those their functions put on the bus, in this thread."""
        delivered = 0
        while True:
            batch = [(target, event) for target in self._targets for event in self._take(target)]
            if not batch:
                return delivered
            for target, event in batch:
                self.deliver(target, event)
            delivered += len(batch)

    def deliver(self, target: RuleTarget, event: dict[str, Any]) -> None:
        event.setdefault("account", LOCAL_ACCOUNT_ID)
        function = self._functions[target.function]
        request_id = str(uuid.uuid4())
        for attempt in range(function.maximum_retry_attempts + 1):
            try:
                self._pools[target.function].invoke(event, request_id)
                return
            except Exception:  # noqa: BLE001 - an asynchronous invocation failed; Lambda retries it
                traceback.print_exc()
                if attempt < function.maximum_retry_attempts:
                    time.sleep(RETRY_DELAYS_SECONDS[min(attempt, len(RETRY_DELAYS_SECONDS) - 1)])
        if function.dead_letter_queue:
            self._sqs.send_message(QueueUrl=self._queue_urls[function.dead_letter_queue], MessageBody=json.dumps(event))
            sys.stderr.write(
                f"{target.function} failed {function.maximum_retry_attempts + 1} times; "
                f"the event is in {function.dead_letter_queue}\n"
            )
