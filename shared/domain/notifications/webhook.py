"""The signed webhook target: the enrichment as published (§6)."""

from __future__ import annotations

from shared.domain.notifications.context import NotificationContext, OutboundRequest, json_body
from shared.domain.verifiers import hmac_sha256_hex


def webhook_request(context: NotificationContext, url: str, secret: str, event_id: str) -> OutboundRequest:
    """The enrichment as published, signed as ``EnrichmentWebhookUrl`` deliveries are (§6); a
    group's message (§18) adds ``group``: its key, how many alerts and their first summaries."""
    payload = context.enrichment.to_json_dict()
    if context.group is not None:
        payload["group"] = context.group.to_json_dict()
    body = json_body(payload)
    headers = {
        "Content-Type": "application/json",
        "X-Signature-256": "sha256=" + hmac_sha256_hex(secret, body),
        "X-Event-Id": event_id,
    }
    return OutboundRequest("POST", url, headers, body)
