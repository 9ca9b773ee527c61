"""The Delivery view (§19): DORA's five figures of a service, team or pipeline with their bands and
weekly charts, filters in the address; on a desktop and on a phone-sized screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from shared.domain.timestamps import utc_now
from tests.browser.conftest import PHONE, Pipeline, Seeder, Tab

pytestmark = pytest.mark.browser
TITLES = (
    "Deployment frequency",
    "Change lead time",
    "Change fail rate",
    "Failed deployment recovery time",
    "Rework rate",
)


def deployments(seed: Seeder, count: int) -> Pipeline:
    """``count`` production deployments of the pipeline's service, a day apart."""
    pipeline = seed.pipeline("shop", "Payments")
    for index in range(count):
        at = utc_now() - timedelta(days=index + 1)
        seed.event(pipeline, f"Deployed v{index}", at=at, service=pipeline.name, environment="production")
    return pipeline


def test_the_view_shows_five_figures_with_bands_and_charts(tab: Tab, seed: Seeder) -> None:
    # Given a service deployed daily for two weeks
    pipeline = deployments(seed, 14)
    # When the Delivery view is opened for it
    tab.open(f"/?view=delivery&service={pipeline.name}")
    # Then the five figures show, the frequency with its value and band, each with a weekly chart
    cards = tab.page.locator("article.delivery-card")
    expect(cards).to_have_count(5)
    for card, title in zip(cards.all(), TITLES, strict=True):
        expect(card.get_by_role("heading")).to_have_text(title)
        expect(card.locator("svg.delivery-chart rect")).to_have_count(5)
    frequency = tab.page.locator("[data-metric=deploymentFrequency]")
    expect(frequency.locator(".delivery-figure")).to_have_text("3.3 a week")
    expect(frequency.locator(".band")).to_have_text("high")
    expect(tab.page.locator("[data-metric=changeFailRate] .delivery-figure")).to_have_text("0.0%")
    expect(tab.page.locator("[data-metric=changeLeadTime] .delivery-figure")).to_have_text("No value")
    expect(tab.page.locator("#delivery-summary")).to_contain_text("14 deployments in production")


def test_the_filters_change_the_address(tab: Tab, seed: Seeder) -> None:
    # Given a team's pipeline with deployments
    pipeline = deployments(seed, 3)
    tab.open("/?view=delivery")
    expect(tab.page.locator("#delivery-state")).to_contain_text("Choose a service")
    # When the team is chosen in the filters
    tab.page.locator("#delivery-scope").select_option("team")
    tab.page.locator("#delivery-name").fill(pipeline.team_id)
    tab.page.locator("#delivery-name").press("Enter")
    tab.page.locator("#delivery-name").dispatch_event("change")
    # Then the address holds the filter, and the figures are the team's
    expect(tab.page).to_have_url(f"{tab.base_url}/?view=delivery&team={pipeline.team_id}")
    expect(tab.page.locator("#delivery-summary")).to_contain_text("3 deployments")
    # And a bad window is an error, not a blank page
    tab.open(f"/?view=delivery&team={pipeline.team_id}&from=2020-01-01")
    expect(tab.page.locator("#delivery-state")).to_contain_text("Could not measure")


def test_the_view_fits_a_phone(tab: Tab, seed: Seeder) -> None:
    # Given a service with deployments, on a phone-sized screen
    pipeline = deployments(seed, 5)
    tab.page.set_viewport_size(PHONE)
    # When the Delivery view is opened
    tab.open(f"/?view=delivery&service={pipeline.name}")
    # Then the figures show one under another, and nothing scrolls sideways
    expect(tab.page.locator("article.delivery-card")).to_have_count(5)
    expect(tab.page.locator("[data-metric=reworkRate] .band")).to_have_text("no band")
    assert tab.horizontal_overflow() == 0
    tab.screenshot("delivery-phone")
