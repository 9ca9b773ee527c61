"""Slack's interaction requests (§18) as pure functions: the signature check (slack_sdk's
``SignatureVerifier``, at a given time) and a click on a verdict button read as ``Verdict Given``.
Every refusal names what is wrong, never the input."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Literal
from urllib.parse import parse_qs

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from slack_sdk.signature import Clock, SignatureVerifier

from shared.domain.errors import BadRequest, Unauthorized
from shared.domain.models.bus_events import VerdictGiven
from shared.domain.requests import RawRequest, header_value

SIGNATURE_HEADER = "x-slack-signature"
TIMESTAMP_HEADER = "x-slack-request-timestamp"
_ACTION = re.compile(r"verdict:(CAUSED|NOT_RELATED):([^\x00-\x1f\x7f]{1,200})")
_STRICT = ConfigDict(hide_input_in_errors=True)


class _At(Clock):
    """The verifier's clock: the time the request was taken, not the time it is checked."""

    def __init__(self, now: datetime) -> None:
        self.moment = now.timestamp()

    def now(self) -> float:
        return self.moment


def verify_signature(request: RawRequest, signing_secret: str, now: datetime) -> None:
    """``v0=`` HMAC-SHA256 of ``v0:<timestamp>:<raw body>``, the timestamp within 5 minutes of
    ``now``; otherwise 401."""
    timestamp = header_value(request.headers, TIMESTAMP_HEADER)
    signature = header_value(request.headers, SIGNATURE_HEADER)
    if not timestamp.isdigit() or not signature:
        raise Unauthorized(f"{TIMESTAMP_HEADER} and {SIGNATURE_HEADER} are required")
    if not SignatureVerifier(signing_secret, clock=_At(now)).is_valid(request.body, timestamp, signature):
        raise Unauthorized(f"{SIGNATURE_HEADER} does not match, or {TIMESTAMP_HEADER} is not within 5 minutes")


class _User(BaseModel):
    model_config = _STRICT
    id: str = Field(min_length=1, max_length=64)
    username: str | None = Field(default=None, max_length=256)
    name: str | None = Field(default=None, max_length=256)


class _Action(BaseModel):
    model_config = _STRICT
    action_id: str = Field(max_length=255)
    value: str = Field(max_length=2000)


class _BlockActions(BaseModel):
    model_config = _STRICT
    type: Literal["block_actions"]
    user: _User
    actions: list[_Action] = Field(min_length=1, max_length=1)


class _AlertNamed(BaseModel):
    """What a verdict button's ``value`` names (``button_value``)."""

    model_config = ConfigDict(hide_input_in_errors=True, populate_by_name=True)
    alert_source_id: str | None = Field(alias="alertSourceId", min_length=1, max_length=128)
    alert_id: str = Field(alias="alertId", min_length=1, max_length=256)


def _payload(body: bytes) -> _BlockActions:
    try:
        fields = parse_qs(body.decode("utf-8"), strict_parsing=True, max_num_fields=10)
        [payload] = fields["payload"]
        return _BlockActions.model_validate_json(payload)
    except (UnicodeDecodeError, ValueError, KeyError, ValidationError):
        raise BadRequest("expected a form-encoded payload of Slack's block_actions") from None


def verdict_of(body: bytes) -> VerdictGiven:
    """The verdict a click on "Caused it" or "Not related" gives; 400 for anything else."""
    interaction = _payload(body)
    [action] = interaction.actions
    matched = _ACTION.fullmatch(action.action_id)
    if matched is None:
        raise BadRequest("action_id is not a verdict: verdict:<CAUSED|NOT_RELATED>:<eventId>")
    try:
        alert = _AlertNamed.model_validate(json.loads(action.value))
    except (ValueError, ValidationError):
        raise BadRequest("value does not name an alert: {alertSourceId, alertId}") from None
    user = interaction.user
    return VerdictGiven(
        alert_source_id=alert.alert_source_id,
        alert_id=alert.alert_id,
        event_id=matched.group(2),
        verdict=matched.group(1),  # type: ignore[arg-type]  # the pattern admits only the two
        author=user.username or user.name or user.id,
        note=None,
    )
