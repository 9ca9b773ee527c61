"""§22: an error that reaches a log, a trace or a dead-letter message names the exception's type
and the field, never an input value. The bus consumers raise what they cannot read (Lambda then
logs it, X-Ray records it and the dead-letter message carries it), so that text is checked here."""

from __future__ import annotations

import traceback
from typing import Any

import pytest
from pydantic import ValidationError

from shared.domain.timestamps import isoformat, utc_now
from shared.observability import UnreadableEvent
from shared.settings import StoreSettings
from tests.conftest import Aws

SECRET = "xoxb-0123456789-SECRET-VALUE"


def bus_event(detail_type: str, detail: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": detail_type,
        "source": "deployment-events",
        "account": "123456789012",
        "time": isoformat(utc_now()),
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    }


ENRICHMENT = {
    "alertId": "a-1",
    "scope": "ACCOUNT",
    "claimingTeams": [],
    "window": {"from": isoformat(utc_now()), "until": isoformat(utc_now())},
    "deployments": [],
    "correlatedAt": isoformat(utc_now()),
}
UNREADABLE_EVENTS = [
    ("CorrelateFunction", bus_event("Alert Created", {"id": "a-1", "reportTime": SECRET})),
    ("EnrichFunction", bus_event("Alert Correlated", {**ENRICHMENT, "scope": SECRET})),
    ("NotifyFunction", bus_event("Alert Enriched", {**ENRICHMENT, "claimingTeams": [{"id": SECRET * 10}]})),
]


@pytest.mark.parametrize(("function", "event"), UNREADABLE_EVENTS, ids=[case[0] for case in UNREADABLE_EVENTS])
def test_an_unreadable_bus_event_fails_naming_fields_never_values(
    aws: Aws, function: str, event: dict[str, Any], caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    # Given a bus event with a value its function cannot read
    pool = aws.emulated.gateway.pools[function]
    # When the function is invoked with it
    with pytest.raises(UnreadableEvent) as raised:
        pool.invoke(event)
    # Then the error names the field, and neither it, its traceback nor any log holds the value
    assert str(raised.value).startswith("ValidationError for ")
    assert (
        "reportTime"
        if function == "CorrelateFunction"
        else "scope"
        if function == "EnrichFunction"
        else "claimingTeams"
    ) in str(raised.value)
    printed = "".join(traceback.format_exception(raised.value))
    logged = caplog.text + "".join(capfd.readouterr())
    for text in (str(raised.value), printed, logged):
        assert "SECRET-VALUE" not in text


def test_a_missing_setting_is_named_without_printing_the_environment() -> None:
    # Given an environment with credentials and a wrong setting
    environment = {"AWS_SECRET_ACCESS_KEY": SECRET, "RETENTION_DAYS": "many"}
    # When the settings are read
    with pytest.raises(ValidationError) as raised:
        StoreSettings.model_validate(environment)
    # Then the missing and the wrong variables are named, and nothing of the environment printed
    text = str(raised.value)
    assert "TABLE_NAME" in text
    assert "RETENTION_DAYS" in text
    assert SECRET not in text
    assert "many" not in text
