"""A request as its sender's bytes: signatures are computed over the raw body, never a parsed one.

The checks every intake route makes before its own, in SPEC §3's order: size (413), content type
(415), then, after the key and the signature, JSON (400).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from shared.domain.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from shared.http.strict_json import parse_json

MAX_BODY_BYTES = 256 * 1024
JSON_CONTENT = "json"
FORM_CONTENT = "form"


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


def check_size(request: RawRequest, limit: int = MAX_BODY_BYTES) -> None:
    if len(request.body) > limit:
        raise PayloadTooLarge(f"the body is larger than {limit // 1024} KiB")


def content_kind(request: RawRequest, *, allow_form: bool) -> str:
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json")):
        return JSON_CONTENT
    if allow_form and media_type == "application/x-www-form-urlencoded":
        return FORM_CONTENT
    accepted = "application/json or application/x-www-form-urlencoded" if allow_form else "application/json"
    raise UnsupportedMediaType(f"Content-Type must be {accepted}, not {media_type or 'missing'!r}")


def required_header(request: RawRequest, name: str, display_name: str) -> str:
    value = request.headers.get(name, "").strip()
    if not value:
        raise BadRequest(f"the {display_name} header is missing")
    return value


def parse_json_object(body: bytes) -> dict[str, Any]:
    """Strict JSON (see ``parse_json``) in valid UTF-8, with an object at the top."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the body is not valid UTF-8") from None
    value = parse_json(text)
    if not isinstance(value, dict):
        raise BadRequest("the body must be a JSON object")
    return value


def form_payload(body: bytes) -> dict[str, Any]:
    """GitHub's form encoding carries the JSON in the ``payload`` field."""
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=100)
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("the form body is not valid URL-encoded UTF-8") from None
    payload = fields.get("payload")
    if not payload:
        raise BadRequest("the form body has no 'payload' field")
    return parse_json_object(payload[0].encode("utf-8", "surrogateescape"))
