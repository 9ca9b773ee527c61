"""The keys of §21's forwards: each accepted change's claim on each forwarder, beside the change.

============================  =================================  ==========================
item                          PK                                 SK
============================  =================================  ==========================
forward of a change           ``EVENT#<eventId>``                ``FORWARD#<forwarderId>``
failed tag of its annotation  ``EVENT#<eventId>``                ``FORWARD#<forwarderId>#FAILED``
its annotation's end          ``EVENT#<eventId>``                ``FORWARD#<forwarderId>#END#<ms>``
============================  =================================  ==========================

A forward is claimed, renewed and settled as §13's notifications are (its holder, its lease, its
attempts); a Grafana forward keeps the annotation's id and time, which the later ``failed`` tag and
a later state's end (the annotation made a region, once per end) edit.
A change's forwards are one Query on its own partition.
"""

from __future__ import annotations

from shared.domain.keys import ItemKey, event_key

FORWARD_PREFIX = "FORWARD#"
FAILED_SUFFIX = "#FAILED"
END_MARK = "#END#"


def change_partition(event_id: str) -> str:
    return event_key(event_id).pk


def forward_key(event_id: str, forwarder_id: str) -> ItemKey:
    return ItemKey(change_partition(event_id), f"{FORWARD_PREFIX}{forwarder_id}")


def failed_tag_key(event_id: str, forwarder_id: str) -> ItemKey:
    return ItemKey(change_partition(event_id), f"{FORWARD_PREFIX}{forwarder_id}{FAILED_SUFFIX}")


def end_key(event_id: str, forwarder_id: str, ends_at_ms: int) -> ItemKey:
    return ItemKey(change_partition(event_id), f"{FORWARD_PREFIX}{forwarder_id}{END_MARK}{ends_at_ms}")
