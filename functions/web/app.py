"""The overview page (SPEC §8): ``/`` and ``/assets/*``, static files under a strict CSP.

Its own function, so the webhook path never carries the page and the page never carries a
table policy: it reads nothing but the files packaged beside it (``web/``, a link to the
repository's top-level ``web/`` folder that ``sam build`` copies as files).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.http.resolver import PathParameter, create_resolver, resolve
from shared.logic.page import StaticSite
from shared.observability import logger, metrics, tracer

app = create_resolver()
site = StaticSite(Path(__file__).resolve().parent / "web")


@app.get("/", include_in_schema=False)
def overview_page() -> Response[str]:
    return site.page()


@app.get("/assets/<name>", include_in_schema=False)
def overview_asset(name: PathParameter) -> Response[str]:
    return site.asset(name)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
