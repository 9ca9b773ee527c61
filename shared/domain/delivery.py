"""§19's delivery performance: the shape of a report, and DORA's bands.

The bands are the performance clusters of DORA's *Accelerate State of DevOps Report 2023*
(https://dora.dev/research/2023/dora-report/, summarised at
https://octopus.com/blog/software-delivery-performance-clusters-2023). The report gives each
cluster a range for the two speed metrics and the recovery time, and one typical value for the
change fail rate (elite 5 %, high 10 %, medium 15 %, low 64 %): here a cluster's value is the
highest rate of its band. DORA publishes no cluster for the rework rate (added in 2024), so its
band is always none, with that reason.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from shared.domain.models.common import ApiModel, UtcTime

MAX_SAMPLE_IDS = 100
MINUTES_PER_DAY = 24 * 60
REWORK_BAND_REASON = "DORA publishes no performance clusters for the rework rate"


class Band(StrEnum):
    ELITE = "elite"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class _StatedValue(ApiModel):
    """§19 answers ``value: null`` where there is too little data: the value is never left out."""

    @model_serializer(mode="wrap")
    def _omit_missing_values(self, serialize: SerializerFunctionWrapHandler) -> dict[str, object]:
        values: dict[str, object] = serialize(self)
        return {name: value for name, value in values.items() if value is not None or name == "value"}


class WeekPoint(_StatedValue):
    """One week of a metric's series: the same definition on that week's deployments."""

    start: UtcTime
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None


class Metric(_StatedValue):
    """One figure: its value and what it is made of, or ``value: null`` with the reason."""

    value: float | None = None
    unit: str
    numerator: float | None = None
    denominator: float | None = None
    sample_ids: list[str] = Field(default_factory=list, max_length=MAX_SAMPLE_IDS)
    method: str
    band: Band | None = None
    band_reason: str | None = None
    reason: str | None = None
    series: list[WeekPoint] = Field(default_factory=list)


class DeploymentFrequency(Metric):
    median_hours_between: float | None = None
    """The median time between two successive successful deployments."""


class DeliveryReport(ApiModel):
    """The answer of ``GET /api/insights/delivery``."""

    service: str | None = None
    team: str | None = None
    pipeline: str | None = None
    environment: str
    start: UtcTime = Field(serialization_alias="from")
    until: UtcTime
    deployments: int
    deployment_frequency: DeploymentFrequency
    change_lead_time: Metric
    change_fail_rate: Metric
    failed_deployment_recovery_time: Metric
    rework_rate: Metric


def _by_upper_bounds(bounds: tuple[float, float, float]) -> Callable[[float], Band]:
    """A band for a figure where less is better: at most the first bound is elite, and so on."""

    def band(value: float) -> Band:
        for limit, named in zip(bounds, (Band.ELITE, Band.HIGH, Band.MEDIUM), strict=True):
            if value <= limit:
                return named
        return Band.LOW

    return band


def frequency_band(per_day: float) -> Band:
    """Elite: on demand (daily or more); high: between daily and weekly; medium: between weekly
    and monthly; low: less often."""
    if per_day >= 1:
        return Band.ELITE
    if per_day >= 1 / 7:
        return Band.HIGH
    if per_day >= 1 / 30:
        return Band.MEDIUM
    return Band.LOW


lead_time_band = _by_upper_bounds((MINUTES_PER_DAY, 7 * MINUTES_PER_DAY, 30 * MINUTES_PER_DAY))
"""In minutes. Elite: less than a day; high: up to a week; medium: up to a month; low: longer."""
change_fail_band = _by_upper_bounds((0.05, 0.10, 0.15))
"""A fraction. Each cluster's published rate is the highest of its band."""
recovery_band = _by_upper_bounds((60, MINUTES_PER_DAY, 7 * MINUTES_PER_DAY))
"""In minutes. Elite: up to an hour; high: up to a day; medium: up to a week; low: longer."""
