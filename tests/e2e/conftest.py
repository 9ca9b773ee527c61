from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.runner import RunningSystem, running_system


@pytest.fixture(scope="session")
def system() -> Iterator[RunningSystem]:
    """One local runner for the e2e session, started as `make run` starts it."""
    with running_system() as running:
        yield running
