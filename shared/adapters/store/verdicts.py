"""Verdicts as stored (§18): the one standing per change of an alert, beside its enrichment; every
verdict given or withdrawn, in time order; and per alert kind, the changes responders judged,
which later correlations read with one Query (§17's ``FEEDBACK``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from botocore.exceptions import ClientError

from shared.adapters.store.client import (
    cancellation_codes,
    dynamodb,
    expires_at,
    get_item,
    is_transaction_cancelled,
    key,
    query_items,
    storage_call,
    table,
    to_item,
    write_if,
)
from shared.adapters.store.enrichments import mark_judged
from shared.domain import keys
from shared.domain.errors import Busy, NotFound
from shared.domain.models.alerts import AlertAddress
from shared.domain.models.verdicts import Verdict, VerdictChange, VerdictKind

Action = Literal["given", "withdrawn"]
WITHDRAW_ATTEMPTS = 3


def _verdict_values(verdict: Verdict) -> dict[str, Any]:
    return {
        "eventId": verdict.event_id,
        "verdict": verdict.verdict.value,
        "author": verdict.author,
        "givenAt": verdict.given_at.isoformat(),
        "note": verdict.note,
    }


def _history_put(alert: AlertAddress, verdict: Verdict, action: Action, at: datetime, kept_from: datetime) -> Any:
    item_key = keys.verdict_history_key(*alert, at, verdict.event_id, action)
    values = {**_verdict_values(verdict), "recordType": "verdictHistory", "action": action, "at": at.isoformat()}
    return {
        "Put": {
            "TableName": table(),
            "Item": {**key(item_key), **to_item(values | {"expiresAt": expires_at(kept_from)})},
        }
    }


@storage_call
def give(alert: AlertAddress, verdict: Verdict, kept_from: datetime) -> None:
    """The verdict standing on its change (replacing one given before), its history entry and the
    enrichment marked as judged, in one transaction; kept as long as the alert's enrichment
    (``kept_from``). ``NotFound`` when the enrichment is gone (expired) meanwhile."""
    standing = {**_verdict_values(verdict), "recordType": "verdict", "expiresAt": expires_at(kept_from)}
    operations = [
        {
            "Put": {
                "TableName": table(),
                "Item": {**key(keys.verdict_key(*alert, verdict.event_id)), **to_item(standing)},
            }
        },
        _history_put(alert, verdict, "given", verdict.given_at, kept_from),
        mark_judged(*alert),
    ]
    try:
        dynamodb().transact_write_items(TransactItems=operations)
    except ClientError as error:
        if is_transaction_cancelled(error) and "ConditionalCheckFailed" in cancellation_codes(error):
            raise NotFound(f"alert {alert.alert_id!r} has not been correlated") from error
        raise


@storage_call
def withdraw(alert: AlertAddress, event_id: str, now: datetime, kept_from: datetime) -> Verdict | None:
    """Removes the verdict standing on the change and records that it was withdrawn; None when
    none stands. Conditional on the verdict read, so that the history names the verdict removed
    even when another was given meanwhile (it is read again)."""
    for _ in range(WITHDRAW_ATTEMPTS):
        values = get_item(keys.verdict_key(*alert, event_id))
        if values is None:
            return None
        verdict = _verdict(values)
        delete = {
            "Delete": {
                "TableName": table(),
                "Key": key(keys.verdict_key(*alert, event_id)),
                "ConditionExpression": "givenAt = :given",
                "ExpressionAttributeValues": to_item({":given": values["givenAt"]}),
            }
        }
        try:
            dynamodb().transact_write_items(
                TransactItems=[delete, _history_put(alert, verdict, "withdrawn", now, kept_from)]
            )
        except ClientError as error:
            if is_transaction_cancelled(error) and "ConditionalCheckFailed" in cancellation_codes(error):
                continue
            raise
        return verdict
    raise Busy("the verdict kept changing while it was withdrawn; try again")


def _verdict(values: dict[str, Any]) -> Verdict:
    return Verdict.model_validate(values)


@storage_call
def standing(alert: AlertAddress) -> list[Verdict]:
    """The verdicts standing on the alert's changes: one Query of its partition."""
    found = query_items(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
        ExpressionAttributeValues=to_item({":pk": keys.alert_partition(*alert), ":prefix": keys.VERDICT_PREFIX}),
        ConsistentRead=True,
    )
    return [_verdict(values) for values in found]


@storage_call
def all_of(alert: AlertAddress) -> tuple[list[Verdict], list[VerdictChange]]:
    """The standing verdicts and the history, oldest first: one Query (``VERDICT#`` sorts
    just before ``VERDICT_HISTORY#``)."""
    standing_now: list[Verdict] = []
    history: list[VerdictChange] = []
    for values in query_items(
        KeyConditionExpression="PK = :pk AND begins_with(SK, :prefix)",
        ExpressionAttributeValues=to_item({":pk": keys.alert_partition(*alert), ":prefix": "VERDICT"}),
        ConsistentRead=True,
    ):
        if values.get("recordType") == "verdictHistory":
            history.append(VerdictChange.model_validate(values))
        else:
            standing_now.append(_verdict(values))
    return standing_now, history


@storage_call
def note_feedback(alert_kind: str, alert: AlertAddress, verdict: Verdict, kept_from: datetime) -> None:
    """Remembers, for later alerts of the same kind, how a responder judged this change."""
    item = {
        **key(keys.feedback_key(alert_kind, verdict.event_id)),
        **to_item(
            {
                "recordType": "feedback",
                "eventId": verdict.event_id,
                "verdict": verdict.verdict.value,
                "alertPartition": keys.alert_partition(*alert),
                "expiresAt": expires_at(kept_from),
            }
        ),
    }
    dynamodb().put_item(TableName=table(), Item=item)


@storage_call
def forget_feedback(alert_kind: str, alert: AlertAddress, event_id: str) -> None:
    """Forgets a withdrawn verdict, unless an alert of the same kind judged the change since."""
    write_if(
        dynamodb().delete_item,
        Key=key(keys.feedback_key(alert_kind, event_id)),
        ConditionExpression="alertPartition = :partition",
        ExpressionAttributeValues=to_item({":partition": keys.alert_partition(*alert)}),
    )


@storage_call
def feedback_of(alert_kind: str) -> dict[str, VerdictKind]:
    """How responders judged changes on alerts of this kind, by change id: one Query."""
    found = query_items(
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues=to_item({":pk": keys.feedback_pk(alert_kind)}),
        ProjectionExpression="eventId, verdict",
    )
    return {str(values["eventId"]): VerdictKind(str(values["verdict"])) for values in found}
