"""What the property tests share besides their strategies: a time budget, and outcomes as values."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from hypothesis import HealthCheck, settings

Result = TypeVar("Result")
Rejection = TypeVar("Rejection", bound=Exception)


def bounded(max_examples: int) -> settings:
    """No per-example deadline (a cold handler or moto can be slow once); fixtures are set up once
    per test on purpose (one pipeline serves every example), so that health check is off too."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def outcome_of(call: Callable[[], Result], rejection: type[Rejection]) -> Result | Rejection:
    """The call's result, or the rejection it raised; any other exception fails the test."""
    try:
        return call()
    except rejection as error:
        return error
