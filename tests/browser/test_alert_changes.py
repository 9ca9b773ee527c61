"""The alert view as §17 judges its changes (§8): the likely cause first, or "No change stands
out"; each change's score, confidence and evidence; unlikely changes folded; changes after the
alert apart."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from shared.domain.timestamps import isoformat, utc_now
from tests.browser.conftest import PHONE, Pipeline, Seeder, Tab

pytestmark = pytest.mark.browser
MINUS = "\u2212"
"""The page's sign for evidence against a change."""


def alert_of(seed: Seeder, pipeline: Pipeline, labels: dict[str, str], at: datetime) -> dict[str, Any]:
    """An alert of the pipeline's team that fired at ``at``, correlated; its enrichment."""
    alert_id = seed.unique("alert")
    body = {
        "id": alert_id,
        "summary": "Checkout error rate above 5%",
        "reportTime": isoformat(at),
        "alertSource": {"id": seed.unique("source"), "teams": [{"id": pipeline.team_id, "name": pipeline.team_name}]},
        "labels": labels,
    }
    assert seed.system.request("POST", "/api/alerts", body).status == 202
    return seed.enrichment(alert_id)


def seed_cause_beside_an_unlikely_and_a_later_change(seed: Seeder) -> tuple[dict[str, Any], dict[str, str]]:
    """An alert 10 minutes ago; a production deployment of its service 5 minutes before it, a push
    to another service in staging two days before, and a deployment a minute after it (still in
    the past: a future event would lead the other tests' lists)."""
    pipeline = seed.pipeline("shop", "Payments")
    onset = utc_now() - timedelta(minutes=10)
    production = {"service": "shop", "environment": "production"}
    ids = {
        "cause": seed.event(pipeline, f"Deployed {pipeline.name} v2.0", at=onset - timedelta(minutes=5), **production),
        "unlikely": seed.event(
            pipeline,
            f"Pushed search of {pipeline.name}",
            at=onset - timedelta(days=2),
            service="search",
            environment="staging",
        ),
        "after": seed.event(pipeline, f"Rolled back {pipeline.name}", at=onset + timedelta(minutes=1), **production),
    }
    enrichment = alert_of(seed, pipeline, production, onset)
    assert enrichment["likelyCause"] == ids["cause"], enrichment
    return enrichment, ids


def test_the_likely_cause_is_shown_first_with_its_score_confidence_and_evidence(tab: Tab, seed: Seeder) -> None:
    # Given an alert whose likely cause is a deployment of its service 5 minutes before it
    enrichment, ids = seed_cause_beside_an_unlikely_and_a_later_change(seed)
    cause = next(item for item in enrichment["deployments"] if item["id"] == ids["cause"])
    # When the alert's page is opened
    tab.open(f"/?alert={enrichment['alertId']}")
    # Then the likely-cause panel comes first and holds that change, highlighted
    panel = tab.page.locator(".verdict-likely")
    expect(panel.locator(".section-title")).to_have_text("Likely cause")
    card = panel.locator(f'[data-deployment-id="{ids["cause"]}"]')
    expect(card).to_have_class("card deployment deployment-cause")
    assert tab.page.locator("#alert-changes > *").first.get_attribute("class") == "verdict verdict-likely"
    # And its score is a percentage, its confidence a badge, its evidence a list with + and a minus sign
    expect(card.locator(".score-value")).to_have_text(f"{round(cause['score'] * 100)}%")
    expect(card.locator(".confidence")).to_have_text("likely")
    items = card.locator(".evidence-item")
    expect(items).to_have_count(len(cause["evidence"]))
    for index, evidence in enumerate(cause["evidence"]):
        sign = "+" if evidence["weight"] >= 0 else MINUS
        expect(items.nth(index)).to_have_text(f"{sign}{evidence['code']}{evidence['text']}")
    expect(items.filter(has_text="SERVICE").locator(".evidence-sign")).to_have_text("+")
    expect(tab.page.locator(".verdict-none")).to_have_count(0)
    tab.screenshot("alert-likely-cause")


def test_unlikely_changes_are_folded_and_changes_after_the_alert_are_apart(tab: Tab, seed: Seeder) -> None:
    # Given an alert with a likely cause, an unlikely push and a deployment after the alert
    enrichment, ids = seed_cause_beside_an_unlikely_and_a_later_change(seed)
    # When the alert's page is opened
    tab.open(f"/?alert={enrichment['alertId']}")
    # Then the unlikely push is folded under "1 unlikely change", hidden until opened
    folded = tab.page.locator("details.unlikely-changes")
    expect(folded.locator("summary")).to_have_text("1 unlikely change")
    unlikely = folded.locator(f'[data-deployment-id="{ids["unlikely"]}"]')
    expect(unlikely).to_be_hidden()
    folded.locator("summary").click()
    expect(unlikely).to_be_visible()
    expect(unlikely.locator(".confidence")).to_have_text("unlikely")
    # And the deployment after the alert is under "Changed after the alert", never as the cause
    after = tab.page.locator(".after-alert")
    expect(after.locator(".section-title")).to_have_text("Changed after the alert (1)")
    expect(after.locator(f'[data-deployment-id="{ids["after"]}"]')).to_be_visible()
    expect(tab.page.locator(f'.verdict-likely [data-deployment-id="{ids["after"]}"]')).to_have_count(0)
    expect(folded.locator(f'[data-deployment-id="{ids["after"]}"]')).to_have_count(0)
    after.scroll_into_view_if_needed()
    tab.screenshot("alert-unlikely-and-after")


def test_without_a_likely_cause_the_page_says_no_change_stands_out(tab: Tab, seed: Seeder) -> None:
    # Given an alert of service payments whose team deployed, 10 minutes before, a change that names
    # neither a service nor an environment: nothing but time and kind speaks for it
    pipeline = seed.pipeline("front", "Payments")
    onset = utc_now()
    seed.event(pipeline, f"Deployed {pipeline.name}", at=onset - timedelta(minutes=10))
    enrichment = alert_of(seed, pipeline, {"service": "payments", "environment": "production"}, onset)
    assert enrichment["likelyCause"] is None
    [deployment] = enrichment["deployments"]
    # When the alert's page is opened (on a phone)
    tab.page.set_viewport_size(PHONE)
    tab.open(f"/?alert={enrichment['alertId']}")
    # Then a panel says that no change stands out, with the enrichment's sentence, and no likely cause
    panel = tab.page.locator(".verdict-none")
    expect(panel.locator(".verdict-heading")).to_have_text("No change stands out")
    sentence = enrichment["noLikelyCause"].removeprefix("No change stands out: ")
    expect(panel.locator(".verdict-sentence")).to_have_text(sentence[0].upper() + sentence[1:])
    expect(tab.page.locator(".verdict-likely")).to_have_count(0)
    # And the change is listed as possible, with its score
    assert deployment["confidence"] == "possible", deployment
    card = tab.page.locator(f'[data-deployment-id="{deployment["id"]}"]')
    expect(tab.page.locator(".section-title")).to_have_text(["Possible changes (1)"])
    expect(card.locator(".confidence")).to_have_text("possible")
    expect(card.locator(".score-value")).to_have_text(f"{round(deployment['score'] * 100)}%")
    assert tab.horizontal_overflow() <= 0
    tab.screenshot("phone-alert-no-cause")
