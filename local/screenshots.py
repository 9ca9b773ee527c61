"""Regenerates the README's screenshots: `make demo` data and an Argo CD sync in the overview, in
Debian's Chromium.

.venv/bin/python -m local.screenshots     (writes docs/overview.png and docs/alert.png)
"""

from __future__ import annotations

import json
import os

from playwright.sync_api import sync_playwright

from local import demo
from local.runner import start
from local.template import REPOSITORY_ROOT

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]


def send_argocd_sync(client: demo.Client) -> None:
    """A sync as ilert's Argo CD notification template sends it, eight minutes ago, so that the overview
    shows a webhook sender beside GitHub, GitLab and the generic API."""
    pipeline = client.call(
        "POST",
        "/api/deployment-pipelines",
        {"name": "platform-argocd", "integrationType": "ARGOCD", "teams": [{"id": "platform", "name": "Platform"}]},
    )
    sync = demo.fixture("argocd/ilert-template-body.velero-test.json")
    sync["app"]["status"]["operationState"]["finishedAt"] = demo.minutes_ago(8)
    client.call("POST", pipeline["integrationUrl"].removeprefix(client.base_url), json.dumps(sync).encode())


def main() -> None:
    os.environ["LOCAL_ACCESS_LOG"] = "0"
    server = start(0, admin_token=demo.ADMIN_TOKEN)
    base_url = f"http://127.0.0.1:{server.server_port}"
    client = demo.Client(base_url)
    demo.send_deployments(client)
    send_argocd_sync(client)
    demo.show_enrichments(client)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 760})
        page.goto(f"{base_url}/#token={demo.ADMIN_TOKEN}")
        page.get_by_text("Black Friday campaign launched").first.wait_for()
        page.screenshot(path=str(REPOSITORY_ROOT / "docs" / "overview.png"))
        page.goto(f"{base_url}/?alert=demo-checkout-errors#token={demo.ADMIN_TOKEN}")
        page.locator("#alert-changes .deployment").first.wait_for()
        page.screenshot(path=str(REPOSITORY_ROOT / "docs" / "alert.png"))
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
