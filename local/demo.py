"""`make demo`: pipelines, real GitHub and GitLab payloads, three alerts, a real Alertmanager
delivery notifying a local stand-in for Slack, a storm of one Alertmanager group becoming one
Slack app message that a signed click edits (§18), a CloudWatch alarm through the emulated AWS
endpoint, and what each is enriched with.

It talks HTTP to the system at ``DEMO_URL`` (default ``http://127.0.0.1:$PORT``, the address of
`make run`); when nothing answers there it starts the local runner itself on a free port. The
payloads are the real fixtures of ``tests/fixtures`` with their times moved to the last hour, so
that they fall inside the correlation windows.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote, urlsplit

import boto3

from local.demo_aws import aws_deployment
from local.demo_delivery import delivery_demo
from local.demo_storm import SlackWebApi, storm_to_slack_app
from local.template import LOCAL_REGION, REPOSITORY_ROOT
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
        print_enrichment(client, f"Alert {alert['summary']!r}", enrichment)


class SlackSink:
    """A stand-in for a Slack incoming webhook on 127.0.0.1: keeps each message it is sent, so a
    newcomer sees the body that would be posted to Slack."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                sink.messages.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/services/T0DEMO/B0DEMO/demo-secret"


def wait_for_enrichment(client: Client, alert_id: str) -> dict[str, Any]:
    for _ in range(100):
        try:
            found: dict[str, Any] = client.call("GET", f"/api/alerts/{quote(alert_id, safe='')}/deployments")
            return found
        except urllib.error.HTTPError as error:
            if error.code != 404:
                raise
            time.sleep(0.1)
    raise SystemExit(f"alert {alert_id} was not enriched")


def verdict(enrichment: dict[str, Any]) -> str:
    """What the enrichment says first (§17): its likely cause, or why no change stands out."""
    cause = next((item for item in enrichment["deployments"] if item["id"] == enrichment.get("likelyCause")), None)
    if cause is not None:
        return f"Likely cause ({round(cause['score'] * 100)}%): {cause['summary']}"
    return str(enrichment.get("noLikelyCause") or "No change stands out.")


def print_enrichment(client: Client, title: str, enrichment: dict[str, Any]) -> None:
    """The verdict, then each change with its score (the probability that it caused the alert)."""
    teams = ", ".join(team.get("name") or team["id"] for team in enrichment["claimingTeams"]) or "none"
    print(f"\n{title}: scope {enrichment['scope']}, claiming teams: {teams}")
    print(f"  {verdict(enrichment)}")
    for related in enrichment["deployments"]:
        after = ", after the alert" if related.get("afterAlert") else ""
        judged = f"{round(related['score'] * 100)}% {related.get('confidence', '')}{after}"
        print(f"  [{judged}] {related['summary']}")
        print(f"         {related['reason']}")
    print(f"  see {client.base_url}/?alert={quote(enrichment['alertId'], safe='')}#token={ADMIN_TOKEN}")


def alertmanager_to_slack(client: Client, sink: SlackSink) -> None:
    """A real Alertmanager delivery through an alert source that notifies (a stand-in for) Slack."""
    source = client.call(
        "POST",
        "/api/alert-sources",
        {
            "name": "prometheus-prod",
            "integrationType": "ALERTMANAGER",
            "teams": [{"id": "payments", "name": "Payments"}],
            "notifications": [{"type": "SLACK", "webhookUrl": sink.url}],
        },
    )
    delivery = fixture("alerts/alertmanager/firing.two-alerts.zulip.json")
    for alert in delivery["alerts"]:
        alert["startsAt"] = isoformat(utc_now())
        alert["labels"]["service"] = "shop"
    accepted = client.call("POST", urlsplit(source["integrationUrl"]).path, delivery, {"Authorization": ""})
    print(f"\nAlertmanager delivery of {len(delivery['alerts'])} alerts -> {accepted['status']}: {accepted['alerts']}")
    for alert_id in accepted["alerts"]:
        print_enrichment(client, f"Alert {alert_id}", wait_for_enrichment(client, alert_id))
    for _ in range(50):
        statuses = client.call("GET", f"/api/alerts/{quote(accepted['alerts'][0], safe='')}/notifications")
        if statuses and statuses[0]["status"] != "pending":
            break
        time.sleep(0.1)
    for status in statuses:
        outcome = f"{status['status']} after {status['attempts']} attempt(s)"
        print(f"  notified {status['type']} at {status['target']}: {outcome}")
    if sink.messages:
        print("  the Slack message that would be posted:")
        print("  " + json.dumps(sink.messages[0], indent=2).replace("\n", "\n  "))


def cloudwatch_alarm(client: Client, aws_endpoint: str) -> None:
    """A real CloudWatch alarm event, put on the default bus through the emulated AWS endpoint."""
    client.call(
        "PUT", "/api/alert-sources/ServerCpuTooHigh", {"name": "ServerCpuTooHigh", "teams": [{"id": "payments"}]}
    )
    event = fixture("alerts/cloudwatch/eventbridge.alarm-state-change.single-metric.aws-docs.json")
    now = utc_now()
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}+0000"
    event["detail"]["state"]["timestamp"] = stamp
    events = boto3.client(
        "events",
        endpoint_url=aws_endpoint,
        region_name=LOCAL_REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    entry = {
        "Source": event["source"],
        "DetailType": event["detail-type"],
        "Resources": event["resources"],
        "Detail": json.dumps(event["detail"]),
    }
    events.put_events(Entries=[entry])
    alert_id = f"{event['resources'][0]}:{stamp}"
    print(f"\nCloudWatch alarm {event['detail']['alarmName']} put on the default bus at {aws_endpoint}")
    print_enrichment(client, "Alarm ServerCpuTooHigh", wait_for_enrichment(client, alert_id))


def main() -> None:
    client = Client(os.environ.get("DEMO_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or 3000}")
    endpoint: str | None = f"http://127.0.0.1:{os.environ.get('AWS_PORT') or 4566}"
    slack: SlackWebApi | None = None
    if not client.healthy():
        from local.runner import start  # noqa: PLC0415 - only when no system is running already

        slack = SlackWebApi()
        quiet = {"SlackApiUrl": slack.url, "LogLevel": "WARNING"}
        server = start(0, overrides=quiet, admin_token=ADMIN_TOKEN, aws_port=0)
        client = Client(f"http://127.0.0.1:{server.server_port}")
        endpoint = server.aws_endpoint.url if server.aws_endpoint else None
        os.environ["LOCAL_ACCESS_LOG"] = "0"
        print(f"Started the local runner at {client.base_url} (no `make run` was answering)")
    print("Sending deployments:")
    send_deployments(client)
    show_enrichments(client)
    alertmanager_to_slack(client, SlackSink())
    if slack is not None:
        storm_to_slack_app(client, slack, fixture("alerts/alertmanager/firing.two-alerts.zulip.json"))
    else:
        print("\nThe Slack app storm is shown when `make demo` starts its own runner (stop `make run` first).")
    if endpoint:
        cloudwatch_alarm(client, endpoint)
        aws_deployment(client, endpoint)
    delivery_demo(client)


if __name__ == "__main__":
    main()
