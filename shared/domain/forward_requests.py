"""Forwarders' requests (§21) as pure functions: the one HTTP request each vendor gets for a
change, and nothing sent (``shared.adapters.notify_http`` delivers it).

Each shape follows the vendor's own documentation:
- Grafana: "Annotations HTTP API", ``POST /api/annotations`` (``time``/``timeEnd`` in epoch
  milliseconds, ``tags``, ``text``, ``dashboardUID``), answered ``{"id": …}``; ``PATCH
  /api/annotations/:id`` replaces the fields it names (``tags``; ``time`` and ``timeEnd``, a
  region) (grafana.com/docs/grafana/latest/developers/http_api/annotations/).
- PagerDuty: Events API v2 "Change Events", ``POST /v2/change/enqueue`` with ``routing_key``,
  ``payload {summary ≤ 1024, timestamp, source, custom_details}`` and ``links``
  (developer.pagerduty.com/docs/events-API-v2/03-Change-Events).
- ilert: "Deployment events", ``POST /api/deployment-events`` with ``integrationKey``,
  ``summary``, ``timestamp`` (epoch), ``userEmail``, ``customDetails``, ``links``
  (api.ilert.com/api-docs, the DeploymentEvent schema).
- Datadog: Events API v2 "Post an event", ``POST https://event-management-intake.<site>/api/v2/events``
  with ``DD-API-KEY`` and ``{"data": {"type": "event", "attributes": {title, category: "change",
  timestamp, tags, attributes: {changed_resource {name, type}, …}}}}``
  (docs.datadoghq.com/api/latest/events/#post-an-event).
- WEBHOOK: the stored change, signed as §6 signs (``X-Signature-256: sha256=<HMAC of body>``).
"""

from __future__ import annotations

from typing import Any

from shared.domain.models.deployments import DeploymentEvent
from shared.domain.models.forwarders import (
    DatadogEventForwarder,
    Forwarder,
    GrafanaAnnotationForwarder,
    IlertDeploymentForwarder,
    PagerDutyChangeForwarder,
)
from shared.domain.notifications.context import OutboundRequest, json_body, json_post
from shared.domain.verifiers import hmac_sha256_hex

SOURCE = "deployment-events"
PAGERDUTY_SUMMARY_MAX = 1024
DATADOG_TITLE_MAX = 500
FAILED_TAG = "failed"
DATADOG_INTAKE_HOST = "event-management-intake."


def millis(event: DeploymentEvent) -> int:
    return int(event.timestamp.timestamp() * 1000)


def grafana_tags(event: DeploymentEvent, forwarder: GrafanaAnnotationForwarder) -> list[str]:
    """``deploy``, then ``service:``, ``env:``, ``version:`` and ``team:`` where the change names
    them, then the forwarder's own tags; each once."""
    named = [("service", event.service), ("env", event.environment), ("version", event.version)]
    tags = ["deploy", *(f"{name}:{value}" for name, value in named if value)]
    tags += [f"team:{team}" for team in event.teams]
    return list(dict.fromkeys([*tags, *forwarder.tags]))


def _grafana_text(event: DeploymentEvent) -> str:
    link = event.links[0].href if event.links else None
    return f'{event.summary} <a href="{link}">details</a>' if link else event.summary


def grafana_annotation(event: DeploymentEvent, forwarder: GrafanaAnnotationForwarder) -> OutboundRequest:
    """An annotation at the change's time, on the forwarder's dashboard or the whole organisation."""
    payload: dict[str, Any] = {
        "time": millis(event),
        "tags": grafana_tags(event, forwarder),
        "text": _grafana_text(event),
    }
    if forwarder.dashboard_uid:
        payload["dashboardUID"] = forwarder.dashboard_uid
    url = str(forwarder.url).rstrip("/") + "/api/annotations"
    return json_post(url, payload, Authorization=f"Bearer {forwarder.token}")


def grafana_failed_tag(
    event: DeploymentEvent, forwarder: GrafanaAnnotationForwarder, annotation_id: str
) -> OutboundRequest:
    """The same annotation with ``failed`` added to its tags (PATCH replaces the list it is given)."""
    url = f"{str(forwarder.url).rstrip('/')}/api/annotations/{annotation_id}"
    headers = {"Authorization": f"Bearer {forwarder.token}", "Content-Type": "application/json"}
    tags = [*grafana_tags(event, forwarder), FAILED_TAG]
    return OutboundRequest("PATCH", url, headers, json_body({"tags": tags}))


