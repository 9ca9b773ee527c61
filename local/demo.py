"""`make demo`: pipelines, real GitHub and GitLab payloads, three alerts, and what they are enriched with.

It talks HTTP to the system at ``DEMO_URL`` (default ``http://127.0.0.1:$PORT``, the address of
`make run`); when nothing answers there it starts the local runner itself on a free port. The
payloads are the real fixtures of ``tests/fixtures`` with their times moved to the last hour, so
that they fall inside the correlation windows.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any

from local.template import REPOSITORY_ROOT
from shared.domain.timestamps import isoformat, utc_now

FIXTURES = REPOSITORY_ROOT / "tests" / "fixtures"
ADMIN_TOKEN = os.environ.get("ADMIN_TOKEN") or "local-dev-token"


class Client:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else None)
        request_headers = {
            "Authorization": f"Bearer {ADMIN_TOKEN}",
            "Content-Type": "application/json",
            **(headers or {}),
        }
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=request_headers)  # noqa: S310 - a URL the user chose
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            payload = response.read()
        return json.loads(payload) if payload else None

    def healthy(self) -> bool:
        try:
            return bool(self.call("GET", "/api/health") == {"status": "ok"})
        except (urllib.error.URLError, OSError, ValueError):
            return False


def minutes_ago(minutes: int) -> str:
    return isoformat(utc_now() - timedelta(minutes=minutes))


def fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / name).read_bytes())
    return loaded


def send_deployments(client: Client) -> None:
    payments = [{"id": "payments", "name": "Payments"}]
    platform = [{"id": "platform", "name": "Platform"}]
    github = client.call(
        "POST", "/api/deployment-pipelines", {"name": "shop-github", "integrationType": "GITHUB", "teams": payments}
    )
    gitlab = client.call(
        "POST", "/api/deployment-pipelines", {"name": "platform-gitlab", "integrationType": "GITLAB", "teams": platform}
    )
    generic = client.call("POST", "/api/deployment-pipelines", {"name": "marketing", "integrationType": "API"})
    github_path = github["integrationUrl"].removeprefix(client.base_url)
    gitlab_path = gitlab["integrationUrl"].removeprefix(client.base_url)

    merged = fixture("github/pull_request.closed.merged.json")
    merged["pull_request"]["merged_at"] = minutes_ago(40)
    deployed = fixture("github/deployment_status.success.json")
    deployed["deployment_status"]["created_at"] = minutes_ago(14)
    deployed["deployment"]["ref"] = "v1.4.0"
    for event, payload in (
        ("pull_request", merged),
        ("deployment_status", deployed),
        ("push", fixture("github/push.default-branch.json")),
    ):
        result = client.call("POST", github_path, json.dumps(payload).encode(), {"X-GitHub-Event": event})
        print(f"  GitHub {event:<18} -> {result['status']}")

    deployment = fixture("gitlab/deployment.success.docs.json")
    deployment["status_changed_at"] = minutes_ago(25)
    merge = fixture("gitlab/merge_request.merge.json")
    merge["object_attributes"]["updated_at"] = minutes_ago(60)
    for event, payload in (("Deployment Hook", deployment), ("Merge Request Hook", merge)):
        result = client.call("POST", gitlab_path, json.dumps(payload).encode(), {"X-Gitlab-Event": event})
        print(f"  GitLab {event:<18} -> {result['status']}")

    campaign = {
        "integrationKey": generic["integrationKey"],
        "summary": "Black Friday campaign launched",
        "timestamp": minutes_ago(5),
    }
    print(f"  API    {'campaign':<18} -> {client.call('POST', '/api/deployment-events', campaign)['status']}")
    client.call("PUT", "/api/escalation-policies/42", {"name": "Platform on call", "teams": platform})


ALERTS: list[dict[str, Any]] = [
    {
        "id": "demo-checkout-errors",
        "summary": "Checkout error rate above 5%",
        "alertSource": {"id": 1, "name": "Shop API", "teams": [{"id": "payments", "name": "Payments"}]},
        "labels": {"environment": "production", "service": "Hello-World"},
    },
    {
        "id": "demo-staging-health",
        "summary": "Staging fails its health checks",
        "escalationPolicy": {"id": 42, "name": "Platform on call"},
        "labels": {"environment": "staging"},
    },
    {"id": "demo-conversion-drop", "summary": "Homepage conversion dropped 30%"},
]


def show_enrichments(client: Client) -> None:
    for alert in ALERTS:
        client.call("POST", "/api/alerts", {**alert, "reportTime": isoformat(utc_now())})
    for alert in ALERTS:
        enrichment = None
        for _ in range(100):
            try:
                enrichment = client.call("GET", f"/api/alerts/{alert['id']}/deployments")
                break
            except urllib.error.HTTPError as error:
                if error.code != 404:
                    raise
                time.sleep(0.1)
        if enrichment is None:
            raise SystemExit(f"alert {alert['id']} was not enriched")
        teams = ", ".join(team.get("name") or team["id"] for team in enrichment["claimingTeams"]) or "none"
        print(f"\nAlert {alert['summary']!r}: scope {enrichment['scope']}, claiming teams: {teams}")
        for related in enrichment["deployments"] or [{"summary": "(no related deployments)", "reason": "", "score": 0}]:
            print(f"  [{related['score']:.2f}] {related['summary']}")
            if related["reason"]:
                print(f"         {related['reason']}")
        print(f"  see {client.base_url}/?alert={alert['id']}#token={ADMIN_TOKEN}")


def main() -> None:
    client = Client(os.environ.get("DEMO_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or 3000}")
    if not client.healthy():
        from local.runner import start  # noqa: PLC0415 - only when no system is running already

        server, _ = start(0, admin_token=ADMIN_TOKEN)
        client = Client(f"http://127.0.0.1:{server.server_port}")
        os.environ["LOCAL_ACCESS_LOG"] = "0"
        print(f"Started the local runner at {client.base_url} (no `make run` was answering)")
    print("Sending deployments:")
    send_deployments(client)
    show_enrichments(client)


if __name__ == "__main__":
    main()
