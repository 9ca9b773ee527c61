"""Every DynamoDB key of the table, built in one place.

Item types (the template documents the same list beside the table):

============================  =================================  ==========================
item                          PK                                 SK
============================  =================================  ==========================
pipeline                      ``PIPELINES``                      ``PIPELINE#<pipelineId>``
integration key -> pipeline   ``INTEGRATION_KEY#<sha256(key)>``  ``INTEGRATION_KEY``
team -> owned pipelines       ``TEAM_PIPELINES#<teamId>``        ``TEAM_PIPELINES``
deployment event (canonical)  ``EVENT#<eventId>``                ``EVENT``
event in the account bucket   ``ACCOUNT#DAY#<yyyy-mm-dd>``       ``<timestamp>#<eventId>``
event in a team bucket        ``TEAM#<teamId>#DAY#<yyyy-mm-dd>`` ``<timestamp>#<eventId>``
alert source (registry)       ``ALERT_SOURCE#<id>``              ``ALERT_SOURCE``
alert source (created)        ``ALERT_SOURCES``                  ``ALERT_SOURCE#<id>``
delivery log entry            ``DELIVERIES#<kind>#<ownerId>``    ``<receivedAt>#<random>``
notification of an alert      ``ALERT#<sourceId>#<alertId>``     ``NOTIFY#<targetId>``
integration key -> source     ``ALERT_SOURCE_KEY#<sha256(key)>`` ``ALERT_SOURCE_KEY`` (copy of the source)
escalation policy (registry)  ``ESCALATION_POLICY#<id>``         ``ESCALATION_POLICY``
enrichment of an alert        ``ALERT#<sourceId>#<alertId>``     ``ENRICHMENT``
alert id -> latest source     ``ALERT_LATEST#<alertId>``         ``ALERT_LATEST`` (source id, correlatedAt)
alerts of a source, a minute  ``ALERT_RATE#<id>#<yyyy-mm-ddThh:mm>`` ``ALERT_RATE`` (a counter)
service of the catalog        ``SERVICES``                       ``SERVICE#<casefolded name>``
alert listed under an owner   ``ALERT#<sourceId>#<alertId>``     ``LISTED#<listPK>``
verdict on an alert's change  ``ALERT#<sourceId>#<alertId>``     ``VERDICT#<eventId>`` (the one standing)
a verdict given or withdrawn  ``ALERT#<sourceId>#<alertId>``     ``VERDICT_HISTORY#<at>#<eventId>#<action>``
verdicts on an alert kind     ``FEEDBACK#<kind>``                ``EVENT#<eventId>`` (§17's ``FEEDBACK``)
alert group of a source       ``ALERT_GROUP#<id>#<groupKey>``    ``ALERT_GROUP`` (§18, versioned)
target's messages, a minute   ``NOTIFY_RATE#<targetId>#<minute>`` ``NOTIFY_RATE`` (count, folded)
============================  =================================  ==========================

An alert's partition is namespaced by the alert source it came through (§22): ``<sourceId>`` is
that source's id, which never holds ``#``, or empty for an alert that names no source
(``ALERT##<alertId>``), so the same alert id sent through two sources is two alerts.

The ``Listing`` index (``listPK`` / ``listSK`` = ``<timestamp>#<eventId>``) holds each event once
per owner: ``LIST#PIPELINE#<id>`` (on the canonical item), ``LIST#ACCOUNT`` (on the account copy)
and ``LIST#TEAM#<id>`` (on each team copy). It lists alerts the same way (§18), with ``listSK`` =
``<reportTime>#<sourceId>#<alertId>``: each alert's ``LISTED#`` items, in its own partition, put
it under ``LIST#ALERTS#ACCOUNT``, ``…#SOURCE#<id>``, ``…#SERVICE#<casefolded name>`` and
``…#TEAM#<id>``, again under ``LIST#LIKELY_ALERTS#…`` when it has a likely cause, and under
``LIST#CHANGE_ALERTS#<eventId>`` for each change it names.

§19's change histories have their keys in ``shared.domain.keys_history``.

Time buckets are UTC days: a correlation window of N days costs at most N + 2 queries per
partition (claiming team or account), however many events the table holds, and no partition
grows without bound.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from shared.domain.timestamps import isoformat

PIPELINES_PK = "PIPELINES"
PIPELINE_PREFIX = "PIPELINE#"


class ItemKey(NamedTuple):
    pk: str
    sk: str


def pipeline_key(pipeline_id: str) -> ItemKey:
    return ItemKey(PIPELINES_PK, f"{PIPELINE_PREFIX}{pipeline_id}")


def integration_key_lookup(integration_key_hash: str) -> ItemKey:
    """The copy of a pipeline under its key's hash, which intake reads (§7)."""
    return ItemKey(f"INTEGRATION_KEY#{integration_key_hash}", "INTEGRATION_KEY")


TEAM_PIPELINES_PREFIX = "TEAM_PIPELINES#"


def team_pipelines_key(team_id: str) -> ItemKey:
    return ItemKey(f"{TEAM_PIPELINES_PREFIX}{team_id}", "TEAM_PIPELINES")


