"""The service catalog (§17): services written one by one, and the whole catalog as a graph for
correlation. The Backstage import is ``catalog_import``, so that correlation loads no YAML parser."""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError

from shared.adapters.store import services as service_store
from shared.domain.catalog import Catalog, Service, ServiceRequest
from shared.domain.errors import InvalidField, NotFound, problems_from


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
