"""What every HTTP handler shares: the resolver, JSON bodies, admin routing and error responses.

Errors become responses here, in one place: domain errors get the status §3 gives them,
request validation becomes 400 (query, path, unreadable body) or 422 (a field of the body).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from functools import partial
from typing import Annotated, Any
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.shared.json_encoder import Encoder
from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import AfterValidator

from shared.domain.errors import (
    BadRequest,
    DomainError,
    InvalidField,
    Unauthorized,
    UnsupportedMediaType,
    problems_from,
)
from shared.domain.requests import header_value
from shared.domain.strict_json import dumps, parse_json
from shared.logic.access import is_admin
from shared.observability import logger
from shared.settings import access_settings

PathParameter = Annotated[str, AfterValidator(unquote), Path()]
"""A path segment as the client meant it. Powertools routes on the raw path and would hand over
``a%20b`` for ``a b``; API Gateway's own ``pathParameters`` are decoded, and so are these."""


def json_response(status_code: int, body: object, headers: Mapping[str, str] | None = None) -> Response[str]:
    return Response(
        status_code=status_code,
        content_type=content_types.APPLICATION_JSON,
        body=dumps(body),
        headers=dict(headers or {}),
    )


def _domain_error(error: DomainError) -> Response[str]:
    if error.status_code >= 500:
        logger.warning("request not served", extra={"code": error.code, "reason": error.message})
    return json_response(error.status_code, error.to_body(), error.headers)


def _validation_error(error: RequestValidationError) -> Response[str]:
    errors = list(error.errors())
    unreadable_body = any(
        item.get("type") in ("json_invalid", "model_attributes_type", "dict_type")
        or tuple(item.get("loc", ())) == ("body",)
        for item in errors
    )
    outside_body = any(tuple(item.get("loc", ("body",)))[:1] != ("body",) for item in errors)
    problems = problems_from(errors)
    if unreadable_body:
        return _domain_error(BadRequest("the body must be a JSON object"))
    if outside_body:
        return _domain_error(BadRequest("; ".join(f"{p.field}: {p.message}" for p in problems), problems))
    return _domain_error(InvalidField.of_many(problems))


def _unreadable_body(_: Exception) -> Response[str]:
    return _domain_error(BadRequest("the body is not readable JSON (invalid UTF-8, or nested too deeply)"))


def _unsupported_content_type(_: RequestUnsupportedContentType) -> Response[str]:
    """``APPLICATION/JSON`` passes the check in ``resolve`` (media types are case-insensitive) but not
    Powertools' own; it would answer without a ``message``, where ours has the shape of every error."""
    return _domain_error(UnsupportedMediaType("Content-Type must be application/json"))


def create_resolver() -> APIGatewayHttpResolver:
    """An HTTP API resolver with validation (and so an OpenAPI document) and our error mapping;
    answers keep numbers as short as their senders wrote them (``1e15``, not ``1000000000000000.0``)."""
    app = APIGatewayHttpResolver(
        enable_validation=True, json_body_deserializer=parse_json, serializer=partial(dumps, encoder=Encoder)
    )
    app.exception_handler(DomainError)(_domain_error)
    app.exception_handler(RequestValidationError)(_validation_error)
    app.exception_handler(RequestUnsupportedContentType)(_unsupported_content_type)
    app.exception_handler([UnicodeDecodeError, RecursionError])(_unreadable_body)
    return app


def base_url(event: BaseProxyEvent) -> str:
    """Where this API is reachable, for the integration URLs shown to users."""
    configured = access_settings().public_base_url
    if configured:
        return configured.rstrip("/")
    headers = {name.lower(): value for name, value in (event.headers or {}).items()}
    scheme = headers.get("x-forwarded-proto", "https")
    host = (event.get("requestContext") or {}).get("domainName") or headers.get("host", "localhost")
    return f"{scheme}://{host}"


def _is_json_or_unlabelled(event: dict[str, Any]) -> bool:
    """Admin bodies are JSON (README), or carry no Content-Type, which Powertools reads as JSON.

    Powertools would also parse forms and multipart bodies, and its multipart parser raises a
    bare ValueError (a 500) when the boundary is missing; other types are refused before it runs.
    """
    media_type = header_value(event.get("headers") or {}, "content-type").split(";", 1)[0].strip().lower()
    return not event.get("body") or media_type in ("", content_types.APPLICATION_JSON)


def _rejection(error: DomainError, headers: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A rejection before routing, as the Lambda result API Gateway turns into the response."""
    return {
        "statusCode": error.status_code,
        "headers": {"Content-Type": content_types.APPLICATION_JSON, **(headers or {})},
        "body": json.dumps(error.to_body()),
    }


def resolve(app: APIGatewayHttpResolver, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Routes a request of a public function (ingest, the page): integration keys, signatures
    and raw bodies are checked by the routes themselves (``shared.logic.intake``)."""
    return app.resolve(event, context)


def resolve_admin(
    app: APIGatewayHttpResolver,
    event: dict[str, Any],
    context: LambdaContext,
    raw_body_routes: Collection[str] = (),
    key_routes: Collection[str] = (),
) -> dict[str, Any]:
    """Authenticates the admin token, and checks the body is JSON, before anything else reads the
    request; then routes it. ``raw_body_routes`` (route keys, ``POST /api/services/import``) read
    and check a body of another type themselves; ``key_routes`` also take an ``integrationKey``
    query parameter instead of the token, which the route checks (``admin`` in the router's context)."""
    admin = is_admin(event.get("headers") or {})
    keyed = event.get("routeKey") in key_routes and "integrationKey" in (event.get("queryStringParameters") or {})
    if not admin and not keyed:
        unauthorized = Unauthorized("Authorization: Bearer <admin token> is required")
        return _rejection(unauthorized, {"WWW-Authenticate": "Bearer"})
    app.context["admin"] = admin
    if event.get("routeKey") not in raw_body_routes and not _is_json_or_unlabelled(event):
        return _rejection(UnsupportedMediaType("Content-Type must be application/json"))
    return app.resolve(event, context)
