"""A request as its sender's bytes: signatures are computed over the raw body, never a parsed one."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver


@dataclass(frozen=True)
class RawRequest:
    body: bytes
    headers: Mapping[str, str]
    """Lower-case names, as API Gateway's HTTP API passes them."""


def raw_request(app: APIGatewayHttpResolver) -> RawRequest:
    """The current request's body exactly as sent (API Gateway base64-encodes binary bodies)."""
    event = app.current_event
    body = event.body or ""
    raw = base64.b64decode(body) if event.is_base64_encoded else body.encode("utf-8", "surrogateescape")
    headers = {name.lower(): value for name, value in (event.headers or {}).items()}
    return RawRequest(body=raw, headers=headers)
