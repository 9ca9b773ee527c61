"""The Alerts view (§18): alerts newest first with their likely cause, filters in the address, live
as the overview, each row a link to the alert's view; and "Alerts after this change" on an
event's details. On a desktop and on a phone-sized screen."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from shared.domain.timestamps import isoformat, utc_now
from tests.browser.conftest import PHONE, Pipeline, Seeder, Tab

pytestmark = pytest.mark.browser


def correlated_alert(seed: Seeder, pipeline: Pipeline, summary: str) -> dict[str, Any]:
    """An alert of the pipeline's team and service, a few minutes after its deployment; its enrichment."""
    alert_id = seed.unique("alert")
    body = {
        "id": alert_id,
        "summary": summary,
        "reportTime": isoformat(utc_now()),
        "alertSource": {"id": seed.unique("source"), "teams": [{"id": pipeline.team_id, "name": pipeline.team_name}]},
        "labels": {"service": pipeline.name, "environment": "production"},
    }
    assert seed.system.request("POST", "/api/alerts", body).status == 202
    return seed.enrichment(alert_id)


def deployed(seed: Seeder) -> tuple[Pipeline, str]:
    pipeline = seed.pipeline("shop", "Payments")
    fields = {"service": pipeline.name, "environment": "production"}
    change = seed.event(pipeline, f"Deployed {pipeline.name} v2", at=utc_now() - timedelta(minutes=3), **fields)
    return pipeline, change


def test_the_alerts_view_lists_a_teams_alerts_live_and_links_each_to_its_view(tab: Tab, seed: Seeder) -> None:
    # Given a team's alert whose likely cause is its deployment
    pipeline, change = deployed(seed)
    first = correlated_alert(seed, pipeline, f"{pipeline.name} errors")
    assert first["likelyCause"] == change
    # When the Alerts view is opened filtered to the team
    tab.open(f"/?view=alerts&team={pipeline.team_id}")
    # Then the alert is listed with its likely cause, and the filter shows in its control
    row = tab.page.locator("tr.alert-row").filter(has_text=f"{pipeline.name} errors")
    expect(row).to_be_visible()
    expect(row).to_contain_text(f"Deployed {pipeline.name} v2")
    expect(tab.page.locator("#alerts-team")).to_have_value(pipeline.team_id)
    # And a new alert of the team appears without a reload
    correlated_alert(seed, pipeline, f"{pipeline.name} latency")
    expect(tab.page.locator("tr.alert-row").first).to_contain_text(f"{pipeline.name} latency")
    # And a row opens the alert's view
    row.get_by_role("link", name=f"{pipeline.name} errors").click()
    expect(tab.page).to_have_url(
        f"{tab.base_url}/?alert={first['alertId']}&source={first['alert']['alertSource']['id']}"
    )
    expect(tab.page.locator("#alert-view")).to_be_visible()


def test_the_likely_filter_goes_into_the_address(tab: Tab, seed: Seeder) -> None:
    # Given a team's alert with a likely cause
    pipeline, _ = deployed(seed)
    correlated_alert(seed, pipeline, f"{pipeline.name} errors")
    tab.open(f"/?view=alerts&team={pipeline.team_id}")
    expect(tab.page.locator("tr.alert-row")).to_have_count(1)
    # When "Likely cause only" is ticked
    tab.page.get_by_label("Likely cause only").check()
    # Then the address holds the filter and the alert is still listed
    expect(tab.page).to_have_url(f"{tab.base_url}/?view=alerts&team={pipeline.team_id}&likely=true")
    expect(tab.page.locator("tr.alert-row")).to_have_count(1)


def test_an_events_details_show_the_alerts_after_it(tab: Tab, seed: Seeder) -> None:
    # Given a deployment named by an alert
    pipeline, change = deployed(seed)
    enrichment = correlated_alert(seed, pipeline, f"{pipeline.name} errors")
    # When the event's details are opened
    tab.open(f"/?event={change}")
    # Then "Alerts after this change" links to the alert, with the change's score for it
    section = tab.page.locator(".event-alerts")
    expect(section).to_contain_text("Alerts after this change")
    link = section.get_by_role("link", name=f"{pipeline.name} errors")
    expect(link).to_have_attribute(
        "href", f"/?alert={enrichment['alertId']}&source={enrichment['alert']['alertSource']['id']}"
    )
    expect(section).to_contain_text(f"{round(enrichment['deployments'][0]['score'] * 100)}%")


def test_the_alerts_view_fits_a_phone(tab: Tab, seed: Seeder) -> None:
    # Given a team's alert, on a phone-sized screen
    pipeline, _ = deployed(seed)
    correlated_alert(seed, pipeline, f"{pipeline.name} errors")
    tab.page.set_viewport_size(PHONE)
    # When the Alerts view is opened
    tab.open(f"/?view=alerts&team={pipeline.team_id}")
    # Then the row is a card that fits the screen, its link reachable
    row = tab.page.locator("tr.alert-row")
    expect(row).to_be_visible()
    expect(row.get_by_role("link", name=f"{pipeline.name} errors")).to_be_visible()
    assert tab.horizontal_overflow() == 0
    tab.screenshot("alerts-phone")
