"""The service catalog (§17): services written one by one or imported from Backstage, and the
whole catalog as a graph for correlation."""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError

from shared.adapters.store import services as service_store
from shared.domain.backstage import ImportResult, SkippedEntity, services_of
from shared.domain.catalog import Catalog, Service, ServiceRequest, service_key
from shared.domain.errors import InvalidField, NotFound, PayloadTooLarge, UnsupportedMediaType, problems_from
from shared.domain.requests import RawRequest, check_size
from shared.domain.yaml_documents import load_documents

MAX_CATALOG_BYTES = 1024 * 1024
YAML_MEDIA_TYPES = frozenset({"application/yaml", "text/yaml", "application/x-yaml", "text/x-yaml"})
"""``application/yaml`` is the registered type (RFC 9512); the others are what tools still send."""
MAX_IMPORTED_SERVICES = 5_000
"""Bounds an import's writes (50 transactions of 100) well inside the API's timeout."""
KEPT_BY_PUT = "defined with PUT /api/services/{name}; an import does not overwrite it (DELETE it first)"


def _checked_name(name: str) -> str:
    """A name as the path gave it, within the rules of a service's name, or a 422."""
    try:
        return Service.model_validate({"name": name}).name
    except ValidationError as error:
        raise InvalidField.of_many(problems_from(error.errors())) from None


def put_service(name: str, request: ServiceRequest, now: datetime) -> Service:
    """Creates or replaces a service; one written by PUT is the user's, which imports keep."""
    service = Service.model_validate({**request.model_dump(), "name": _checked_name(name), "updated_at": now})
    service_store.put(service)
    return service


def get_service(name: str) -> Service:
    found = service_store.get(name) if _is_possible(name) else None
    if found is None:
        raise NotFound(f"no service named {name[:128]!r}")
    return found


def delete_service(name: str) -> None:
    if not (_is_possible(name) and service_store.delete(name)):
        raise NotFound(f"no service named {name[:128]!r}")


def _is_possible(name: str) -> bool:
    """Names longer than 128 characters, or blank, cannot be stored: such a name is unknown."""
    return 0 < len(name.strip()) <= 128


def list_services(start_index: int, max_results: int) -> list[Service]:
    return service_store.page(start_index, max_results)


def load_catalog() -> Catalog:
    """The whole catalog, for one correlation: one Query of its partition (a second only past
    1 MB of services). Not cached: a service written a moment ago counts at once."""
    return Catalog(service_store.all_services())


def import_catalog(request: RawRequest, now: datetime) -> ImportResult:
    """A Backstage catalog replaces what the previous import wrote: its services are written,
    imported services it no longer names are removed, and services made by PUT are kept."""
    check_size(request, MAX_CATALOG_BYTES)
    _check_media_type(request)
    imported, skipped = services_of(load_documents(request.body), now)
    if len(imported) > MAX_IMPORTED_SERVICES:
        raise PayloadTooLarge(f"the catalog has {len(imported):,} services; an import takes at most 5,000")
    stored = {service_key(service.name): service for service in service_store.all_services()}
    written = []
    for service in imported:
        previous = stored.get(service_key(service.name))
        if previous is not None and not previous.imported:
            skipped.append(SkippedEntity(name=service.name, reason=KEPT_BY_PUT))
        else:
            written.append(service)
    names = {service_key(service.name) for service in imported}
    removed = [service.name for key, service in stored.items() if service.imported and key not in names]
    service_store.replace_imported(written, removed)
    return ImportResult(imported=len(written), removed=len(removed), skipped=skipped)


def _check_media_type(request: RawRequest) -> None:
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type not in YAML_MEDIA_TYPES:
        sent = media_type or "missing"
        raise UnsupportedMediaType(f"Content-Type must be application/yaml or text/yaml, not {sent!r}")
