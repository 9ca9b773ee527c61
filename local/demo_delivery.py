"""`make demo`'s month of delivery (§19): one service deployed every day or two for 30 days, each
change merged through a GitHub pull request first, with one rollback (a version deployed again
after a newer one) and one revert (a pull request titled ``Revert "…"``); then the five figures
that ``GET /api/insights/delivery`` answers for it.

Everything is sent as real senders send it: pull requests as GitHub's webhook, deployments through
the generic API. Which changes failed is for detection at ingest to find; the demo prints what the
API answers.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from shared.domain.timestamps import isoformat, utc_now

if TYPE_CHECKING:
    from local.demo import Client

SERVICE = "checkout"
REPOSITORY = "acme/checkout"
DAYS = 30
ROLLED_BACK = 9
"""The change whose version is deployed again, after the next one, as a rollback."""
REVERTED = 15
"""The change a later pull request reverts."""
FIGURES = (
    ("deploymentFrequency", "Deployment frequency"),
    ("changeLeadTime", "Change lead time"),
    ("changeFailRate", "Change fail rate"),
    ("failedDeploymentRecoveryTime", "Failed deployment recovery time"),
    ("reworkRate", "Rework rate"),
)


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _merge(number: int, title: str, merged_at: datetime, sha: str) -> dict[str, Any]:
    """A merged pull request as GitHub's ``pull_request`` webhook sends it (the fields we read)."""
    return {
        "action": "closed",
        "number": number,
        "pull_request": {
            "number": number,
            "title": title,
            "merged": True,
            "merged_at": isoformat(merged_at),
            "merge_commit_sha": sha,
            "html_url": f"https://github.com/{REPOSITORY}/pull/{number}",
            "base": {"ref": "main"},
            "head": {"ref": f"change-{number}"},
            "user": {"login": "octocat"},
            "merged_by": {"login": "octocat"},
        },
        "repository": {"full_name": REPOSITORY},
        "sender": {"login": "octocat"},
    }


class _Sender:
    def __init__(self, client: Client) -> None:
        payments = [{"id": "payments", "name": "Payments"}]
        self.client = client
        pipelines = "/api/deployment-pipelines"
        github = client.call(
            "POST", pipelines, {"name": "checkout-github", "integrationType": "GITHUB", "teams": payments}
        )
        generic = client.call(
            "POST", pipelines, {"name": "checkout-deploy", "integrationType": "API", "teams": payments}
        )
        self.github_path = github["integrationUrl"].removeprefix(client.base_url)
        self.integration_key = generic["integrationKey"]

    def merge(self, number: int, title: str, merged_at: datetime, sha: str) -> None:
        body = json.dumps(_merge(number, title, merged_at, sha)).encode()
        self.client.call("POST", self.github_path, body, {"X-GitHub-Event": "pull_request"})

    def deploy(self, version: str, at: datetime, sha: str) -> None:
        body = {
            "integrationKey": self.integration_key,
            "summary": f"Deployed {SERVICE} {version}",
            "service": SERVICE,
            "environment": "production",
            "version": version,
            "repository": REPOSITORY,
            "commitSha": sha,
            "status": "success",
            "timestamp": isoformat(at),
        }
        self.client.call("POST", "/api/deployment-events", body)


def seed_month(client: Client, now: datetime) -> None:
    """A change a day or two apart, each merged three hours before it is deployed."""
    sender = _Sender(client)
    start = now - timedelta(days=DAYS)
    for change in range(DAYS * 2 // 3):
        deployed_at = start + timedelta(hours=36 * change + 10)
        sha = _sha(f"change {change}")
        sender.merge(change + 1, f"Change {change}", deployed_at - timedelta(hours=3), sha)
        sender.deploy(f"1.{change}.0", deployed_at, sha)
        if change == ROLLED_BACK + 1:
            sender.deploy(f"1.{ROLLED_BACK}.0", deployed_at + timedelta(minutes=40), _sha(f"change {ROLLED_BACK}"))
        if change == REVERTED + 1:
            revert_sha = _sha(f"revert {REVERTED}")
            sender.merge(100, f'Revert "Change {REVERTED}"', deployed_at + timedelta(hours=1), revert_sha)
            sender.deploy(f"1.{change}.1", deployed_at + timedelta(hours=2), revert_sha)


def _figure(metric: dict[str, Any]) -> str:
    if metric.get("value") is None:
        return f"none ({metric.get('reason')})"
    band = metric.get("band") or "no band"
    value = f"{metric['value']:.1%}" if metric["unit"] == "ratio" else f"{metric['value']:.3g} {metric['unit']}"
    return f"{value}, {band} ({metric['numerator']:g} of {metric['denominator']:g})"


def delivery_demo(client: Client) -> None:
    """Seeds the month, then prints the service's report as the API answers it."""
    seed_month(client, utc_now())
    query = urlencode({"service": SERVICE, "environment": "production"})
    report = client.call("GET", f"/api/insights/delivery?{query}")
    print(f"\nDelivery of {SERVICE} in production, the last 30 days ({report['deployments']} deployments):")
    for key, title in FIGURES:
        print(f"  {title:<32} {_figure(report[key])}")
