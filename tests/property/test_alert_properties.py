"""Alerts over HTTP (§4): whatever ``POST /api/alerts`` accepts with a 202 is correlated and
enriched. An alert accepted and then failing on the bus would be retried into a dead-letter queue
and never enriched; that is a crash the sender cannot see, so it is checked here."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from shared.domain.timestamps import isoformat, utc_now
from tests.conftest import Api, Bus
from tests.property.strategies import iso_times, scalars, texts
from tests.property.support import bounded

EXTREME_TIMES = ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", 10**11 - 1, 253402300799999]
"""The ends of datetime's range, the epoch, and the largest epoch seconds and milliseconds."""


def recent(minutes: int, form: str) -> object:
    """A time some minutes from now, in one of the forms §4 accepts."""
    moment = utc_now() + timedelta(minutes=minutes)
    forms = {"iso": isoformat(moment), "seconds": moment.timestamp(), "milliseconds": int(moment.timestamp() * 1000)}
    return forms[form]


recent_report_times = st.builds(
    recent,
    st.integers(min_value=-366 * 24 * 60, max_value=24 * 60),
    st.sampled_from(["iso", "seconds", "milliseconds"]),
)
any_report_times = (
    st.sampled_from(EXTREME_TIMES)
    | iso_times
    | st.integers(min_value=-(10**15), max_value=10**15)
    | st.floats(allow_nan=False, allow_infinity=False)
    | scalars
)
report_times = st.booleans().flatmap(lambda plausible: recent_report_times if plausible else any_report_times)
"""Half the time within the last year or the next day, so that many alerts are accepted."""
teams = st.lists(st.fixed_dictionaries({"id": texts | st.integers()}, optional={"name": texts}), max_size=3)
resources = st.fixed_dictionaries({}, optional={"id": texts | st.integers(), "name": texts, "teams": teams})
alerts = st.fixed_dictionaries(
    {"id": texts | st.integers(), "reportTime": report_times},
    optional={
        "summary": texts,
        "status": texts,
        "labels": st.dictionaries(
            st.sampled_from(["service", "repository", "environment", "version"]) | texts, scalars
        ),
        "alertSource": resources,
        "escalationPolicy": resources,
    },
)


@pytest.fixture
def owned_team(api: Api) -> str:
    """A team that owns a pipeline, so that some alerts are claimed (TEAM scope) and some are not."""
    api.create_pipeline("API", teams=[{"id": "payments", "name": "Payments"}])
    return "payments"


@bounded(max_examples=60)
@given(alert=alerts, claimed=st.booleans())
def test_every_accepted_alert_is_enriched(
    api: Api, alert_bus: Bus, owned_team: str, alert: dict[str, Any], claimed: bool
) -> None:
    # Given an alert of any shape, with any report time, claimed by a team or not
    if claimed:
        alert = {**alert, "alertSource": {"id": 1, "teams": [{"id": owned_team}]}}
    # When it is posted
    posted = api.call("POST", "/api/alerts", alert)
    assert 200 <= posted.status < 300 or 400 <= posted.status < 500, (posted.status, posted.body)
    event(f"{posted.status}")
    if posted.status != 202:
        return
    # Then, once the bus has delivered it, it has been correlated and enriched
    alert_bus.deliver()
    alert_id = posted.json()["alertId"]
    enrichment = api.call("GET", f"/api/alerts/{quote(alert_id, safe='')}/deployments")
    assert enrichment.status == 200, (alert, enrichment.body)
    assert enrichment.json()["alertId"] == alert_id


@pytest.mark.parametrize("report_time", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z"])
def test_report_times_no_window_can_hold_are_422(api: Api, report_time: str) -> None:
    # Regression: these were accepted (202), then correlation overflowed datetime computing the
    # window, and the alert was retried into the dead-letter queue, never enriched
    posted = api.call("POST", "/api/alerts", {"id": "edge", "reportTime": report_time})
    assert posted.status == 422, posted.body
    assert posted.json()["errors"][0]["field"] == "reportTime"


@pytest.mark.parametrize("resource_id", ["a b", "shop:api", "50%", "é", "a/b"])
def test_ids_that_need_percent_encoding_round_trip(api: Api, alert_bus: Bus, resource_id: str) -> None:
    # Regression: Powertools hands over path segments still percent-encoded, so "a b" was looked
    # up as "a%20b": stored under one id, never found under the other
    encoded = quote(resource_id, safe="")
    registered = api.call("PUT", f"/api/alert-sources/{encoded}", {"name": "Shop API"})
    assert (registered.status, registered.json()["id"]) == (200, resource_id)
    assert api.call("GET", f"/api/alert-sources/{encoded}").json()["id"] == resource_id
    # And an alert with such an id has its enrichment found under it
    assert api.call("POST", "/api/alerts", {"id": resource_id, "reportTime": isoformat(utc_now())}).status == 202
    alert_bus.deliver()
    assert api.call("GET", f"/api/alerts/{encoded}/deployments").json()["alertId"] == resource_id
