"""`make demo`'s storm (§18): twenty alerts of one Alertmanager group become one Slack message,
and a click on "Caused it", signed as Slack signs it, edits that message in place.

Slack is a local stand-in for its Web API (``chat.postMessage``, ``chat.update``) that keeps each
call, so the demo can print the message as it was posted and as it was edited.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode, urlsplit

from local.startup import DEFAULT_SLACK_SIGNING_SECRET
from shared.domain.timestamps import isoformat, utc_now

STORM_SIZE = 20
CHANNEL = "C0DEMOINC"


class SlackWebApi:
    """A stand-in for Slack's Web API on 127.0.0.1: answers as Slack does and keeps every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        stand_in = self
        timestamps = (f"1700000000.{number:06d}" for number in itertools.count(1))

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                method = self.path.rsplit("/", 1)[-1]
                payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                stand_in.calls.append((method, payload))
                ts = payload.get("ts") if method == "chat.update" else next(timestamps)
                answer = json.dumps({"ok": True, "channel": payload.get("channel"), "ts": ts}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/"

    def of(self, method: str) -> list[dict[str, Any]]:
        return [payload for called, payload in self.calls if called == method]

    def wait_for(self, method: str, count: int) -> list[dict[str, Any]]:
        for _ in range(600):  # a minute: the group is sent once all its alerts are correlated
            if len(self.of(method)) >= count:
                break
            time.sleep(0.1)
        return self.of(method)


def storm_delivery(alertmanager_delivery: dict[str, Any]) -> dict[str, Any]:
    """A real Alertmanager delivery grown to one group of ``STORM_SIZE`` pods failing at once."""
    delivery = copy.deepcopy(alertmanager_delivery)
    template = delivery["alerts"][0]
    delivery["groupKey"] = '{}:{alertname="CheckoutErrors"}'
    delivery["commonLabels"] = {"alertname": "CheckoutErrors", "service": "Hello-World"}
    delivery["alerts"] = []
    for number in range(STORM_SIZE):
        alert = copy.deepcopy(template)
        alert["labels"] = {
            "alertname": "CheckoutErrors",
            "service": "Hello-World",
            "environment": "production",
            "pod": f"checkout-{number:02d}",
        }
        alert["annotations"] = {"summary": f"Checkout pod checkout-{number:02d} answers 5xx"}
        alert["startsAt"] = isoformat(utc_now())
        alert["fingerprint"] = hashlib.sha256(f"checkout-{number}".encode()).hexdigest()[:16]
        delivery["alerts"].append(alert)
    return delivery


def print_message(title: str, payload: dict[str, Any]) -> None:
    """The message as a responder reads it: its sections, then the buttons under them."""
    print(f"  {title}:")
    for block in payload.get("blocks", []):
        if block.get("type") in ("section", "header", "context"):
            texts = [block["text"]["text"]] if "text" in block else [item["text"] for item in block.get("elements", [])]
            for text in texts:
                print("    " + text.replace("\n", "\n    "))
        elif block.get("type") == "actions":
            print("    " + "  ".join(f"[{element['text']['text']}]" for element in block["elements"]))


def signed_click(action: dict[str, Any], secret: str) -> tuple[bytes, dict[str, str]]:
    """The ``block_actions`` request Slack sends when a responder clicks a button, signed as Slack
    signs it: ``v0=`` HMAC-SHA256 of ``v0:<timestamp>:<body>`` with the app's signing secret."""
    payload = {
        "type": "block_actions",
        "user": {"id": "U0DEMO", "username": "ada", "name": "ada"},
        "channel": {"id": CHANNEL},
        "container": {"type": "message", "channel_id": CHANNEL},
        "actions": [{**action, "action_ts": f"{time.time():.6f}"}],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    at = str(int(time.time()))
    signature = hmac.new(secret.encode(), b"v0:" + at.encode() + b":" + body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": at,
        "X-Slack-Signature": f"v0={signature}",
        "Authorization": "",
    }
    return body, headers


def storm_to_slack_app(client: Any, slack: SlackWebApi, alertmanager_delivery: dict[str, Any]) -> None:
    """One group of twenty alerts → one message; a signed "Caused it" click → the same message edited."""
    source = client.call(
        "POST",
        "/api/alert-sources",
        {
            "name": "prometheus-checkout",
            "integrationType": "ALERTMANAGER",
            "teams": [{"id": "payments", "name": "Payments"}],
            "notifications": [{"type": "SLACK_APP", "botToken": "xoxb-demo-token", "channel": CHANNEL}],
        },
    )
    accepted = client.call(
        "POST", urlsplit(source["integrationUrl"]).path, storm_delivery(alertmanager_delivery), {"Authorization": ""}
    )
    print(f"\nAlertmanager group of {len(accepted['alerts'])} alerts -> {accepted['status']}")
    if not slack.wait_for("chat.postMessage", 1):
        raise SystemExit("the group's Slack message was not posted")
    time.sleep(1)  # time for any other message to arrive: there is none
    posted = slack.of("chat.postMessage")[0]
    print(f"  Slack got {len(slack.of('chat.postMessage'))} message(s) for the group's {STORM_SIZE} alerts")
    print_message("the message as posted", posted)
    action = next(
        element
        for block in posted["blocks"]
        if block.get("type") == "actions"
        for element in block["elements"]
        if element["action_id"].startswith("verdict:CAUSED:")
    )
    body, headers = signed_click(action, DEFAULT_SLACK_SIGNING_SECRET)
    client.call("POST", "/api/v1/slack/interactions", body, headers)
    print(f"\nA responder clicks [{action['text']['text']}] (a signed Slack interaction) -> 200")
    updates = slack.wait_for("chat.update", 1)
    if not updates:
        raise SystemExit("the Slack message was not edited after the verdict")
    print_message("the same message, edited with chat.update", updates[-1])
    for reply in slack.of("chat.postMessage")[1:]:
        print(f"  and in its thread: {reply.get('text')}")
