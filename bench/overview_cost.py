"""What a page of the overview costs in DynamoDB requests, for a sparse table (10 events over two
years, ``RetentionDays=3650``) and a dense one (500 events within a day); counts, not seconds."""

from __future__ import annotations

import json
from datetime import timedelta

from bench.harness import ADMIN, CallCounter, local_stack
from shared.domain.timestamps import isoformat, utc_now

PAGE = "max-results=50"


def queries_per_page(total: int, spread: timedelta) -> float:
    with local_stack({"RetentionDays": "3650"}) as local:
        created = local.gateway.handle(
            "POST",
            "/api/deployment-pipelines",
            "",
            ADMIN,
            json.dumps({"name": "bench", "integrationType": "API", "teams": [{"id": "payments"}]}).encode(),
        ).json()
        now = utc_now()
        for index in range(total):
            body = {
                "integrationKey": created["integrationKey"],
                "summary": f"event {index}",
                "timestamp": isoformat(now - spread * index),
            }
            local.gateway.handle("POST", "/api/deployment-events", "", ADMIN, json.dumps(body).encode())
        counter = CallCounter.on_store()
        pages = 0
        for query in (PAGE, f"{PAGE}&team=payments", f"{PAGE}&pipeline={created['id']}"):
            local.gateway.handle("GET", "/api/deployment-events", query, ADMIN, b"")
            pages += 1
        return counter.calls.get("Query", 0) / pages


def run() -> tuple[float, float]:
    sparse = queries_per_page(10, timedelta(days=73))
    dense = queries_per_page(500, timedelta(minutes=2))
    return sparse, dense
