"""The keys of §19's change histories: every change of one service and environment, in time order.

============================  =================================  ==========================
item                          PK                                 SK
============================  =================================  ==========================
change in its history         ``EVENT#<eventId>``                ``HISTORY``
============================  =================================  ==========================

The item is a copy of the event, written with it, listed in the ``Listing`` index under
``LIST#HISTORY#SERVICE#<service>#<environment>`` (a change that names its service) or
``LIST#HISTORY#REPOSITORY#<repository>#<environment>`` (one that names only its repository: a push,
a merge, a deployment without a service), sorted like the overview (``<timestamp>#<eventId>``).
Names are in their compared form (``shared.domain.names``), a long one as its SHA-256; a change
without an environment is under the empty one. Detecting a rollback reads the previous deployments of one service and
environment, a lead time the commits of one repository, and a delivery report a service's window:
each one Query on a partition that holds that service's (or repository's) changes only, bounded
by retention (TTL), never the table.
"""

from __future__ import annotations

import hashlib

from shared.domain.keys import ItemKey
from shared.domain.names import environment_key, repository_key, service_key

HISTORY_SORT_KEY = "HISTORY"
MAX_NAME_BYTES = 256
"""Longer names (facts take up to 512 characters) are listed under their SHA-256, so that a
partition key stays within the index's 2,048 bytes; so are names holding ``#``, so that no
service and environment pair reads as another."""


def _bounded(name: str) -> str:
    encoded = name.encode("utf-8", "surrogatepass")
    if len(encoded) <= MAX_NAME_BYTES and "#" not in name:
        return name
    return f"sha256:{hashlib.sha256(encoded).hexdigest()}"


def history_key(event_id: str) -> ItemKey:
    return ItemKey(f"EVENT#{event_id}", HISTORY_SORT_KEY)


def service_history(service: str, environment: str | None) -> str:
    """The ``listPK`` of one service's changes in one environment."""
    return f"LIST#HISTORY#SERVICE#{_bounded(service_key(service))}#{_bounded(environment_key(environment) or '')}"


def repository_history(repository: str, environment: str | None) -> str:
    """The ``listPK`` of the changes that name a repository but no service."""
    repository_part = _bounded(repository_key(repository))
    return f"LIST#HISTORY#REPOSITORY#{repository_part}#{_bounded(environment_key(environment) or '')}"


def history_of(service: str | None, repository: str | None, environment: str | None) -> str | None:
    """The history a change belongs to: its service's, else its repository's, else none."""
    if service and service.strip():
        return service_history(service, environment)
    if repository and repository_key(repository):
        return repository_history(repository, environment)
    return None
