"""A request as its sender's bytes: signatures are computed over the raw body, never a parsed one.

The checks every intake makes of a body, each with its §3 status: size (413), content type
(415), the header naming the event (400), JSON (400).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from shared.domain.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from shared.domain.strict_json import parse_json

MAX_BODY_BYTES = 256 * 1024
JSON_CONTENT = "json"
FORM_CONTENT = "form"


@dataclass(frozen=True)
class RawRequest:
    body: bytes
    headers: Mapping[str, str]
    """Lower-case names, as API Gateway's HTTP API passes them."""


def header_value(headers: Mapping[str, str], name: str) -> str:
    """A header by its lower-case name, whatever case the client (or a test) sent it in."""
    return next((value for key, value in headers.items() if key.lower() == name), "")


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


def required_header(request: RawRequest, name: str) -> str:
    """A header the sender must set, by its name as documented (``X-GitHub-Event``)."""
    value = request.headers.get(name.lower(), "").strip()
    if not value:
        raise BadRequest(f"the {name} header is missing")
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


def read_payload(request: RawRequest, content: str) -> dict[str, Any]:
    """The body as the JSON object it carries, sent as JSON or (GitHub) as a form."""
    return form_payload(request.body) if content == FORM_CONTENT else parse_json_object(request.body)
