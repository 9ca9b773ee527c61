"""What a page of the alerts list (§18) costs in DynamoDB requests, for a sparse table (10 alerts
over two years, ``RetentionDays=3650``) and a dense one (150 alerts within a day, one in ten with a
likely cause); the pages read: all, likely, by team, by source, by service. Counts, not seconds."""

from __future__ import annotations

from datetime import timedelta

from bench.harness import ADMIN, CallCounter, local_stack
from shared.adapters.store import enrichments as enrichment_store
from shared.domain.models.alert_list import listing_of
from shared.domain.models.alerts import (
    AlertContext,
    AlertResource,
    Enrichment,
    PipelineRef,
    RelatedDeployment,
    Scope,
    Window,
)
from shared.domain.models.common import Team
from shared.domain.models.deployments import EventKind
from shared.domain.models.pipelines import IntegrationType
from shared.domain.timestamps import utc_now

PAGE = "max-results=50"
QUERIES = (PAGE, f"{PAGE}&likely=true", f"{PAGE}&team=payments", f"{PAGE}&source=prometheus", f"{PAGE}&service=shop")


def _enrichment(index: int, onset_ago: timedelta, likely: bool) -> Enrichment:
    onset = utc_now() - onset_ago
    change = RelatedDeployment(
        id=f"change-{index}",
        summary="shop to production",
        pipeline=PipelineRef(id="bench", name="bench", integration_type=IntegrationType.API),
        kind=EventKind.DEPLOYMENT,
        timestamp=onset - timedelta(minutes=5),
        reason="close in time",
        score=0.8 if likely else 0.2,
    )
    return Enrichment(
        alert_id=f"alert-{index}",
        alert=AlertContext(
            summary=f"alert {index}",
            report_time=onset,
            alert_source=AlertResource(id="prometheus", name="Prometheus"),
            labels={"service": "shop"},
        ),
        scope=Scope.TEAM,
        claiming_teams=[Team(id="payments", name="Payments")],
        window=Window(from_=onset - timedelta(days=1), until=onset),
        deployments=[change],
        correlated_at=onset,
        likely_cause=change.id if likely else None,
    )


def queries_per_page(total: int, spread: timedelta, likely_every: int) -> float:
    with local_stack({"RetentionDays": "3650"}) as local:
        for index in range(total):
            enrichment = _enrichment(index, spread * index, likely=index % likely_every == 0)
            body = enrichment.model_dump_json(by_alias=True)
            enrichment_store.put_enrichment(
                enrichment.alert_source_id, enrichment.alert_id, body, enrichment.correlated_at, listing_of(enrichment)
            )
        counter = CallCounter.on_store()
        for query in QUERIES:
            local.gateway.handle("GET", "/api/alerts", query, ADMIN, b"")
        return counter.calls.get("Query", 0) / len(QUERIES)


def run() -> tuple[float, float]:
    sparse = queries_per_page(10, timedelta(days=73), likely_every=5)
    dense = queries_per_page(150, timedelta(minutes=5), likely_every=10)
    return sparse, dense
