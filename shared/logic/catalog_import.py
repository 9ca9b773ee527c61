"""The import of a Backstage catalog into the service catalog (§17); apart from ``services`` so
that only the API function loads the YAML parser."""

from __future__ import annotations

from datetime import datetime

from shared.adapters.store import services as service_store
from shared.domain.backstage import ImportResult, SkippedEntity, services_of
from shared.domain.errors import PayloadTooLarge, UnsupportedMediaType
from shared.domain.names import service_key
from shared.domain.requests import RawRequest, check_size

MAX_CATALOG_BYTES = 1024 * 1024
YAML_MEDIA_TYPES = frozenset({"application/yaml", "text/yaml", "application/x-yaml", "text/x-yaml"})
"""``application/yaml`` is the registered type (RFC 9512); the others are what tools still send."""
MAX_IMPORTED_SERVICES = 5_000
"""Bounds an import's writes (50 transactions of 100) well inside the API's timeout."""
KEPT_BY_PUT = "defined with PUT /api/services/{name}; an import does not overwrite it (DELETE it first)"


def import_catalog(request: RawRequest, now: datetime) -> ImportResult:
    """A Backstage catalog replaces what the previous import wrote: its services are written,
    imported services it no longer names are removed, and services made by PUT are kept."""
    from shared.domain.yaml_documents import load_documents  # noqa: PLC0415 - PyYAML loads for an import, not every API start

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
    return ImportResult.of(len(written), len(removed), skipped)


def _check_media_type(request: RawRequest) -> None:
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type not in YAML_MEDIA_TYPES:
        sent = media_type or "missing"
        raise UnsupportedMediaType(f"Content-Type must be application/yaml or text/yaml, not {sent!r}")