def grafana_region(
    forwarder: GrafanaAnnotationForwarder, annotation_id: str, starts_ms: int, ends_ms: int
) -> OutboundRequest:
    """The annotation made a region from the change's first state to its later one."""
    url = f"{str(forwarder.url).rstrip('/')}/api/annotations/{annotation_id}"
    headers = {"Authorization": f"Bearer {forwarder.token}", "Content-Type": "application/json"}
    return OutboundRequest("PATCH", url, headers, json_body({"time": starts_ms, "timeEnd": ends_ms}))


def pagerduty_change(event: DeploymentEvent, forwarder: PagerDutyChangeForwarder, events_url: str) -> OutboundRequest:
    details = {
        name: value
        for name, value in {
            "service": event.service,
            "environment": event.environment,
            "version": event.version,
            "repository": event.repository,
            "commitSha": event.commit_sha,
            "status": event.status,
            "pipeline": event.pipeline_name,
            "eventId": event.id,
        }.items()
        if value
    }
    payload = {
        "routing_key": forwarder.routing_key,
        "payload": {
            "summary": event.summary[:PAGERDUTY_SUMMARY_MAX],
            "timestamp": event.timestamp.isoformat().replace("+00:00", "Z"),
            "source": event.service or event.repository or event.pipeline_name,
            "custom_details": details,
        },
        "links": [{"href": link.href, "text": link.text or link.href} for link in event.links],
    }
    return json_post(events_url.rstrip("/") + "/v2/change/enqueue", payload)


def ilert_deployment(event: DeploymentEvent, forwarder: IlertDeploymentForwarder, ilert_url: str) -> OutboundRequest:
    payload: dict[str, Any] = {
        "integrationKey": forwarder.integration_key,
        "summary": event.summary,
        "timestamp": int(event.timestamp.timestamp()),
        "customDetails": {**event.custom_details, **_facts(event)},
        "links": [{"href": link.href, "text": link.text or link.href} for link in event.links],
    }
    if event.user_email:
        payload["userEmail"] = event.user_email
    return json_post(ilert_url.rstrip("/") + "/api/deployment-events", payload)


def _facts(event: DeploymentEvent) -> dict[str, str]:
    names = ("repository", "service", "environment", "version", "commit_sha", "branch", "status")
    return {name: str(getattr(event, name)) for name in names if getattr(event, name)}


def datadog_base(site: str) -> str:
    """A site's intake host, or the full base URL a proxy or a test gives."""
    if site.startswith(("http://", "https://")):
        return site.rstrip("/")
    return f"https://{DATADOG_INTAKE_HOST}{site}"


def datadog_event(event: DeploymentEvent, forwarder: DatadogEventForwarder) -> OutboundRequest:
    named = [("service", event.service), ("env", event.environment), ("version", event.version)]
    attributes: dict[str, Any] = {
        "title": event.summary[:DATADOG_TITLE_MAX],
        "category": "change",
        "timestamp": event.timestamp.isoformat().replace("+00:00", "Z"),
        "tags": ["source:deployment-events", *(f"{name}:{value}" for name, value in named if value)],
        "aggregation_key": event.id[:100],
        "attributes": {
            "changed_resource": {
                "name": event.service or event.repository or event.pipeline_name,
                "type": "configuration",
            },
            "change_metadata": {"eventId": event.id, "kind": event.kind, **_facts(event)},
        },
    }
    payload = {"data": {"type": "event", "attributes": attributes}}
    return json_post(datadog_base(str(forwarder.site)) + "/api/v2/events", payload, **{"DD-API-KEY": forwarder.api_key})


def webhook_change(event: DeploymentEvent, url: str, secret: str) -> OutboundRequest:
    body = json_body(event.to_json_dict())
    headers = {
        "Content-Type": "application/json",
        "X-Signature-256": "sha256=" + hmac_sha256_hex(secret, body),
        "X-Event-Id": event.id,
    }
    return OutboundRequest("POST", url, headers, body)


def forward_request(
    forwarder: Forwarder, event: DeploymentEvent, pagerduty_events_url: str, ilert_url: str
) -> OutboundRequest:
    """The one request a forwarder gets for a change."""
    if isinstance(forwarder, GrafanaAnnotationForwarder):
        return grafana_annotation(event, forwarder)
    if isinstance(forwarder, PagerDutyChangeForwarder):
        return pagerduty_change(event, forwarder, pagerduty_events_url)
    if isinstance(forwarder, IlertDeploymentForwarder):
        return ilert_deployment(event, forwarder, ilert_url)
    if isinstance(forwarder, DatadogEventForwarder):
        return datadog_event(event, forwarder)
    return webhook_change(event, str(forwarder.url), forwarder.secret)
