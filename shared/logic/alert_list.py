"""Alerts, listed (§18): the alerts newest first, filtered, paged by an opaque cursor as the
overview's events (§8), and the alerts that named one change.

Each filter reads one owner's partition of the Listing index (a team's, a service's, a source's or
the account's; the likely ones apart), so a page costs one Query whatever the retention; a second
filter beside the first is matched on that partition's entries, as the overview's pipeline is.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from shared.adapters.store import alert_list as listing_store
from shared.domain import keys
from shared.domain.errors import BadRequest
from shared.domain.models.alert_list import AlertOfChange, AlertPage, AlertsOfChangePage, ListedAlert
from shared.domain.names import service_key
from shared.domain.timestamps import FUTURE_TOLERANCE
from shared.logic.overview import DEFAULT_PAGE_SIZE, EARLIEST, cursor_after, get_event, resume_key

LATEST = datetime(9999, 1, 1, tzinfo=UTC)
OWNER_ID = re.compile(r"[^#]{1,128}")


def _owner_id(value: str | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    if not OWNER_ID.fullmatch(value):
        raise BadRequest(f"{name}: is not a {name} id")
    return value


def _service_name(service: str | None) -> str | None:
    """The name as the listing keeps it: compared without case, as the catalog's (§17)."""
    return service_key(service) if service and service.strip() else None


def _listing_of(team_id: str | None, service: str | None, source_id: str | None) -> tuple[str, dict[str, str]]:
    """The owner whose partition is read (team, else service, else source, else the account) and
    the other filters, matched on its entries."""
    filters = {"teamIds": team_id, "service": service, "alertSourceId": source_id}
    if team_id:
        owner, attribute = keys.alert_listing_owner("TEAM", team_id), "teamIds"
    elif service:
        owner, attribute = keys.alert_listing_owner("SERVICE", service), "service"
    elif source_id:
        owner, attribute = keys.alert_listing_owner("SOURCE", source_id), "alertSourceId"
    else:
        return keys.ALERT_LISTING_ACCOUNT, {}
    return owner, {name: value for name, value in filters.items() if value and name != attribute}


def list_alerts(
    *,
    now: datetime,
    team_id: str | None = None,
    service: str | None = None,
    source_id: str | None = None,
    likely: bool = False,
    start: datetime | None = None,
    end: datetime | None = None,
    max_results: int = DEFAULT_PAGE_SIZE,
    cursor: str | None = None,
) -> AlertPage:
    """Newest alerts first (by ``reportTime``), of one owner's listing."""
    if start is not None and end is not None and start > end:
        raise BadRequest("from: must not be later than until")
    owner, matching = _listing_of(_owner_id(team_id, "team"), _service_name(service), _owner_id(source_id, "source"))
    resume = resume_key(cursor) if cursor else None
    lower, upper = keys.alert_listing_range(start or EARLIEST, end or now + FUTURE_TOLERANCE)
    page = listing_store.query_listed(
        keys.alert_listing(owner, likely=likely),
        lower,
        upper,
        limit=max_results,
        resume_after=resume,
        matching=matching,
    )
    items = [
        ListedAlert.model_validate_json(item["alert"]).model_copy(update={"verdicts": int(item.get("verdicts", 0))})
        for item in page.items
    ]
    return AlertPage(items=items, next_cursor=cursor_after(page.resume_after) if page.resume_after else None)


def alerts_of_change(
    event_id: str, *, max_results: int = DEFAULT_PAGE_SIZE, cursor: str | None = None
) -> AlertsOfChangePage:
    """The alerts that named a deployment event, newest first, each with the change's score; 404
    for an event that is not stored."""
    get_event(event_id)
    resume = resume_key(cursor) if cursor else None
    lower, upper = keys.alert_listing_range(EARLIEST, LATEST)
    partition = keys.change_alerts_listing(event_id)
    page = listing_store.query_listed(partition, lower, upper, limit=max_results, resume_after=resume)
    items = [AlertOfChange.model_validate_json(item["alert"]) for item in page.items]
    return AlertsOfChangePage(items=items, next_cursor=cursor_after(page.resume_after) if page.resume_after else None)
