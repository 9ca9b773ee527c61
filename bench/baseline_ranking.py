"""The ranking §17 replaced ("labels first, then newest"), kept as the benchmark's baseline so
that every figure of the new model is printed beside the old behaviour on the same cases.

It is §5's step 5 as it stood: deployments matching more of the alert's labels first, then the
newest; a score that mixes the matches with recency across the window. It always names its first
change.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.domain.correlation import Plan
from shared.domain.models.alerts import Alert
from shared.domain.models.deployments import DeploymentEvent

MATCHED_LABELS = ("repository", "service", "environment", "version")


def label_matches(alert: Alert, event: DeploymentEvent) -> list[str]:
    """The labels of the alert this deployment matches, compared case-insensitively."""

    def same(label: str, value: str | None) -> bool:
        wanted = alert.labels.get(label)
        return bool(wanted) and value is not None and str(wanted).casefold() == value.casefold()

    repository_name = event.repository.rstrip("/").rsplit("/", 1)[-1] if event.repository else None
    matched = [label for label, value in (("repository", event.repository),) if same(label, value)]
    if same("service", event.service) or same("service", repository_name):
        matched.append("service")
    matched += [
        label for label, value in (("environment", event.environment), ("version", event.version)) if same(label, value)
    ]
    return matched


def rank(alert: Alert, candidates: Iterable[DeploymentEvent], plan: Plan, max_related: int) -> list[tuple[str, float]]:
    """(event id, score), the most relevant first, as the old enrichment listed them."""
    unique = {event.id: event for event in candidates if plan.start <= event.timestamp <= plan.end}.values()
    labels_asked = sum(1 for label in MATCHED_LABELS if alert.labels.get(label))
    span = (plan.end - plan.start).total_seconds() or 1.0
    scored = []
    for event in unique:
        matched = len(label_matches(alert, event))
        recency = (event.timestamp - plan.start).total_seconds() / span
        scored.append((matched, event.timestamp, event.id, (matched + 0.999 * recency) / (labels_asked + 1)))
    scored.sort(key=lambda entry: (entry[0], entry[1], entry[2]), reverse=True)
    return [(event_id, round(score, 4)) for _, _, event_id, score in scored[:max_related]]
