"""The optional ``EnrichmentWebhookUrl`` (SPEC §6): each enrichment POSTed as published, signed
``X-Signature-256: sha256=<HMAC>`` as GitHub signs its webhooks, so receivers can reuse their code."""

from __future__ import annotations

import json
from typing import Any

from shared.adapters import outbound
from shared.adapters.secrets import secure_parameter
from shared.domain.signatures import hmac_sha256_hex
from shared.observability import tracer
from shared.settings import webhook_settings


def signed_headers(secret: str, body: bytes, event_id: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Signature-256": "sha256=" + hmac_sha256_hex(secret, body),
        "X-Event-Id": event_id,
    }


@tracer.capture_method(capture_response=False)
def deliver_enrichment(enrichment: dict[str, Any], event_id: str) -> int:
    configured = webhook_settings()
    secret = secure_parameter(configured.enrichment_webhook_secret_parameter)
    body = json.dumps(enrichment, separators=(",", ":")).encode("utf-8")
    return outbound.post(configured.enrichment_webhook_url, body, signed_headers(secret, body, event_id))
