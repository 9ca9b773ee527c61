"""The signed webhook target: the enrichment as published (§6)."""

from __future__ import annotations

from shared.domain.notifications.context import NotificationContext, OutboundRequest, json_body
from shared.domain.verifiers import hmac_sha256_hex


def webhook_request(context: NotificationContext, url: str, secret: str, event_id: str) -> OutboundRequest:
    """The enrichment as published, signed as ``EnrichmentWebhookUrl`` deliveries are (§6)."""
    body = json_body(context.enrichment.to_json_dict())
    headers = {
        "Content-Type": "application/json",
        "X-Signature-256": "sha256=" + hmac_sha256_hex(secret, body),
        "X-Event-Id": event_id,
    }
    return OutboundRequest("POST", url, headers, body)
