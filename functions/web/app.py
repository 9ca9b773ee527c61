"""The overview page (§8): ``/`` and ``/assets/*``, static files under a strict CSP.

Its own function, so the webhook path never carries the page and the page never carries a
table policy: it reads nothing but the files packaged beside it (``web/``, a link to the
repository's top-level ``web/`` folder that ``sam build`` copies as files).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path, PurePath
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.domain.errors import NotFound
from shared.http.resolver import PathParameter, create_resolver, resolve
from shared.observability import logger, metrics, tracer

ASSET_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
"""Nothing but our own files may load or run: the page handles an admin token."""


class StaticSite:
    """``index.html`` and the flat ``assets/`` folder beside it, read once per container."""

    def __init__(self, root: Path) -> None:
        self._root = root

    @cache  # noqa: B019 - one site per container, for its whole life
    def _text(self, relative: str) -> str:
        return (self._root / relative).read_text(encoding="utf-8")

    @cache  # noqa: B019
    def _assets(self) -> frozenset[str]:
        return frozenset(path.name for path in (self._root / "assets").iterdir() if path.is_file())

    def page(self) -> Response[str]:
        return Response(200, "text/html; charset=utf-8", self._text("index.html"), headers=PAGE_HEADERS)

    def asset(self, name: str) -> Response[str]:
        content_type = ASSET_TYPES.get(PurePath(name).suffix)
        if content_type is None or name not in self._assets():
            raise NotFound(f"no asset {name!r}")
        return Response(200, content_type, self._text(f"assets/{name}"), headers=PAGE_HEADERS)


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
