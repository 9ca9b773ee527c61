"""A Slack Web API stand-in for tests (§18, §21): a recording server that answers ``chat.postMessage``
and ``chat.update`` as Slack does (``{ok, channel, ts}``) and ``users.lookupByEmail`` with a user,
and signs interaction requests as Slack signs them."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlencode

from tests.recording_server import Answer, Recorded, RecordingServer, recording_server

API_PATH = "/slack/api/"


def slack_ok(**fields: Any) -> Answer:
    return Answer(200, {"Content-Type": "application/json"}, json.dumps({"ok": True, **fields}).encode())


def slack_error(code: str) -> Answer:
    """Slack refuses with 200 and ``ok: false``."""
    return Answer(200, {"Content-Type": "application/json"}, json.dumps({"ok": False, "error": code}).encode())


def slack_user_id(email: str) -> str:
    """The id the stand-in gives the person of an address, as ``users.lookupByEmail`` answers."""
    return "U" + hashlib.sha256(email.encode()).hexdigest()[:10].upper()


def _answering() -> Any:
    timestamps = (f"1700000000.{number:06d}" for number in itertools.count(1))

    def answer(request: Recorded) -> Answer:
        if request.path.endswith("users.lookupByEmail"):
            [email] = parse_qs(request.body.decode())["email"]
            return slack_ok(user={"id": slack_user_id(email), "profile": {"email": email}})
        payload = json.loads(request.body or b"{}")
        channel = payload.get("channel", "")
        if request.path.endswith("chat.update"):
            return slack_ok(channel=channel, ts=payload.get("ts"), text=payload.get("text"))
        return slack_ok(channel=channel, ts=next(timestamps), message={"text": payload.get("text")})

    return answer


@contextmanager
def slack_stand_in() -> Iterator[RecordingServer]:
    with recording_server() as server:
        server.otherwise = _answering()
        yield server


def calls(server: RecordingServer, method: str) -> list[dict[str, Any]]:
    """The JSON payloads of the calls of one Web API method, in order."""
    return [json.loads(request.body) for request in server.requests if request.path == f"{API_PATH}{method}"]


def interaction_body(payload: dict[str, Any]) -> bytes:
    """The form Slack posts: ``payload=<JSON>``, URL-encoded."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def slack_signed(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends: ``v0=`` HMAC-SHA256 of ``v0:<timestamp>:<body>``, over the bytes sent."""
    at = str(int(time.time()) if timestamp is None else timestamp)
    signature = hmac.new(secret.encode(), b"v0:" + at.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": at,
        "x-slack-signature": f"v0={signature}",
    }


def block_actions(action_id: str, value: str, user: dict[str, str] | None = None) -> dict[str, Any]:
    """A ``block_actions`` payload as Slack sends it for a button click (trimmed of what we do not read)."""
    return {
        "type": "block_actions",
        "user": user or {"id": "U0RESPOND", "username": "ada", "name": "ada", "team_id": "T0TEAM"},
        "api_app_id": "A0APP",
        "token": "verification-token-deprecated",
        "container": {"type": "message", "message_ts": "1700000000.000001", "channel_id": "C0DEPLOYS"},
        "trigger_id": "123.456.abc",
        "team": {"id": "T0TEAM", "domain": "example"},
        "channel": {"id": "C0DEPLOYS", "name": "deploys"},
        "response_url": "https://hooks.slack.com/actions/T0TEAM/1/abc",
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b1",
                "text": {"type": "plain_text", "text": "Caused it"},
                "value": value,
                "type": "button",
                "action_ts": "1700000100.000200",
            }
        ],
    }
