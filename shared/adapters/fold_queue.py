"""The delay queue of folded notifications (§18): a message per target and minute, delivered to
the fold function once the minute is over (SQS ``DelaySeconds``, at most 15 minutes)."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

import boto3

from shared.adapters.store.client import RETRIES
from shared.settings import notify_settings

if TYPE_CHECKING:
    from botocore.client import BaseClient

MAX_DELAY_SECONDS = 900


@cache
def sqs() -> BaseClient:
    return boto3.client("sqs", config=RETRIES)


@cache
def queue_url() -> str:
    """``FOLD_QUEUE_URL``: the queue's URL in AWS (``!Ref``); the local runner gives its name."""
    configured = notify_settings().fold_queue_url
    if configured.startswith(("https://", "http://")):
        return configured
    return str(sqs().get_queue_url(QueueName=configured)["QueueUrl"])


def reset_client() -> None:
    sqs.cache_clear()
    queue_url.cache_clear()


def schedule_flush(target_id: str, minute: datetime, delay_seconds: int) -> None:
    """Hands the target's minute to the fold function after ``delay_seconds``."""
    body = json.dumps({"targetId": target_id, "minute": minute.isoformat()})
    delay = max(0, min(MAX_DELAY_SECONDS, delay_seconds))
    sqs().send_message(QueueUrl=queue_url(), MessageBody=body, DelaySeconds=delay)
