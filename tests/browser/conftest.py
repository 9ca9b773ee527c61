"""Browser tests of the overview: one local runner and one Chromium per session, a fresh context per test.

Each test seeds its own pipelines (unique names and teams) over HTTP, so tests never see each other's
data in a way that matters, whatever order they run in.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, ViewportSize, expect, sync_playwright

from local.template import REPOSITORY_ROOT
from shared.domain.timestamps import isoformat, utc_now
from tests.e2e.runner import RunningSystem, running_system

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome")
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
NO_BROWSER = "no Chromium/Chrome found: set CHROME_PATH or install Debian's chromium (apt-get install chromium)"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = REPOSITORY_ROOT / "test-artifacts" / "screenshots"
DESKTOP = ViewportSize(width=1280, height=900)
PHONE = ViewportSize(width=390, height=844)
expect.set_options(timeout=15_000)
"""A machine busy with other work (two cores running the runner, Chromium and the suite) can take
longer than Playwright's 5 s to load the page's modules; what is asserted is what appears, not when."""
ENRICHMENT_SECONDS = 15


@dataclass(frozen=True)
class Pipeline:
    id: str
    name: str
    integration_key: str
    team_id: str
    team_name: str


class Seeder:
    """Creates pipelines, events and alerts as a user's CI/CD and alerting system would, over HTTP."""

    def __init__(self, system: RunningSystem) -> None:
        self.system = system

    @staticmethod
    def unique(prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:8]}"

    def pipeline(self, name: str = "shop", team_name: str = "Payments") -> Pipeline:
        """An API pipeline owned by one team; both get a unique suffix so no other test shares them."""
        suffix = uuid.uuid4().hex[:6]
        unique_name = f"{name}-{suffix}"
        team_id = f"{team_name.lower()}-{suffix}"
        unique_team_name = f"{team_name} {suffix}"
        body = {"name": unique_name, "integrationType": "API", "teams": [{"id": team_id, "name": unique_team_name}]}
        response = self.system.request("POST", "/api/deployment-pipelines", body)
        assert response.status == 201, response.body
        created = response.json()
        return Pipeline(created["id"], unique_name, created["integrationKey"], team_id, unique_team_name)

    def event(self, pipeline: Pipeline, summary: str, at: datetime | None = None, **fields: Any) -> str:
        """Sends a generic API event (no admin token, as a CI job would) and returns its id."""
        body = {
            "integrationKey": pipeline.integration_key,
            "summary": summary,
            "timestamp": isoformat(at or utc_now()),
            **fields,
        }
        response = self.system.request("POST", "/api/deployment-events", body, admin=False)
        assert response.status == 202, response.body
        return str(response.json()["id"])

    def alert(self, alert_id: str, teams: list[dict[str, str]], labels: dict[str, str] | None = None) -> None:
        body = {
            "id": alert_id,
            "summary": "Checkout error rate above 5%",
            "reportTime": isoformat(utc_now()),
            "alertSource": {"id": self.unique("source"), "name": "Shop API", "teams": teams},
            "labels": labels or {},
        }
        response = self.system.request("POST", "/api/alerts", body)
        assert response.status == 202, response.body

    def enrichment(self, alert_id: str, source: str | None = None) -> dict[str, Any]:
        """Waits for the enrichment the page is expected to show (of the alert that came through
        ``source``, else the one correlated last), so assertions can compare with it."""
        deadline = time.monotonic() + ENRICHMENT_SECONDS
        query = f"?source={source}" if source else ""
        while time.monotonic() < deadline:
            response = self.system.request("GET", f"/api/alerts/{alert_id}/deployments{query}")
            if response.status == 200:
                enrichment: dict[str, Any] = response.json()
                return enrichment
            time.sleep(0.05)
        raise AssertionError(f"alert {alert_id} was not enriched in {ENRICHMENT_SECONDS} s")


@dataclass
class Tab:
    """A browser tab on the overview, with every URL it requested."""

    page: Page
    base_url: str
    admin_token: str
    requested_urls: list[str] = field(default_factory=list)

    def open(self, path: str = "/", token: str | None = None) -> None:
        """Opens the page as the link `make run` prints: the token in the fragment (the admin's unless given)."""
        self.page.goto(f"{self.base_url}{path}#token={token or self.admin_token}")

    def open_without_token(self, path: str = "/") -> None:
        self.page.goto(f"{self.base_url}{path}")

    def row(self, summary: str) -> Locator:
        """The list's row of the event with this summary."""
        return self.page.locator("tr.event-row").filter(has=self.page.get_by_role("button", name=summary, exact=True))

    def horizontal_overflow(self) -> int:
        """How many pixels the page is wider than the viewport (0 when nothing scrolls sideways)."""
        overflow: int = self.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        return overflow

    def screenshot(self, name: str) -> None:
        """What the viewer sees (the viewport), for a person to look at after the run."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{name}.png")


def find_browser() -> Path | None:
    """Chromium or Chrome where people have it: $CHROME_PATH, then on PATH, then Debian's own path."""
    configured = os.environ.get("CHROME_PATH")
    if configured:
        return Path(configured)
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return DEBIAN_CHROMIUM if DEBIAN_CHROMIUM.exists() else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """No browser skips the browser tests with one line, before the runner starts; on CI (CI=true) it fails the run."""
    browser_tests = [item for item in items if item.get_closest_marker("browser")]
    if not browser_tests:
        return
    found = find_browser()
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            raise pytest.UsageError(f"{NO_BROWSER} (CI=true: the browser tests must run)")
        for item in browser_tests:
            item.add_marker(pytest.mark.skip(reason=NO_BROWSER))
    elif not found.is_file():
        raise pytest.UsageError(f"CHROME_PATH={found} is not a file: point it at a Chromium or Chrome executable")


@pytest.fixture(scope="session")
def system() -> Iterator[RunningSystem]:
    """One local runner for the browser session, started as `make run` starts it."""
    with running_system() as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """The installed Chromium or Chrome (never one downloaded by a test tool), launched once: a context per
    test is cheap, a browser is not."""
    executable = find_browser()
    assert executable is not None, NO_BROWSER  # pytest_collection_modifyitems skipped the tests otherwise
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def seed(system: RunningSystem) -> Seeder:
    return Seeder(system)


@pytest.fixture
def tab(browser: Browser, system: RunningSystem) -> Iterator[Tab]:
    """A fresh tab (own session storage) that must not reach beyond the local server nor break its CSP."""
    context = browser.new_context(viewport=DESKTOP, locale="en-GB", timezone_id="UTC")
    context.set_default_timeout(10_000)
    page = context.new_page()
    opened = Tab(page, system.url, system.admin_token)
    problems: list[str] = []

    def note_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            problems.append(f"CSP violation: {message.text}")

    page.on("request", lambda request: opened.requested_urls.append(request.url))
    page.on("pageerror", lambda error: problems.append(f"uncaught error: {error}"))
    page.on("console", note_console)
    try:
        yield opened
    finally:
        context.close()
    outside = [url for url in opened.requested_urls if not url.startswith(f"{system.url}/")]
    assert not outside, f"the page requested URLs outside the local server: {outside}"
    assert not problems, "\n".join(problems)
