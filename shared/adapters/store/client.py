"""The DynamoDB client and what every aggregate's store module shares: one client per container,
item (de)serialisation, and the mapping of "not now" errors to a retryable ``Busy``."""

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
from shared.domain.errors import Busy
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
            raise
        except BotoCoreError as error:
            raise Busy("the store could not be reached; nothing was stored, retry") from error

    return call


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
