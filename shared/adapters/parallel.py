"""Independent reads at once: a correlation window or a page of the overview touches several
partitions, and waiting for each query in turn would add their latencies."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

Result = TypeVar("Result")
MAX_WORKERS = 16


def run_all(calls: Sequence[Callable[[], Result]]) -> list[Result]:
    """Results in the order of ``calls``; one call runs on the caller's thread."""
    if len(calls) <= 1:
        return [call() for call in calls]
    with ThreadPoolExecutor(max_workers=min(len(calls), MAX_WORKERS)) as executor:
        return list(executor.map(lambda call: call(), calls))