def team_of_pipelines_pk(partition_key: str) -> str:
    """The team id a ``team_pipelines_key`` was built for."""
    return partition_key.removeprefix(TEAM_PIPELINES_PREFIX)


def event_key(event_id: str) -> ItemKey:
    return ItemKey(f"EVENT#{event_id}", "EVENT")


def time_bucket(moment: datetime) -> str:
    """The UTC day an instant falls in, as used in bucket partition keys."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def account_bucket_pk(bucket: str) -> str:
    return f"ACCOUNT#DAY#{bucket}"


def team_bucket_pk(team_id: str, bucket: str) -> str:
    return f"TEAM#{team_id}#DAY#{bucket}"


def timeline_sort_key(timestamp: datetime, event_id: str) -> str:
    """Sorts by time first (the ISO form is fixed-width); the id keeps equal times distinct."""
    return f"{isoformat(timestamp)}#{event_id}"


def timeline_keys(timestamp: datetime, event_id: str, team_ids: list[str]) -> list[ItemKey]:
    """Where one deployment event is written besides its canonical item: account, then teams."""
    bucket = time_bucket(timestamp)
    sort_key = timeline_sort_key(timestamp, event_id)
    keys = [ItemKey(account_bucket_pk(bucket), sort_key)]
    keys.extend(ItemKey(team_bucket_pk(team_id, bucket), sort_key) for team_id in dict.fromkeys(team_ids))
    return keys


LISTING_INDEX = "Listing"
"""The table's global secondary index of events by owner, newest first, for the overview (§8)."""
ACCOUNT_LISTING = "LIST#ACCOUNT"


def pipeline_listing(pipeline_id: str) -> str:
    return f"LIST#PIPELINE#{pipeline_id}"


def team_listing(team_id: str) -> str:
    return f"LIST#TEAM#{team_id}"


def listing_partitions(pipeline_id: str, team_ids: list[str]) -> list[str]:
    """The ``listPK`` of each item ``event_items`` writes, in its order: the canonical item lists
    the event under its pipeline, the account copy under the account, each team copy under its team.
    One partition per owner, bounded by retention (TTL), so a page costs one Query however sparse
    the events are over time."""
    return [pipeline_listing(pipeline_id), ACCOUNT_LISTING, *(team_listing(team) for team in dict.fromkeys(team_ids))]


def buckets_between(start: datetime, end: datetime) -> Iterator[str]:
    """The day buckets covering [start, end], newest first (the order results are read in)."""
    first: date = start.astimezone(UTC).date()
    day: date = end.astimezone(UTC).date()
    while day >= first:
        yield day.isoformat()
        day -= timedelta(days=1)


def sort_key_range(start: datetime, end: datetime) -> tuple[str, str]:
    """Inclusive SK bounds selecting the events timed within [start, end] in any bucket."""
    # "#" sorts before every id character and "~" after, so both bounds are inclusive.
    return f"{isoformat(start)}#", f"{isoformat(end)}#~"


ALERT_SOURCES_PK = "ALERT_SOURCES"
ALERT_SOURCE_PREFIX = "ALERT_SOURCE#"


def created_alert_source_key(alert_source_id: str) -> ItemKey:
    """An alert source created with a key (§11), listed in creation order."""
    return ItemKey(ALERT_SOURCES_PK, f"{ALERT_SOURCE_PREFIX}{alert_source_id}")


def alert_source_key_lookup(integration_key_hash: str) -> ItemKey:
    """The copy of an alert source under its key's hash, which intake reads (§7)."""
    return ItemKey(f"ALERT_SOURCE_KEY#{integration_key_hash}", "ALERT_SOURCE_KEY")


def delivery_log_pk(owner_kind: str, owner_id: str) -> str:
    """One partition per pipeline or alert source, kept to 7 days by TTL (§16)."""
    return f"DELIVERIES#{owner_kind}#{owner_id}"


def alert_source_key(alert_source_id: str) -> ItemKey:
    return ItemKey(f"ALERT_SOURCE#{alert_source_id}", "ALERT_SOURCE")


def escalation_policy_key(escalation_policy_id: str) -> ItemKey:
    return ItemKey(f"ESCALATION_POLICY#{escalation_policy_id}", "ESCALATION_POLICY")


NOTIFICATION_PREFIX = "NOTIFY#"
NO_ALERT_SOURCE = ""
"""The source part of the partition of an alert that names no source: no source id is empty."""


def alert_partition(alert_source_id: str | None, alert_id: str) -> str:
    """An alert's items, its enrichment and its notification claims, read together; under the
    source it came through, so one source cannot reach another's alert of the same id (§22)."""
    return f"ALERT#{alert_source_id or NO_ALERT_SOURCE}#{alert_id}"


def notification_key(alert_source_id: str | None, alert_id: str, target_id: str) -> ItemKey:
    return ItemKey(alert_partition(alert_source_id, alert_id), f"{NOTIFICATION_PREFIX}{target_id}")


