"""The DynamoDB client and what every aggregate's store module shares: one client per container,
item (de)serialisation and size, the mapping of "not now" errors to a retryable ``Busy`` and of
"never" (an invalid or oversized item) to the client's 413 or 422."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from functools import cache, wraps
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from shared.domain import keys
from shared.domain.errors import Busy, Conflict, InvalidField, PayloadTooLarge
from shared.settings import store_settings

if TYPE_CHECKING:
    from botocore.client import BaseClient

RETRIES = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=3, read_timeout=10)
"""botocore's standard retry mode, bounded timeouts: shared by every AWS client of ours."""
UNAVAILABLE = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionConflictException",
        "TransactionInProgressException",
    }
)
"""Errors that mean "not now" rather than "never": the caller answers 503 and the sender retries."""
UNAVAILABLE_CANCELLATIONS = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded", "TransactionConflict"})
"""Reasons a transaction is cancelled that say nothing about the data, only about the moment."""
ITEM_LIMIT = 400 * 1024
"""DynamoDB's largest item: attribute names and values, in UTF-8."""
TRANSACTION_LIMIT = 4 * 1024 * 1024
"""DynamoDB's largest transaction: the items it writes, together."""
Params = ParamSpec("Params")
Returned = TypeVar("Returned")
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


@cache
def dynamodb() -> BaseClient:
    """One client per container; botocore's standard retry mode absorbs throttling."""
    return boto3.client("dynamodb", config=RETRIES)


def reset_client() -> None:
    """Tests and the local runner start a new emulated AWS; the next call makes a new client."""
    dynamodb.cache_clear()


class WriteConflict(Exception):
    """Another transaction touched the same item at the same moment; reading again and retrying settles it."""


def storage_call(function: Callable[Params, Returned]) -> Callable[Params, Returned]:
    """DynamoDB being throttled or down, after botocore's retries, becomes a retryable ``Busy``."""

    @wraps(function)
    def call(*args: Params.args, **kwargs: Params.kwargs) -> Returned:
        try:
            return function(*args, **kwargs)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in UNAVAILABLE or (is_transaction_cancelled(error) and cancelled_for_the_moment(error)):
                raise Busy("the store is busy or unavailable; nothing was stored, retry") from error
            if code == "ValidationException" or "ValidationError" in cancellation_codes(error):
                raise _refused(error) from error
            raise
        except BotoCoreError as error:
            raise Busy("the store could not be reached; nothing was stored, retry") from error

    return call


def _refused(error: ClientError) -> PayloadTooLarge | InvalidField:
    """DynamoDB refused what a client sent (retrying cannot help): too large is a 413, anything
    else a 422. Its message is not repeated, since it may quote the values."""
    reasons = [error.response.get("Error", {}).get("Message", "")]
    reasons.extend(reason.get("Message", "") for reason in error.response.get("CancellationReasons", []))
    if any("size" in reason.lower() for reason in reasons):
        return PayloadTooLarge("the body's stored form is larger than the store takes; nothing was stored")
    return InvalidField("the body's values cannot be stored; nothing was stored")


def item_size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it against its limits: attribute names plus values."""
    return sum(len(name.encode("utf-8", "surrogatepass")) + _value_size(value) for name, value in item.items())


def _value_size(value: dict[str, Any]) -> int:
    """A typed value's size; a number is counted at its upper bound (a byte per two digits, plus one)."""
    ((kind, content),) = value.items()
    if kind == "M":
        return 3 + sum(1 + item_size({name: element}) for name, element in content.items())
    if kind == "L":
        return 3 + sum(1 + _value_size(element) for element in content)
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: element}) for element in content)
    if kind == "N":
        return len(content) // 2 + 2
    if kind in ("S", "B"):
        return len(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    return 1


def check_fits(items: list[dict[str, Any]]) -> None:
    """Refuses (413) items that DynamoDB would refuse for their size, before anything is written:
    each item at most 400 KB, and together, as one transaction, at most 4 MB."""
    sizes = [item_size(item) for item in items]
    if max(sizes, default=0) > ITEM_LIMIT:
        raise PayloadTooLarge(
            f"the body would be stored as an item of {max(sizes) // 1024} KiB; the store takes at most "
            f"{ITEM_LIMIT // 1024} KiB"
        )
    if sum(sizes) > TRANSACTION_LIMIT:
        raise PayloadTooLarge(
            f"the body would be stored as {len(sizes)} copies of {sum(sizes) // 1024} KiB in all (one per owner); "
            f"the store takes at most {TRANSACTION_LIMIT // 1024} KiB at once"
        )


def table() -> str:
    return store_settings().table_name


def expires_at(moment: datetime) -> int:
    """The TTL attribute: retention counted from ``moment``."""
    return int((moment + timedelta(days=store_settings().retention_days)).timestamp())


def to_item(values: dict[str, Any]) -> dict[str, Any]:
    """Plain values in DynamoDB's typed form (items, keys, expression values); None is left out."""
    return {name: _serializer.serialize(value) for name, value in values.items() if value is not None}


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in item.items()}


