"""Reading the real webhook payloads in tests/fixtures (byte-exact copies, see SOURCES.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    """The body exactly as delivered; never re-serialise it (signatures cover these bytes)."""
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name))


def fixture_headers(name: str) -> dict[str, str]:
    """The headers file beside a body: ``github/push.json`` -> ``github/push.headers.json``."""
    headers_path = FIXTURES / name.replace(".json", ".headers.json")
    headers: dict[str, str] = json.loads(headers_path.read_text(encoding="utf-8"))
    return {key.lower(): value for key, value in headers.items()}
