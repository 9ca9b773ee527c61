"""The watch of a fresh deployment (§21) on an event's details: watching until its end, or
suspect with the alerts that named it as likely cause, or clean with why it is not watched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from shared.domain.timestamps import utc_now
from tests.browser.conftest import Seeder, Tab
from tests.browser.test_alerts_list import correlated_alert, deployed

pytestmark = pytest.mark.browser


def test_a_fresh_deployment_shows_it_is_watched(tab: Tab, seed: Seeder) -> None:
    # Given a production deployment three minutes ago, named by no alert
    _, change = deployed(seed)
    # When its details are opened
    tab.open(f"/?event={change}")
    # Then the watch says it is watched, until a time
    section = tab.page.locator(".event-watch")
    expect(section.locator(".watch-state")).to_have_text("watching")
    expect(section).to_contain_text("watched until")
    expect(section.locator("time")).to_have_count(1)


def test_a_suspect_deployment_shows_the_alerts_that_named_it(tab: Tab, seed: Seeder) -> None:
    # Given a production deployment that an alert names as likely cause
    pipeline, change = deployed(seed)
    enrichment = correlated_alert(seed, pipeline, f"{pipeline.name} errors")
    assert enrichment["likelyCause"] == change
    # When its details are opened
    tab.open(f"/?event={change}")
    # Then the watch says suspect and links to the alert, with the change's score for it
    section = tab.page.locator(".event-watch")
    expect(section.locator(".watch-state")).to_have_text("suspect")
    link = section.get_by_role("link", name=f"{pipeline.name} errors")
    expect(link).to_have_attribute(
        "href", f"/?alert={enrichment['alertId']}&source={enrichment['alert']['alertSource']['id']}"
    )
    expect(section).to_contain_text(f"{round(enrichment['deployments'][0]['score'] * 100)}%")
    tab.screenshot("event-watch-suspect")


def test_a_staging_deployment_says_why_it_is_not_watched(tab: Tab, seed: Seeder) -> None:
    # Given a staging deployment
    pipeline = seed.pipeline("shop", "Payments")
    change = seed.event(pipeline, "Deployed to staging", at=utc_now() - timedelta(minutes=1), environment="staging")
    # When its details are opened
    tab.open(f"/?event={change}")
    # Then the watch is clean, and says why
    section = tab.page.locator(".event-watch")
    expect(section.locator(".watch-state")).to_have_text("clean")
    expect(section).to_contain_text("only production deployments are watched")
