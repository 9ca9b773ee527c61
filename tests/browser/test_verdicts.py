"""§18's verdict buttons on the alert view: "Caused it", "Not related" and "Withdraw" call the
admin API with the page's token, and the page shows the enrichment as it then stands: a change
ruled out struck through, a confirmed one as the confirmed cause, each with who said so."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, Seeder, Tab
from tests.browser.test_alert_changes import seed_cause_beside_an_unlikely_and_a_later_change

pytestmark = pytest.mark.browser


def standing_verdicts(seed: Seeder, alert_id: str, source: str) -> list[tuple[str, str]]:
    response = seed.system.request("GET", f"/api/alerts/{alert_id}/verdicts?source={source}")
    assert response.status == 200, response.body
    return [(item["eventId"], item["verdict"]) for item in response.json()["verdicts"]]


def test_a_change_is_ruled_out_confirmed_and_withdrawn_from_the_alert_page(tab: Tab, seed: Seeder) -> None:
    # Given an alert whose likely cause is a deployment, and its page
    enrichment, ids = seed_cause_beside_an_unlikely_and_a_later_change(seed)
    alert_id, source = enrichment["alertId"], enrichment["alert"]["alertSource"]["id"]
    tab.open(f"/?alert={alert_id}")
    cause = tab.page.locator(f'.verdict-likely [data-deployment-id="{ids["cause"]}"]')
    expect(cause).to_be_visible()
    # When the responder says the likely cause is not related
    cause.get_by_role("button", name="Not related").click()
    # Then it is struck through among the changes ruled out, by the admin, and no longer the likely cause
    ruled_out = tab.page.locator(f'.changes-ruled-out [data-deployment-id="{ids["cause"]}"]')
    expect(ruled_out).to_have_class("card deployment deployment-ruled-out")
    expect(ruled_out.locator(".deployment-summary")).to_have_css("text-decoration-line", "line-through")
    expect(ruled_out.locator(".verdict-badge")).to_have_text("ruled out by admin")
    expect(tab.page.locator(".verdict-likely")).to_have_count(0)
    assert standing_verdicts(seed, alert_id, source) == [(ids["cause"], "NOT_RELATED")]
    tab.screenshot("alert-verdict-ruled-out")
    # When the responder changes their mind: it caused the alert after all
    ruled_out.get_by_role("button", name="Caused it").click()
    # Then it is the confirmed cause, with its badge and a score of 100%
    confirmed = tab.page.locator(f'.verdict-likely [data-deployment-id="{ids["cause"]}"]')
    expect(tab.page.locator(".verdict-likely .section-title")).to_have_text("Confirmed cause")
    expect(confirmed.locator(".verdict-badge")).to_have_text("confirmed by admin")
    expect(confirmed.locator(".score-value")).to_have_text("100%")
    expect(confirmed.locator(".evidence-item").first).to_contain_text("FEEDBACK")
    tab.screenshot("alert-verdict-confirmed")
    # When the verdict is withdrawn
    confirmed.get_by_role("button", name="Withdraw").click()
    # Then the model's likely cause is back, without a badge, and no verdict stands
    expect(tab.page.locator(".verdict-likely .section-title")).to_have_text("Likely cause")
    expect(tab.page.locator(".verdict-badge")).to_have_count(0)
    assert standing_verdicts(seed, alert_id, source) == []


def test_the_verdict_buttons_fit_a_phone(tab: Tab, seed: Seeder) -> None:
    # Given an alert with a likely cause, on a phone-sized screen
    enrichment, ids = seed_cause_beside_an_unlikely_and_a_later_change(seed)
    tab.page.set_viewport_size(PHONE)
    tab.open(f"/?alert={enrichment['alertId']}")
    # When the likely cause is confirmed
    cause = tab.page.locator(f'.verdict-likely [data-deployment-id="{ids["cause"]}"]')
    cause.get_by_role("button", name="Caused it").click()
    # Then the page shows it confirmed, and nothing scrolls sideways
    expect(tab.page.locator(".verdict-likely .verdict-badge")).to_have_text("confirmed by admin")
    assert tab.horizontal_overflow() == 0
    # And changes after the alert have no buttons: they are never its cause
    after = tab.page.locator(f'[data-deployment-id="{ids["after"]}"]')
    expect(after.locator(".verdict-buttons")).to_have_count(0)
