"""The overview page's files (SPEC §8), served by the stack itself so it needs no other origin."""

from __future__ import annotations

from functools import cache
from pathlib import Path, PurePath

from aws_lambda_powertools.event_handler import Response

from shared.domain.errors import NotFound

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