def enrichment_key(alert_source_id: str | None, alert_id: str) -> ItemKey:
    return ItemKey(alert_partition(alert_source_id, alert_id), "ENRICHMENT")


VERDICT_PREFIX = "VERDICT#"
VERDICT_HISTORY_PREFIX = "VERDICT_HISTORY#"


def verdict_key(alert_source_id: str | None, alert_id: str, event_id: str) -> ItemKey:
    """The verdict standing on one change of an alert (§18), beside the alert's enrichment."""
    return ItemKey(alert_partition(alert_source_id, alert_id), f"{VERDICT_PREFIX}{event_id}")


def verdict_history_key(
    alert_source_id: str | None, alert_id: str, at: datetime, event_id: str, action: str
) -> ItemKey:
    """One verdict given or withdrawn, in time order after the standing ones."""
    sort_key = f"{VERDICT_HISTORY_PREFIX}{isoformat(at)}#{event_id}#{action}"
    return ItemKey(alert_partition(alert_source_id, alert_id), sort_key)


def feedback_pk(alert_kind: str) -> str:
    """Verdicts on the alerts of one kind (name and service, §17's ``FEEDBACK``): one partition,
    read with one Query per correlation, kept to the retention by TTL."""
    return f"FEEDBACK#{alert_kind}"


def feedback_key(alert_kind: str, event_id: str) -> ItemKey:
    return ItemKey(feedback_pk(alert_kind), f"EVENT#{event_id}")


def latest_alert_key(alert_id: str) -> ItemKey:
    """Which source's alert of this id was correlated last: what ``/api/alerts/{alertId}/…``
    means without ``?source=`` (§22)."""
    return ItemKey(f"ALERT_LATEST#{alert_id}", "ALERT_LATEST")


def minute_of(moment: datetime) -> datetime:
    """The UTC minute an instant falls in, as its first instant."""
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def alert_rate_key(alert_source_id: str, moment: datetime) -> ItemKey:
    """The counter of the alerts a source published in the minute of ``moment`` (§22)."""
    return ItemKey(f"ALERT_RATE#{alert_source_id}#{minute_of(moment):%Y-%m-%dT%H:%M}", "ALERT_RATE")


def alert_group_key(alert_source_id: str | None, group_key: str) -> ItemKey:
    """An Alertmanager or Grafana group of one source (§18): ``group_key`` is in id-safe form."""
    return ItemKey(f"ALERT_GROUP#{alert_source_id or NO_ALERT_SOURCE}#{group_key}", "ALERT_GROUP")


def notify_rate_key(target_id: str, moment: datetime) -> ItemKey:
    """The messages a target got in the minute of ``moment``, and the alerts folded (§18)."""
    return ItemKey(f"NOTIFY_RATE#{target_id}#{minute_of(moment):%Y-%m-%dT%H:%M}", "NOTIFY_RATE")


SERVICES_PK = "SERVICES"
SERVICE_PREFIX = "SERVICE#"
"""The service catalog (§17) is one partition: correlation reads all of it with one Query."""


def catalog_service_key(normalised_name: str) -> ItemKey:
    """A service under its name as compared (``shared.domain.catalog.service_key``), so that
    ``Payments`` and ``payments`` are one service."""
    return ItemKey(SERVICES_PK, f"{SERVICE_PREFIX}{normalised_name}")


LISTED_PREFIX = "LISTED#"
ALERT_LISTING_ACCOUNT = "ACCOUNT"


def alert_listing_owner(kind: str, owner_id: str) -> str:
    """An owner of alert listings (§18): ``SOURCE``, ``SERVICE`` or ``TEAM`` and its id."""
    return f"{kind}#{owner_id}"


def alert_listing(owner: str, *, likely: bool = False) -> str:
    """The ``listPK`` of an owner's alerts, newest first; the likely ones have their own partition,
    so that a page of them costs one Query however rare they are."""
    return f"LIST#{'LIKELY_ALERTS' if likely else 'ALERTS'}#{owner}"


def change_alerts_listing(event_id: str) -> str:
    """The ``listPK`` of the alerts that named a change (§18)."""
    return f"LIST#CHANGE_ALERTS#{event_id}"


def alert_listing_sort_key(report_time: datetime, alert_source_id: str | None, alert_id: str) -> str:
    """By the alert's onset first; the alert's address keeps equal times distinct."""
    return f"{isoformat(report_time)}#{alert_source_id or NO_ALERT_SOURCE}#{alert_id}"


def listed_alert_key(alert_source_id: str | None, alert_id: str, listing: str) -> ItemKey:
    """An alert's entry in one listing, kept in the alert's partition so that re-correlation finds
    (and replaces) all of them with one Query."""
    return ItemKey(alert_partition(alert_source_id, alert_id), f"{LISTED_PREFIX}{listing}")


def alert_listing_range(start: datetime, end: datetime) -> tuple[str, str]:
    """Inclusive ``listSK`` bounds selecting the alerts whose onset is within [start, end]."""
    # Every sort key of an instant starts "<instant>#"; "$" sorts right after "#", whatever follows.
    return f"{isoformat(start)}#", f"{isoformat(end)}$"
