"""SQS event sources to Lambda, emulated: a function fed by a queue (``Events: Type: SQS``) gets
each message as Lambda hands it over, ``{"Records": [...]}``, once its delay is over. A message
whose invocation failed is left in the queue and comes back after its visibility timeout."""

from __future__ import annotations

import threading
import traceback
import uuid
from dataclasses import dataclass
from typing import Any

import boto3

from local.gateway import FunctionPool
from local.template import LOCAL_REGION, LocalStack


@dataclass(frozen=True)
class QueueSource:
    function: str
    queue_url: str
    queue_arn: str


def queue_sources(stack: LocalStack, queue_urls: dict[str, str]) -> list[QueueSource]:
    """Each function's SQS event sources, with the queue's local URL."""
    by_arn = {stack.arn(logical_id): logical_id for logical_id in stack.resources_of_type("AWS::SQS::Queue")}
    sources = []
    for function, resource in stack.resources_of_type("AWS::Serverless::Function").items():
        for event in resource["Properties"].get("Events", {}).values():
            if event["Type"] == "SQS":
                arn = str(stack.resolve(event["Properties"]["Queue"]))
                sources.append(QueueSource(function, queue_urls[by_arn[arn]], arn))
    return sources


class QueueConsumer:
    """Polls each SQS event source's queue and invokes its function, one message at a time."""

    def __init__(self, sources: list[QueueSource], pools: dict[str, FunctionPool]) -> None:
        self._sources = sources
        self._pools = pools
        self._sqs = boto3.client("sqs", region_name=LOCAL_REGION)
        self._stopping = threading.Event()

    def start(self) -> None:
        for source in self._sources:
            threading.Thread(target=self._drain, args=(source,), name=f"queue-{source.function}", daemon=True).start()

    def stop(self) -> None:
        self._stopping.set()

    def _drain(self, source: QueueSource) -> None:
        while not self._stopping.is_set():
            if not self.deliver_pending(source):
                self._stopping.wait(0.5)

    def deliver_pending(self, source: QueueSource) -> int:
        """Delivers the messages whose delay is over; how many were taken."""
        messages = self._sqs.receive_message(QueueUrl=source.queue_url, MaxNumberOfMessages=1).get("Messages", [])
        for message in messages:
            try:
                self._pools[source.function].invoke(_event_of(message, source), str(uuid.uuid4()))
            except Exception:  # noqa: BLE001 - left in the queue: it comes back after its visibility timeout
                traceback.print_exc()
                continue
            self._sqs.delete_message(QueueUrl=source.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)


def _event_of(message: dict[str, Any], source: QueueSource) -> dict[str, Any]:
    """The event Lambda's SQS poller builds for one message."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "0",
                    "SenderId": "local",
                    "ApproximateFirstReceiveTimestamp": "0",
                },
                "messageAttributes": {},
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": source.queue_arn,
                "awsRegion": LOCAL_REGION,
            }
        ]
    }
