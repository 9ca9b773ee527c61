"""Delivering enrichments to the optional ``EnrichmentWebhookUrl`` (SPEC §6), signed and retried.

A delivery that still fails after these retries raises, so Lambda retries the invocation and
then puts the event in the webhook's dead-letter queue: nothing is dropped silently.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from functools import cache
from typing import Any

import urllib3
from aws_lambda_powertools.utilities import parameters
from urllib3.util.retry import Retry

from shared.settings import webhook_settings

RETRIED_STATUSES = (408, 425, 429, 500, 502, 503, 504)
USER_AGENT = "deployment-events-webhook/1"
SECRET_MAX_AGE_SECONDS = 300


class WebhookDeliveryFailed(Exception):
    """The receiver did not take the enrichment; Lambda's retries and the dead-letter queue follow."""


def signature(secret: str, body: bytes) -> str:
    """``X-Signature-256``: as GitHub signs its webhooks, so receivers can reuse their code."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


@cache
def _http() -> urllib3.PoolManager:
    retries = Retry(
        total=3,
        backoff_factor=0.5,
        status_forcelist=RETRIED_STATUSES,
        allowed_methods=frozenset({"POST"}),
        raise_on_status=False,
    )
    return urllib3.PoolManager(retries=retries, timeout=urllib3.Timeout(connect=3.0, read=10.0))


def deliver(url: str, secret: str, enrichment: dict[str, Any], event_id: str) -> int:
    body = json.dumps(enrichment, separators=(",", ":")).encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Signature-256": signature(secret, body),
        "X-Event-Id": event_id,
    }
    try:
        response = _http().request("POST", url, body=body, headers=headers)
    except urllib3.exceptions.HTTPError as error:
        raise WebhookDeliveryFailed(f"POST {url} failed: {error}") from error
    if not 200 <= response.status < 300:
        raise WebhookDeliveryFailed(f"POST {url} answered {response.status} after retries")
    return response.status


def deliver_enrichment(enrichment: dict[str, Any], event_id: str) -> int:
    """POSTs an ``Alert Enriched`` body as published, signed with the configured secret."""
    configured = webhook_settings()
    secret = parameters.get_parameter(
        configured.enrichment_webhook_secret_parameter, decrypt=True, max_age=SECRET_MAX_AGE_SECONDS
    )
    return deliver(configured.enrichment_webhook_url, str(secret), enrichment, event_id)
