"""Cutting a list of sized items into groups a service takes at once, in order: by count and by
bytes, as both PutEvents (10 entries, 256 KB) and DynamoDB transactions (100 items, 4 MB) limit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence


def batched(sizes: Sequence[int], max_count: int, max_bytes: int) -> Iterator[list[int]]:
    """The positions of ``sizes`` in groups of at most ``max_count`` items and ``max_bytes``
    bytes; an item larger than ``max_bytes`` alone is a group of its own (the caller refuses it)."""
    batch: list[int] = []
    batch_bytes = 0
    for index, size in enumerate(sizes):
        if batch and (len(batch) == max_count or batch_bytes + size > max_bytes):
            yield batch
            batch, batch_bytes = [], 0
        batch.append(index)
        batch_bytes += size
    if batch:
        yield batch
