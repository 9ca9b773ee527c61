"""What every benchmark shares: the template's resources in moto, the functions in-process, and
counters of the DynamoDB calls the store makes."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from typing import Any

from local.stack import EmulatedStack, emulated_stack
from shared.adapters.store import client as store

ADMIN_TOKEN = "bench-admin-token"
INDEX_NAME_POSITION = 6
"""Where moto's backend passes ``index_name`` to ``Table.query`` (positionally, after the hash key)."""
ADMIN = {"authorization": f"Bearer {ADMIN_TOKEN}", "content-type": "application/json"}


def query_partitions_directly() -> None:
    """moto answers a Query by sorting and filtering every item of the table; DynamoDB reads only
    the partition. The benchmarks count queries and items read, not moto's seconds, so the
    emulator is made to look up the partition first: same results, without the O(table) walk."""
    from moto.dynamodb.models.table import Table  # noqa: PLC0415 - emulator internals, benchmarks only

    if getattr(Table.query, "partition_first", False):
        return
    emulated_query = Table.query

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name") or (
            args[INDEX_NAME_POSITION] if len(args) > INDEX_NAME_POSITION else None
        )
        if index_name or hash_key is None or not self.range_key_attr:
            return emulated_query(self, hash_key, *args, **kwargs)
        partition = list(self.items.get(hash_key, {}).values())
        self.all_items = lambda: sorted(partition, key=lambda item: item.range_key)
        try:
            return emulated_query(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    query.partition_first = True  # type: ignore[attr-defined]
    Table.query = query  # type: ignore[method-assign]


def transact_without_copying_tables() -> None:
    """moto backs up every table a transaction names, item by item, before it writes, so that a
    failed transaction can be undone: each TransactWriteItems costs it O(table) time and memory
    (100,000 events: out of memory). DynamoDB does nothing of the kind, and the benchmarks count
    calls, so the backup is skipped; no transaction of a benchmark fails, so none is undone."""
    import moto.dynamodb.models as moto_models  # noqa: PLC0415
    from moto.dynamodb.models import table as moto_table  # noqa: PLC0415 - emulator internals, benchmarks only

    if getattr(getattr(moto_models, "copy", None), "tables_kept", False):
        return

    class KeepTables:
        tables_kept = True

        @staticmethod
        def deepcopy(value: Any) -> Any:
            return value if isinstance(value, moto_table.Table) else copy.deepcopy(value)

    setattr(moto_models, "copy", KeepTables)  # noqa: B010 - the module attribute moto reads


@contextmanager
def local_stack(parameter_overrides: dict[str, str] | None = None) -> Iterator[EmulatedStack]:
    """A fresh emulated stack, the one `make run` serves, with its logs quieter.

    The handlers' metrics are still written while measured, to nowhere: Powertools' ``single_metric``
    prints its EMF line whatever ``POWERTOOLS_METRICS_DISABLED`` says, and hundreds of them would
    bury the figures.
    """
    query_partitions_directly()
    transact_without_copying_tables()
    quiet = {"POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "ERROR"}
    with (
        open(os.devnull, "w", encoding="utf-8") as nowhere,
        redirect_stdout(nowhere),
        emulated_stack(parameter_overrides, admin_token=ADMIN_TOKEN, environment=quiet) as emulated,
    ):
        yield emulated


@dataclass
class CallCounter:
    """Counts the store's DynamoDB calls by operation, and the items its queries read."""

    calls: dict[str, int] = field(default_factory=dict)
    items_read: int = 0

    def before_call(self, event_name: str, **_: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        self.calls[operation] = self.calls.get(operation, 0) + 1

    def after_call(self, parsed: dict[str, Any], **_: Any) -> None:
        self.items_read += int(parsed.get("ScannedCount", 0))

    def reset(self) -> None:
        self.calls.clear()
        self.items_read = 0

    @classmethod
    def on_store(cls) -> CallCounter:
        counter = cls()
        events = store.dynamodb().meta.events
        events.register("before-call.dynamodb", counter.before_call)
        events.register("after-call.dynamodb.Query", counter.after_call)
        return counter