def key(item_key: keys.ItemKey) -> dict[str, Any]:
    return to_item({"PK": item_key.pk, "SK": item_key.sk})


def cancellation_codes(error: ClientError) -> list[str]:
    return [reason.get("Code", "None") for reason in error.response.get("CancellationReasons", [])]


def is_transaction_cancelled(error: ClientError) -> bool:
    return bool(error.response.get("Error", {}).get("Code") == "TransactionCanceledException")


def cancelled_for_the_moment(error: ClientError) -> bool:
    """A cancellation by throttling or a concurrent transaction, not by one of our conditions."""
    codes = set(cancellation_codes(error))
    return bool(codes & UNAVAILABLE_CANCELLATIONS) and "ConditionalCheckFailed" not in codes


def write_if(operation: Callable[..., Any], **request: Any) -> bool:
    """Runs a conditional single-item write; False when its condition did not hold."""
    try:
        operation(TableName=table(), **request)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise
    return True


def get_item(item_key: keys.ItemKey) -> dict[str, Any] | None:
    """One strongly consistent GetItem, deserialised; None when the item does not exist."""
    response = dynamodb().get_item(TableName=table(), Key=key(item_key), ConsistentRead=True)
    item = response.get("Item")
    return from_item(item) if item else None


def query_pages(**request: Any) -> Iterator[dict[str, Any]]:
    """The pages of one Query of our table, each request resuming where the last stopped."""
    pages: Iterator[dict[str, Any]] = dynamodb().get_paginator("query").paginate(TableName=table(), **request)
    return pages


def query_items(**request: Any) -> Iterator[dict[str, Any]]:
    """Every item one Query of our table selects, deserialised, page after page."""
    for page in query_pages(**request):
        yield from (from_item(item) for item in page["Items"])


def batch_get(item_keys: list[keys.ItemKey], projection: str | None = None) -> list[dict[str, Any]]:
    """BatchGetItem in chunks of 100, following unprocessed keys; items in no particular order."""
    found: list[dict[str, Any]] = []
    unique = list(dict.fromkeys(item_keys))
    for start in range(0, len(unique), 100):
        request: dict[str, Any] = {"Keys": [key(item_key) for item_key in unique[start : start + 100]]}
        request["ConsistentRead"] = True
        if projection:
            request["ProjectionExpression"] = projection
        pending: dict[str, Any] = {table(): request}
        while pending:
            response = dynamodb().batch_get_item(RequestItems=pending)
            found.extend(from_item(item) for item in response.get("Responses", {}).get(table(), []))
            pending = response.get("UnprocessedKeys") or {}
    return found


def write_transaction(operations: list[dict[str, Any]], *, busy: str, conflict: str) -> None:
    """One transaction: 409 (``conflict``) only when one of its conditions failed (someone wrote in
    between); a throttled or conflicting transaction changed nothing and is worth retrying as it
    is (503, ``busy``)."""
    try:
        dynamodb().transact_write_items(TransactItems=operations)
    except ClientError as error:
        if not is_transaction_cancelled(error):
            raise
        if cancelled_for_the_moment(error):
            raise Busy(busy) from error
        raise Conflict(conflict) from error
