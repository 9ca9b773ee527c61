"""The current request as its sender's bytes, taken from Powertools' event: what every intake
route hands to the logic, which checks it (``shared.domain.requests``)."""

from __future__ import annotations

import base64

from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

from shared.domain.requests import RawRequest


def raw_request(app: BaseRouter) -> RawRequest:
    """The current request's body exactly as sent (API Gateway base64-encodes binary bodies)."""
    event = app.current_event
    body = event.body or ""
    raw = base64.b64decode(body) if event.is_base64_encoded else body.encode("utf-8", "surrogateescape")
    headers = {name.lower(): value for name, value in (event.headers or {}).items()}
    return RawRequest(body=raw, headers=headers)
