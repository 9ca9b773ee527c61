"""docs/openapi.json is exactly what the code generates, and describes the API the template deploys.

After changing a route or a model: ``.venv/bin/python -m local.openapi``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from aws_lambda_powertools.event_handler.openapi.exceptions import OpenAPIMergeError

from local.openapi import ADMIN_SCHEME, DOCUMENT_PATH, INGEST_REQUESTS, build_document, merge, render
from local.template import LocalStack

REGENERATE = "docs/openapi.json is not what the code generates: run `.venv/bin/python -m local.openapi`"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_document()


def operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, by_method in document["paths"].items():
        for method, operation in by_method.items():
            yield f"{method.upper()} {path}", operation


def references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref":
                yield item
            else:
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def test_the_committed_document_is_what_the_code_generates(document: dict[str, Any]) -> None:
    assert DOCUMENT_PATH.read_text(encoding="utf-8") == render(document), REGENERATE


def test_it_documents_every_api_route_of_the_template(document: dict[str, Any]) -> None:
    # The page and its assets are left out on purpose (include_in_schema=False); PagerDuty's own
    # path (/v2/change/enqueue) is part of the API
    api_routes = {route.route_key for route in LocalStack({}).routes() if route.path.startswith(("/api/", "/v2/"))}
    assert {route_key for route_key, _ in operations(document)} == api_routes


def test_admin_routes_and_only_they_need_the_bearer_token(document: dict[str, Any]) -> None:
    scheme = document["components"]["securitySchemes"][ADMIN_SCHEME]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for route_key, operation in operations(document):
        expected: list[dict[str, list[str]]] | None = (
            None if route_key in LocalStack({}).public_route_keys() else [{ADMIN_SCHEME: []}]
        )
        assert operation.get("security") == expected, route_key


def test_ingest_routes_document_the_body_they_read_themselves(document: dict[str, Any]) -> None:
    for path, method in INGEST_REQUESTS:
        assert "application/json" in document["paths"][path][method]["requestBody"]["content"], path
    generic = document["components"]["schemas"]["GenericEventRequest"]
    assert {"integrationKey", "apiKey", "summary", "timestamp", "links", "customDetails"} <= set(generic["properties"])


def test_every_error_is_the_error_body_and_every_reference_resolves(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for route_key, operation in operations(document):
        assert "422" not in operation["responses"], route_key
        assert operation["responses"]["4XX"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
    referenced = {reference.removeprefix("#/components/schemas/") for reference in references(document)}
    assert referenced <= set(schemas)
    assert json.loads(render(document)) == document


def _document(schemas: dict[str, Any], paths: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"openapi": "3.1.0", "paths": paths or {}, "components": {"schemas": schemas}}


def test_two_different_schemas_of_one_name_are_an_error() -> None:
    # Given two resolvers that document different models under one name
    first = _document({"Link": {"type": "object", "properties": {"href": {"type": "string"}}}})
    second = _document({"Link": {"type": "object", "properties": {"url": {"type": "string"}}}})
    # When they are merged, Then the merge refuses rather than keep one of them
    with pytest.raises(ValueError, match="two different schemas are named 'Link'"):
        merge([first, second], "1.0.0")


def test_one_schema_documented_with_and_without_defaults_is_kept_as_first_documented() -> None:
    # Given one model documented as a response (no defaults) and as a request (with them)
    response = {"type": "object", "properties": {"text": {"type": "string"}}}
    request = {"type": "object", "properties": {"text": {"type": "string", "default": "none"}}}
    # When merged
    merged = merge([_document({"Link": response}), _document({"Link": request})], "1.0.0")
    # Then it is one schema, as it was first documented
    assert merged["components"]["schemas"] == {"Link": response}


def test_an_operation_served_by_two_functions_is_an_error() -> None:
    # Given two resolvers that both serve GET /api/health
    operation = {"get": {"responses": {"200": {"description": "ok"}}}}
    # When merged, Then Powertools' merge refuses
    with pytest.raises(OpenAPIMergeError, match="GET /api/health"):
        merge([_document({}, {"/api/health": operation}), _document({}, {"/api/health": dict(operation)})], "1.0.0")
