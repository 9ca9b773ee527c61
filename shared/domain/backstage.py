"""A Backstage catalog (``catalog-info.yaml``) read as services of the catalog (§17).

Each ``Component`` or ``Resource`` entity becomes the service ``metadata.name``: its
``spec.dependsOn`` entity references its dependencies (by entity name), its ``spec.owner`` its
team, and the ``github.com/project-slug`` and ``gitlab.com/project-slug`` annotations its
repositories. Everything else is skipped with a reason the importer can act on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import Field, ValidationError

from shared.domain.catalog import Service, ServiceRequest
from shared.domain.errors import problems_from
from shared.domain.models.common import ApiModel
from shared.domain.names import service_key

SERVICE_KINDS = frozenset({"component", "resource"})
"""Backstage compares kinds without regard to case."""
REPOSITORY_ANNOTATIONS = ("github.com/project-slug", "gitlab.com/project-slug")
BACKSTAGE_FIELDS = {"dependsOn": "spec.dependsOn", "teams": "spec.owner", "repositories": "metadata.annotations"}
"""Where each field of a service comes from, to name it in a skip's reason."""
QUOTED_LENGTH = 64
"""A value quoted in a reason is cut to this: the answer stays small whatever was sent."""


class SkippedEntity(ApiModel):
    name: str | None = None
    reason: str


MAX_SKIPS_SHOWN = 1_000
"""A megabyte of empty documents would otherwise be an answer larger than Lambda can return."""


class ImportResult(ApiModel):
    """The answer of ``POST /api/services/import``: the first 1,000 skips, and how many there were."""

    imported: int
    removed: int = 0
    skipped: list[SkippedEntity] = Field(default_factory=list)
    skipped_count: int = 0

    @classmethod
    def of(cls, imported: int, removed: int, skipped: list[SkippedEntity]) -> ImportResult:
        return cls(imported=imported, removed=removed, skipped=skipped[:MAX_SKIPS_SHOWN], skipped_count=len(skipped))


def entity_name(reference: str) -> str:
    """``component:default/payments``, ``component:payments`` and ``payments`` all name ``payments``."""
    _, _, without_kind = reference.rpartition(":")
    return without_kind.rpartition("/")[2].strip()


def _quoted(value: object) -> str:
    text = value if isinstance(value, str) else type(value).__name__
    return repr(text[:QUOTED_LENGTH] + ("…" if len(text) > QUOTED_LENGTH else ""))


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _name_of(metadata: Mapping[str, Any]) -> str | None:
    name = metadata.get("name")
    if not isinstance(name, str):
        return None
    try:
        return ServiceRequest.model_validate({"aliases": [name]}).aliases[0]
    except ValidationError:
        return None


def _references(value: object) -> list[str] | None:
    """A list of entity references as names; ``None`` when it is not a list of strings."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return [entity_name(item) for item in value]


def _request_of(entity: Mapping[str, Any]) -> ServiceRequest | str:
    """The service an entity describes, or why it cannot be one."""
    spec = _mapping(entity.get("spec"))
    depends_on = _references(spec.get("dependsOn"))
    if depends_on is None:
        return "spec.dependsOn must be a list of entity references"
    owner = spec.get("owner")
    if owner is not None and not isinstance(owner, str):
        return "spec.owner must be an entity reference"
    annotations = _mapping(_mapping(entity.get("metadata")).get("annotations"))
    repositories = [annotations[name] for name in REPOSITORY_ANNOTATIONS if isinstance(annotations.get(name), str)]
    teams = [{"id": entity_name(owner)}] if owner and entity_name(owner) else []
    try:
        return ServiceRequest.model_validate({"dependsOn": depends_on, "teams": teams, "repositories": repositories})
    except ValidationError as error:
        problems = problems_from(error.errors())
        return "; ".join(
            f"{BACKSTAGE_FIELDS.get(problem.field.split('.')[0], problem.field)}: {problem.message}"
            for problem in problems
        )


def services_of(documents: list[Any], now: datetime) -> tuple[list[Service], list[SkippedEntity]]:
    """The services the documents describe, each name once (as compared), and what was skipped."""
    services: dict[str, Service] = {}
    skipped: list[SkippedEntity] = []
    for position, document in enumerate(documents, start=1):
        if document is None:
            continue
        entity = _mapping(document)
        kind = entity.get("kind")
        name = _name_of(_mapping(entity.get("metadata")))
        where = f"document {position}"
        if not entity:
            skipped.append(SkippedEntity(reason=f"{where}: not an entity (a mapping with kind and metadata)"))
        elif not isinstance(kind, str) or kind.casefold() not in SERVICE_KINDS:
            reason = f"{where}: kind {_quoted(kind)} is not a service; only Component and Resource are imported"
            skipped.append(SkippedEntity(name=name, reason=reason))
        elif name is None:
            skipped.append(SkippedEntity(reason=f"{where}: {kind} without a valid metadata.name (1 to 128 characters)"))
        elif service_key(name) in services:
            skipped.append(SkippedEntity(name=name, reason=f"{where}: another entity of this import has this name"))
        else:
            request = _request_of(entity)
            if isinstance(request, str):
                skipped.append(SkippedEntity(name=name, reason=f"{where}: {request}"))
            else:
                values = {**request.model_dump(), "name": name, "imported": True, "updated_at": now}
                services[service_key(name)] = Service.model_validate(values)
    return list(services.values()), skipped
