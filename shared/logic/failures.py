"""§19 at ingest: each accepted change is judged against its history, and the failure and
remediation marks that follow are written onto every stored copy of the changes concerned.

What it reads is bounded whatever the table holds: the change's history (one partition of one
service, else repository, and environment), at most ``EARLIER_CHANGES`` changes of the
``LOOKBACK`` before the change and ``LATER_CHANGES`` of the ``LOOKBACK`` after it (two Queries),
and one GetItem when a ``fixes`` names an event outside that history. The later changes are
judged again too, so a change that arrives late corrects what was decided without it.
"""

from __future__ import annotations

import json
from datetime import timedelta

from shared.adapters.store import failures as failure_store
from shared.adapters.store.events import event_json
from shared.adapters.store.failures import StoredChange
from shared.domain import keys_history
from shared.domain.failures import Change, Marks, plan_marks
from shared.domain.models.deployments import DeploymentEvent
from shared.domain.models.failures import Failure, FailureDetection
from shared.logic.change_accepted import announce_failures
from shared.observability import count, logger
from shared.settings import hotfix_pattern

LOOKBACK = timedelta(days=30)
EARLIER_CHANGES = 50
LATER_CHANGES = 20
MARK_ATTEMPTS = 3
MAX_EVENT_ID_LENGTH = 128


def detect_failures(event: DeploymentEvent) -> None:
    """Judges the change just stored as ``event`` (and the changes after it); another writer
    that got in between means reading and judging again."""
    stored = StoredChange.of(event_json(event))
    for _ in range(MARK_ATTEMPTS):
        if _judged(stored):
            return
        current = failure_store.stored_change(event.id)
        if current is None:
            return
        stored = current
    count("FailureMarksConflicted")
    logger.warning("failure marks kept changing; left to the next change", extra={"id": event.id})


def _history_around(stored: StoredChange, partition: str) -> tuple[list[StoredChange], int]:
    """The history, oldest first, and where the change stands in it."""
    moment = stored.change.timestamp
    earlier = failure_store.history_changes(
        partition, moment - LOOKBACK, moment, limit=EARLIER_CHANGES + 1, newest_first=True
    )
    later = failure_store.history_changes(
        partition, moment, moment + LOOKBACK, limit=LATER_CHANGES + 1, newest_first=False
    )
    others = {entry.change.id: entry for entry in (*earlier, *later) if entry.change.id != stored.change.id}
    ordered = sorted([*others.values(), stored], key=lambda entry: (entry.change.timestamp, entry.change.id))
    return ordered, ordered.index(stored)


def _named_by(change: Change, fixes: str) -> bool:
    return change.id == fixes or (change.version or "").casefold() == fixes.casefold()


def _named_elsewhere(change: Change, history: list[StoredChange]) -> dict[str, StoredChange]:
    """The event a ``fixes`` names by id when it is not in this history (one GetItem)."""
    fixes = change.signals.fixes if change.signals else None
    could_be_an_id = fixes is not None and len(fixes) <= MAX_EVENT_ID_LENGTH and "#" not in fixes
    if fixes is None or not could_be_an_id or any(_named_by(entry.change, fixes) for entry in history):
        return {}
    found = failure_store.stored_change(fixes)
    return {fixes: found} if found is not None and found.change.timestamp <= change.timestamp else {}


def _judged(stored: StoredChange) -> bool:
    """One reading and one conditional write; False when another writer got in between."""
    change = stored.change
    facts = json.loads(stored.stored)
    partition = keys_history.history_of(facts.get("service"), facts.get("repository"), facts.get("environment"))
    history, position = _history_around(stored, partition) if partition else ([stored], 0)
    elsewhere = _named_elsewhere(change, history)
    by_id = {entry.change.id: entry for entry in (*elsewhere.values(), *history)}
    marks = plan_marks(
        [entry.change for entry in history],
        position,
        hotfix_pattern(),
        {change_id: entry.change for change_id, entry in elsewhere.items()},
    )
    if not marks:
        return True
    written = failure_store.write_marks([_marked(by_id[change_id], mark) for change_id, mark in marks.items()])
    if written:
        for mark in marks.values():
            if mark.failure is not None:
                count("FailedChangesDetected", detectedBy=mark.failure.detected_by.value)
        newly_failed = [key for key, mark in marks.items() if mark.failure and by_id[key].change.failure is None]
        announce_failures(newly_failed)
    return written


def _marked(entry: StoredChange, marks: Marks) -> tuple[str, DeploymentEvent]:
    event = DeploymentEvent.model_validate(json.loads(entry.stored))
    return entry.stored, event.model_copy(update={"failure": marks.failure, "remediates": marks.remediates})


def mark_verdict(event_id: str, *, caused: bool) -> None:
    """A ``CAUSED`` verdict (§18) marks the change failed unless a detection already stands;
    withdrawing it (or judging the change not related) removes only the verdict's failure."""
    for _ in range(MARK_ATTEMPTS):
        entry = failure_store.stored_change(event_id)
        if entry is None:
            return
        standing = entry.change.failure
        if caused and standing is None:
            marks = Marks(Failure(detected_by=FailureDetection.VERDICT), entry.change.remediates)
        elif not caused and standing is not None and standing.detected_by == FailureDetection.VERDICT:
            marks = Marks(None, entry.change.remediates)
        else:
            return
        if failure_store.write_marks([_marked(entry, marks)]):
            announce_failures([event_id] if marks.failure is not None else [])
            return
    count("FailureMarksConflicted")
