"""The API's one OpenAPI document, merged by Powertools' ``OpenAPIMerge`` from the resolvers of the
functions that serve it.

Powertools generates a document per resolver, but several functions serve the API (ingest,
alert intake, api, web). Each handler module is loaded by path, as the local gateway loads it,
with the environment the template gives it; ``OpenAPIMerge`` merges their documents (an operation
served by two functions is an error), and ``local.openapi_additions`` adds what Powertools cannot
see. ``OpenAPIMerge`` keeps the last of two schemas of one name: here the first is kept, and two
different schemas under one name are an error, since one of the routes would be documented wrongly.

``python -m local.openapi`` writes ``docs/openapi.json``; a unit test fails when that file is not
what this module generates, so the document cannot drift from the code.
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from collections.abc import Iterable
from typing import Any
from unittest import mock

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge

from local.gateway import load_handler
from local.openapi_additions import (
    ADMIN_SCHEME,
    INGEST_REQUESTS,
    SCHEMA_REF,
    document_intake_requests,
    document_responses,
    secure_admin_routes,
)
from local.template import REPOSITORY_ROOT, Function, LocalStack
from shared.domain.models.deployments import GenericEventRequest

__all__ = ["ADMIN_SCHEME", "DOCUMENT_PATH", "INGEST_REQUESTS", "build_document", "render"]

DOCUMENT_PATH = REPOSITORY_ROOT / "docs" / "openapi.json"
TITLE = "Deployment events"
DESCRIPTION = (
    "Deployment pipelines, events from GitHub, GitLab and a generic API, and the deployments related to an alert. "
    "See README.md."
)


def _resolver_of(function: Function) -> APIGatewayHttpResolver:
    """The ``app`` of a fresh instance of the function's handler module, loaded as the gateway does."""
    handler = load_handler(function)
    resolver = getattr(sys.modules[handler.__module__], "app", None)
    if not isinstance(resolver, APIGatewayHttpResolver):
        raise TypeError(f"{function.module_path} has no APIGatewayHttpResolver named 'app'")
    return resolver


def resolver_documents(stack: LocalStack) -> list[dict[str, Any]]:
    """Powertools' document of each function that serves a route of the template, in template order."""
    functions = stack.functions()
    serving = dict.fromkeys(route.function for route in stack.routes())
    with mock.patch.dict(os.environ, stack.environment()):
        return [json.loads(_resolver_of(functions[name]).get_openapi_json_schema()) for name in serving]


def intake_request_schemas() -> dict[str, Any]:
    """A document of schemas only: the generic API's body, which its route reads itself."""
    schema = GenericEventRequest.model_json_schema(by_alias=True, ref_template=SCHEMA_REF)
    return {"components": {"schemas": {**schema.pop("$defs", {}), "GenericEventRequest": schema}}}


def _without_defaults(schema: Any) -> Any:
    """Powertools documents a response model without its fields' defaults, pydantic a request
    model with them: one model used both ways (``Link``) is the same schema but for those."""
    if isinstance(schema, dict):
        return {key: _without_defaults(value) for key, value in schema.items() if key != "default"}
    if isinstance(schema, list):
        return [_without_defaults(item) for item in schema]
    return schema


def first_of_each_schema(documents: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The documents, each without the schemas an earlier one named already; two different schemas
    of one name are an error rather than a silent choice (``OpenAPIMerge`` would keep the last)."""
    seen: dict[str, Any] = {}
    kept = []
    for document in documents:
        components = document.get("components", {})
        schemas = {}
        for name, schema in components.get("schemas", {}).items():
            known = seen.setdefault(name, schema)
            if _without_defaults(known) != _without_defaults(schema):
                raise ValueError(f"two different schemas are named {name!r}")
            if known is schema:
                schemas[name] = schema
        kept.append({**document, "components": {**components, "schemas": schemas}})
    return kept


def merge(documents: list[dict[str, Any]], version: str) -> dict[str, Any]:
    """One document with every operation and schema; an operation served twice
    (``OpenAPIMergeError``) or two different schemas of one name (``ValueError``) is an error."""
    merger = OpenAPIMerge(title=TITLE, version=version, description=DESCRIPTION, on_conflict="error")
    for document in first_of_each_schema(documents):
        merger.add_schema(document)
    return merger.get_openapi_schema()


def project_version() -> str:
    with (REPOSITORY_ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def build_document() -> dict[str, Any]:
    document = merge([*resolver_documents(LocalStack({})), intake_request_schemas()], project_version())
    document_intake_requests(document)
    document_responses(document)
    secure_admin_routes(document)
    return document


def render(document: dict[str, Any]) -> str:
    """The file's exact text, so that a test can compare it byte for byte."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    DOCUMENT_PATH.parent.mkdir(exist_ok=True)
    DOCUMENT_PATH.write_text(render(build_document()), encoding="utf-8")
    print(f"wrote {DOCUMENT_PATH.relative_to(REPOSITORY_ROOT)}")


if __name__ == "__main__":
    main()
