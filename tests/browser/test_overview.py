"""The overview page in Chromium against the local runner (§8): what a responder sees and can do."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Route, expect

from shared.domain.models.alert_sources import AlertSourceType
from shared.domain.models.deployments import EventKind
from shared.domain.models.pipelines import IntegrationType
from shared.domain.timestamps import isoformat, utc_now
from tests.browser.conftest import PHONE, Seeder, Tab
from tests.fixture_files import fixture_json

pytestmark = pytest.mark.browser

COMMIT = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"
CLOUDWATCH = "CLOUDWATCH"
"""The alert sources' type of an alarm's alert (§11): not a source one creates, so in no enum."""


def typed_pipeline(seed: Seeder, integration_type: str, name: str) -> dict[str, Any]:
    body = {"name": seed.unique(name), "integrationType": integration_type, "teams": [{"id": seed.unique("team")}]}
    response = seed.system.request("POST", "/api/deployment-pipelines", body)
    assert response.status == 201, response.body
    created: dict[str, Any] = response.json()
    return created


def send_argocd_sync(seed: Seeder, pipeline: dict[str, Any]) -> str:
    """Argo CD's notification, as ilert's template renders it, for a sync that finished just now."""
    sync = fixture_json("argocd/ilert-template-body.velero-test.json")
    sync["app"]["status"]["operationState"]["finishedAt"] = isoformat(utc_now())
    path = f"/api/v1/deployment-events/argocd/{pipeline['integrationKey']}"
    response = seed.system.request("POST", path, sync, admin=False)
    assert response.status == 202, response.body
    event = seed.system.request("GET", f"/api/deployment-events/{response.json()['id']}").json()
    return str(event["summary"])


def send_pagerduty_change(seed: Seeder, pipeline: dict[str, Any]) -> str:
    """A change event at PagerDuty's own path, as PagerDuty's GitHub Action sends it."""
    change = fixture_json("pagerduty/change_event.request.json")
    change["routing_key"] = pipeline["integrationKey"]
    change["payload"]["summary"] = f"Build of {pipeline['name']} passed"
    change["payload"]["timestamp"] = isoformat(utc_now())
    response = seed.system.request("POST", "/v2/change/enqueue", change, admin=False)
    assert response.status == 202, response.body
    return str(change["payload"]["summary"])


def test_the_list_shows_seeded_events_with_their_columns(tab: Tab, seed: Seeder) -> None:
    # Given a pipeline with a successful deployment 14 minutes ago and a failed one 3 minutes ago
    pipeline = seed.pipeline("shop")
    deployed_at = utc_now() - timedelta(minutes=14)
    succeeded = f"Deployed {pipeline.name} v1.4.0"
    failed = f"Deployed {pipeline.name} v1.4.1"
    seed.event(
        pipeline,
        succeeded,
        at=deployed_at,
        environment="production",
        status="success",
        repository="acme/shop",
        version="v1.4.0",
        links=[{"href": "https://ci.example.com/42", "text": "Build 42"}],
    )
    seed.event(pipeline, failed, at=utc_now() - timedelta(minutes=3), environment="staging", status="failed")
    # When the overview opens
    tab.open()
    # Then each event is a row with its pipeline, kind, environment, status, created time and links, newest first
    row = tab.row(succeeded)
    expect(row.locator(".cell-pipeline")).to_contain_text(pipeline.name)
    expect(row.locator(".cell-kind")).to_have_text("custom")
    expect(row.locator(".cell-environment")).to_have_text("production")
    expect(row.locator(".status")).to_have_text("success")
    expect(row.locator(".status")).to_have_class(re.compile(r"\bstatus-success\b"))
    expect(row.locator(".when-relative")).to_have_text("14 min ago")
    expect(row.locator(".when-absolute")).to_contain_text(str(deployed_at.year))
    expect(row.locator(".when-absolute")).to_contain_text(deployed_at.strftime("%H:%M:%S"))
    expect(row.get_by_role("link", name="Build 42")).to_have_attribute("href", "https://ci.example.com/42")
    expect(tab.row(failed).locator(".status")).to_have_class(re.compile(r"\bstatus-failure\b"))
    summaries = tab.page.locator(".summary-button").all_inner_texts()
    assert summaries.index(failed) < summaries.index(succeeded)
    tab.screenshot("list")


def test_event_text_is_shown_as_text_never_as_html(tab: Tab, seed: Seeder) -> None:
    # Given an event whose summary and environment contain markup
    pipeline = seed.pipeline("markup")
    summary = f'<img src="/x-{pipeline.name}" data-injected="1"> deployed {pipeline.name}'
    seed.event(pipeline, summary, environment="<b>production</b>")
    # When the overview shows it
    tab.open()
    # Then the markup is visible as text and no element was created from it
    row = tab.row(summary)
    expect(row.locator(".cell-environment")).to_have_text("<b>production</b>")
    expect(tab.page.locator("[data-injected]")).to_have_count(0)
    expect(row.locator("b")).to_have_count(0)


def test_an_event_posted_after_the_page_loaded_appears_within_10_seconds_without_a_reload(
    tab: Tab, seed: Seeder
) -> None:
    # Given the overview is open and showing a pipeline's first event
    pipeline = seed.pipeline("live")
    seed.event(pipeline, f"Deployed {pipeline.name} v1")
    tab.open()
    expect(tab.row(f"Deployed {pipeline.name} v1")).to_be_visible()
    tab.page.evaluate("() => { window.stillTheSamePage = true; }")
    # When the pipeline sends a new event
    new_event_id = seed.event(pipeline, f"Deployed {pipeline.name} v2")
    # Then it appears on top within 10 s, marked as new, in the same page, which says when it refreshed
    new_row = tab.row(f"Deployed {pipeline.name} v2")
    expect(new_row).to_be_visible(timeout=10_000)
    expect(new_row).to_have_class(re.compile(r"\bis-new\b"))
    expect(tab.page.locator("tr.event-row").first).to_have_attribute("data-event-id", new_event_id)
    assert tab.page.evaluate("() => window.stillTheSamePage === true")
    expect(tab.page.locator("#refresh-text")).to_contain_text("updated")


def test_the_pipeline_filter_narrows_the_list_and_the_query_string(tab: Tab, seed: Seeder) -> None:
    # Given two pipelines with one event each
    shop, billing = seed.pipeline("shop"), seed.pipeline("billing")
    seed.event(shop, f"Deployed {shop.name}")
    seed.event(billing, f"Deployed {billing.name}")
    tab.open()
    expect(tab.row(f"Deployed {billing.name}")).to_be_visible()
    # When the shop pipeline is picked
    tab.page.get_by_label("Pipeline").select_option(shop.id)
    # Then only its events are listed, and the address is a link to this view
    expect(tab.row(f"Deployed {billing.name}")).to_have_count(0)
    expect(tab.row(f"Deployed {shop.name}")).to_be_visible()
    expect(tab.page).to_have_url(re.compile(rf"/\?pipeline={shop.id}$"))


def test_the_team_filter_narrows_the_list_and_the_query_string(tab: Tab, seed: Seeder) -> None:
    # Given pipelines of two teams with one event each
    payments, growth = seed.pipeline("checkout", "Payments"), seed.pipeline("campaigns", "Growth")
    seed.event(payments, f"Deployed {payments.name}")
    seed.event(growth, f"Deployed {growth.name}")
    tab.open()
    expect(tab.row(f"Deployed {payments.name}")).to_be_visible()
    # When the Growth team is picked
    tab.page.get_by_label("Team").select_option(label=growth.team_name)
    # Then only that team's events are listed, and the query string names the team
    expect(tab.row(f"Deployed {payments.name}")).to_have_count(0)
    expect(tab.row(f"Deployed {growth.name}")).to_be_visible()
    expect(tab.page).to_have_url(re.compile(rf"/\?team={growth.team_id}$"))


def test_the_date_range_filter_narrows_the_list_and_the_query_string(tab: Tab, seed: Seeder) -> None:
    # Given a pipeline with an event ten days ago and one an hour ago
    pipeline = seed.pipeline("dates")
    old, recent = f"Deployed {pipeline.name} v1", f"Deployed {pipeline.name} v2"
    seed.event(pipeline, old, at=utc_now() - timedelta(days=10))
    seed.event(pipeline, recent, at=utc_now() - timedelta(hours=1))
    tab.open(f"/?pipeline={pipeline.id}")
    expect(tab.row(old)).to_be_visible()
    # When the range starts three days ago
    three_days_ago = (utc_now() - timedelta(days=3)).date().isoformat()
    filters = tab.page.get_by_role("search", name="Filter deployment events")
    filters.get_by_label("From").fill(three_days_ago)
    # Then only the recent event is listed, and the query string carries the start
    expect(tab.row(old)).to_have_count(0)
    expect(tab.row(recent)).to_be_visible()
    expect(tab.page).to_have_url(re.compile(rf"[?&]from={three_days_ago}(&|$)"))
    # And a shared link that ends the range five days ago lists only the old event
    five_days_ago = (utc_now() - timedelta(days=5)).date().isoformat()
    tab.open(f"/?pipeline={pipeline.id}&until={five_days_ago}")
    expect(tab.row(old)).to_be_visible()
    expect(tab.row(recent)).to_have_count(0)
    expect(filters.get_by_label("Until")).to_have_value(five_days_ago)


def test_the_detail_view_shows_custom_details_commit_and_links(tab: Tab, seed: Seeder) -> None:
    # Given an event with a commit, a branch, links and custom details
    pipeline = seed.pipeline("detail")
    summary = f"Deployed {pipeline.name} v2.0.0"
    seed.event(
        pipeline,
        summary,
        environment="production",
        repository="acme/shop",
        version="v2.0.0",
        commitSha=COMMIT,
        branch="main",
        userName="Alice",
        userEmail="alice@example.com",
        links=[{"href": "https://ci.example.com/77", "text": "Build 77"}, {"href": "https://github.com/acme/shop"}],
        customDetails={"build": 77, "checks": {"unit": "passed", "e2e": "passed"}},
    )
    tab.open()
    # When its row is opened with the keyboard
    tab.row(summary).get_by_role("button", name=summary).focus()
    tab.page.keyboard.press("Enter")
    # Then the detail view shows the commit, branch, teams, links and the custom details pretty-printed
    detail = tab.page.get_by_role("dialog", name=summary)
    expect(detail).to_be_visible()
    expect(detail).to_contain_text(COMMIT)
    expect(detail).to_contain_text("main")
    expect(detail).to_contain_text(pipeline.team_name)
    expect(detail).to_contain_text("alice@example.com")
    expect(detail.get_by_role("link", name="Build 77")).to_have_attribute("href", "https://ci.example.com/77")
    expect(detail.get_by_role("link", name="https://github.com/acme/shop")).to_be_visible()
    custom_details = detail.locator("pre.json")
    expect(custom_details).to_contain_text('"build": 77')
    expect(custom_details).to_contain_text('\n    "e2e": "passed"')
    tab.screenshot("detail")
    # And Escape closes it
    tab.page.keyboard.press("Escape")
    expect(detail).to_be_hidden()


def test_an_alert_link_shows_scope_claiming_teams_and_each_deployments_reason_and_score(tab: Tab, seed: Seeder) -> None:
    # Given Payments deployed 14 minutes ago and an alert of Payments was correlated
    pipeline = seed.pipeline("checkout", "Payments")
    seed.event(
        pipeline,
        f"Deployed {pipeline.name} v3.1.0 to production",
        at=utc_now() - timedelta(minutes=14),
        environment="production",
        status="success",
    )
    alert_id = seed.unique("alert")
    seed.alert(alert_id, [{"id": pipeline.team_id, "name": pipeline.team_name}], {"environment": "production"})
    [deployment] = seed.enrichment(alert_id)["deployments"]
    # When the alert's link is opened
    tab.open(f"/?alert={alert_id}")
    # Then the page shows the scope in words, the claiming team, and the deployment with its reason and score
    expect(tab.page.locator(".scope")).to_have_text(f"Claimed by team {pipeline.team_name}")
    expect(tab.page.locator("#alert-facts .chip")).to_have_text([pipeline.team_name])
    card = tab.page.locator(f'[data-deployment-id="{deployment["id"]}"]')
    expect(card.locator(".deployment-summary")).to_have_text(deployment["summary"])
    expect(card.locator(".reason")).to_contain_text(deployment["reason"])
    expect(card.locator(".score-value")).to_have_text(f"{round(deployment['score'] * 100)}%")
    expect(card).to_contain_text(pipeline.name)
    # And where the alert came from, the labels it was matched with, and that nobody was notified
    expect(tab.page.locator(".alert-origin")).to_have_text("Alert · Shop API")
    expect(tab.page.locator(".alert-labels .chip-label")).to_have_text(["environment=production"])
    expect(tab.page.locator("#alert-notifications")).to_have_text("No notifications recorded")
    tab.screenshot("alert")


def test_an_alert_not_correlated_yet_says_so_and_shows_its_enrichment_once_it_is(tab: Tab, seed: Seeder) -> None:
    # Given the link of an alert that has not arrived yet
    alert_id = seed.unique("alert")
    tab.open(f"/?alert={alert_id}")
    expect(tab.page.locator("#alert-state")).to_contain_text(f"Alert {alert_id} has not been correlated yet")
    tab.screenshot("alert-pending")
    # When the alert arrives, from a team that owns no pipeline
    seed.alert(alert_id, [{"id": seed.unique("team"), "name": "Nobody"}])
    # Then the page shows the account-wide enrichment by itself
    expect(tab.page.locator(".scope")).to_have_text("Account-wide, time-based", timeout=10_000)


def test_an_alert_link_with_its_source_shows_that_sources_alert(tab: Tab, seed: Seeder) -> None:
    # Given the same alert id posted through two alert sources, the second correlated last
    alert_id = seed.unique("alert")
    sources = {seed.unique("source"): "Through the first source", seed.unique("source"): "Through the second source"}
    for source, summary in sources.items():
        body = {"id": alert_id, "summary": summary, "reportTime": isoformat(utc_now()), "alertSource": {"id": source}}
        assert seed.system.request("POST", "/api/alerts", body).status == 202
        seed.enrichment(alert_id, source)
    first, _ = sources
    # When the link a notification gives, with the first source, is opened
    tab.open(f"/?alert={alert_id}&source={first}")
    # Then the page shows the first source's alert, and reads its notifications under that source
    expect(tab.page.locator("#alert-title")).to_contain_text("Through the first source")
    expect(tab.page.locator("#alert-notifications")).to_have_text("No notifications recorded")
    assert any(f"/notifications?source={first}" in url for url in tab.requested_urls)
    # And without a source, the page shows the alert of that id correlated last (§22)
    tab.open(f"/?alert={alert_id}")
    expect(tab.page.locator("#alert-title")).to_contain_text("Through the second source")


def test_a_token_in_the_fragment_is_stored_and_removed_from_the_address(tab: Tab) -> None:
    # Given the link `make run` prints, with the token in the fragment
    # When it is opened
    tab.open()
    # Then the list loads, the token is in session storage and no longer in the address bar
    expect(tab.page.get_by_role("heading", name="Deployment events", level=1)).to_be_visible()
    expect(tab.page).to_have_url(f"{tab.base_url}/")
    stored = tab.page.evaluate("() => sessionStorage.getItem('deployment-events.admin-token')")
    assert stored == tab.admin_token


def test_without_a_token_the_page_asks_for_it(tab: Tab) -> None:
    # Given a tab that has no token
    # When the overview opens
    tab.open_without_token()
    # Then it asks for the token, and once given shows the list
    token_input = tab.page.get_by_label("Admin token", exact=True)
    expect(token_input).to_be_focused()
    tab.screenshot("token-prompt")
    token_input.fill(tab.admin_token)
    tab.page.get_by_role("button", name="Continue").click()
    expect(tab.page.get_by_role("heading", name="Deployment events", level=1)).to_be_visible()
    expect(tab.page.get_by_label("Admin token", exact=True)).to_be_hidden()


def test_a_wrong_token_is_forgotten_and_asked_for_again_with_the_reason(tab: Tab) -> None:
    # Given a link with a wrong token
    # When it is opened
    tab.open(token="not-the-admin-token")
    # Then the page says the token was not accepted, forgets it and asks again
    expect(tab.page.get_by_role("alert")).to_contain_text("admin token was not accepted")
    expect(tab.page.get_by_label("Admin token", exact=True)).to_be_visible()
    assert tab.page.evaluate("() => sessionStorage.getItem('deployment-events.admin-token')") is None


def test_a_phone_sized_screen_never_scrolls_sideways(tab: Tab, seed: Seeder) -> None:
    # Given an event with long unbroken texts and an alert enriched with it
    pipeline = seed.pipeline("phone")
    summary = f"Deployed {pipeline.name} {'a-very-long-unbroken-service-name-' * 3}to production"
    seed.event(
        pipeline,
        summary,
        environment="production-eu-central-1-blue-green",
        repository="acme/a-repository-with-a-really-long-name-for-testing",
        commitSha=COMMIT,
        status="success",
        links=[{"href": f"https://ci.example.com/{'x' * 120}", "text": f"https://ci.example.com/{'x' * 120}"}],
    )
    alert_id = seed.unique("alert")
    seed.alert(alert_id, [{"id": pipeline.team_id, "name": pipeline.team_name}])
    seed.enrichment(alert_id)
    tab.page.set_viewport_size(PHONE)
    # When the list and the alert are shown at 390 x 844
    tab.open()
    expect(tab.row(summary)).to_be_visible()
    # Then rows are cards and nothing is wider than the screen
    assert tab.row(summary).evaluate("row => getComputedStyle(row).display") == "grid"
    assert tab.horizontal_overflow() <= 0
    tab.screenshot("phone-list")
    tab.open(f"/?alert={alert_id}")
    expect(tab.page.locator(".scope")).to_be_visible()
    assert tab.horizontal_overflow() <= 0
    tab.screenshot("phone-alert")


def test_a_filter_without_events_shows_the_empty_state_in_words(tab: Tab, seed: Seeder) -> None:
    # Given a pipeline that has sent nothing
    pipeline = seed.pipeline("quiet")
    # When the list is filtered to it
    tab.open(f"/?pipeline={pipeline.id}")
    # Then the page says there are no events yet and how to send one
    state = tab.page.locator("#list-state")
    expect(state).to_contain_text("No deployment events yet")
    expect(state).to_contain_text(f"curl -X POST {tab.base_url}/api/deployment-events")
    tab.screenshot("empty")


def test_a_failing_server_shows_the_error_in_words_and_recovers(tab: Tab) -> None:
    # Given the events API answers 503
    events_api = re.compile(r"/api/deployment-events\?")

    def unavailable(route: Route) -> None:
        route.fulfill(status=503, json={"status": "rejected", "code": "busy", "message": "The table is busy"})

    tab.page.route(events_api, unavailable)
    # When the overview opens
    tab.open()
    # Then it says the events could not be loaded, and why
    state = tab.page.locator("#list-state")
    expect(state).to_contain_text("Could not load deployment events")
    expect(state).to_contain_text("The table is busy (HTTP 503")
    tab.screenshot("error")
    # And once the server answers again, Retry loads the list
    tab.page.unroute(events_api)
    tab.page.get_by_role("button", name="Retry now").click()
    expect(state).not_to_contain_text("Could not load deployment events")
    expect(tab.page.locator("#refresh-text")).to_contain_text("updated")


def test_load_more_appends_the_next_page_of_older_events(tab: Tab, seed: Seeder) -> None:
    # Given a pipeline with one event more than a page holds
    pipeline = seed.pipeline("busy")
    page_size = 50
    started = utc_now() - timedelta(hours=3)
    for number in range(page_size + 1):
        seed.event(pipeline, f"Deployed {pipeline.name} build {number}", at=started + timedelta(minutes=number))
    tab.open(f"/?pipeline={pipeline.id}")
    expect(tab.page.locator("tr.event-row")).to_have_count(page_size)
    # When Load more is pressed
    tab.page.get_by_role("button", name="Load more").click()
    # Then the oldest event is added at the bottom, and there is nothing more to load
    expect(tab.page.locator("tr.event-row")).to_have_count(page_size + 1)
    expect(tab.page.locator("tr.event-row").last).to_contain_text(f"Deployed {pipeline.name} build 0")
    expect(tab.page.get_by_role("button", name="Load more")).to_be_hidden()


def test_a_pipelines_recent_deliveries_show_what_became_of_each(tab: Tab, seed: Seeder) -> None:
    # Given a pipeline that took one event and refused a broken one
    pipeline = seed.pipeline("deliveries")
    seed.event(pipeline, "Deployed the log")
    broken = seed.system.request(
        "POST", "/api/deployment-events", {"integrationKey": pipeline.integration_key}, admin=False
    )
    assert broken.status == 422
    # When its deliveries are opened on the overview
    tab.open(f"/?pipeline={pipeline.id}")
    tab.page.locator("#deliveries-panel summary").click()
    # Then both are listed, newest first, with their status and outcome
    rows = tab.page.locator("#deliveries-body tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator(".delivery-outcome")).to_have_text("rejected")
    expect(rows.nth(0)).to_contain_text("422")
    expect(rows.nth(0)).to_contain_text("summary")
    expect(rows.nth(1).locator(".delivery-outcome")).to_have_text("accepted")
    expect(tab.page.locator(".deliveries-caption")).to_have_text(f"Deliveries to {pipeline.name} (API), newest first")
    tab.screenshot("deliveries")


def test_the_preview_form_shows_what_would_attach_and_stores_nothing(tab: Tab, seed: Seeder) -> None:
    # Given a deployment of a team's pipeline a few minutes ago
    pipeline = seed.pipeline("preview", "Payments")
    seed.event(pipeline, f"Deployed {pipeline.name}", at=utc_now() - timedelta(minutes=3), service="shop")
    tab.open("/")
    tab.page.locator("#preview-panel summary").click()
    # When an alert of that team is previewed
    alert_id = seed.unique("preview")
    alert = {
        "id": alert_id,
        "reportTime": isoformat(utc_now()),
        "alertSource": {"teams": [{"id": pipeline.team_id}]},
        "labels": {"service": "shop"},
    }
    tab.page.locator("#preview-body").fill(json.dumps(alert))
    tab.page.locator("#preview-submit").click()
    # Then the deployment is shown with its reason, and nothing was stored
    expect(tab.page.locator("#preview-result")).to_contain_text("Nothing was stored")
    expect(tab.page.locator(".preview-scope")).to_contain_text("TEAM")
    expect(tab.page.locator(".preview-deployment").first).to_contain_text(f"Deployed {pipeline.name}")
    assert seed.system.request("GET", f"/api/alerts/{alert_id}/deployments").status == 404
    tab.screenshot("preview")


def test_the_alert_sources_are_listed_without_their_keys(tab: Tab, seed: Seeder) -> None:
    name = seed.unique("prometheus")
    created = seed.system.request(
        "POST", "/api/alert-sources", {"name": name, "integrationType": "ALERTMANAGER", "teams": [{"id": "sre"}]}
    ).json()
    tab.open("/")
    tab.page.locator("#sources-panel summary").click()
    source = tab.page.locator(f'[data-source-id="{created["id"]}"]')
    expect(source).to_contain_text(name)
    expect(source).to_contain_text("Alertmanager")
    expect(source).not_to_contain_text(created["integrationKey"])


def test_every_integration_type_has_a_label(tab: Tab) -> None:
    # Given every integration type the API can name: pipelines', alert sources' and an alarm's
    types = {*IntegrationType, *AlertSourceType, CLOUDWATCH}
    # When the page's label table is read
    tab.open()
    expect(tab.page.get_by_role("heading", name="Deployment events", level=1)).to_be_visible()
    labels = tab.page.evaluate("async () => (await import('/assets/labels.js')).INTEGRATION_LABELS")
    # Then each type has a label, and no label is the raw enum value but where it reads as one (API)
    assert set(labels) == {str(integration_type) for integration_type in types}
    assert [name for name, label in labels.items() if label == name] == ["API"]


def test_argo_cd_and_pagerduty_change_events_are_called_by_their_senders_names(tab: Tab, seed: Seeder) -> None:
    # Given an Argo CD sync and a PagerDuty change event, each through its own pipeline, just now
    argocd = typed_pipeline(seed, "ARGOCD", "argocd")
    pagerduty = typed_pipeline(seed, "PAGERDUTY_CHANGE", "pagerduty")
    synced = send_argocd_sync(seed, argocd)
    changed = send_pagerduty_change(seed, pagerduty)
    # When the overview lists them
    tab.open()
    # Then each row names its sender as people do, not by the API's enum value
    expect(tab.row(synced).locator(".cell-pipeline .tag")).to_have_text("Argo CD")
    expect(tab.row(changed).locator(".cell-pipeline .tag")).to_have_text("PagerDuty Change Events")
    tab.screenshot("argocd-list")
    # And so do the pipeline filter's choices
    pipeline_filter = tab.page.locator("#filter-pipeline")
    expect(pipeline_filter.locator(f'option[value="{argocd["id"]}"]')).to_have_text(f"{argocd['name']} (Argo CD)")
    expect(pipeline_filter.locator(f'option[value="{pagerduty["id"]}"]')).to_have_text(
        f"{pagerduty['name']} (PagerDuty Change Events)"
    )
    # And the event's details
    tab.row(synced).get_by_role("button", name=synced).click()
    expect(tab.page.get_by_role("dialog", name=synced).locator(".detail-badges .tag")).to_have_text("Argo CD")


def test_every_kind_of_change_has_a_label(tab: Tab) -> None:
    # When the page's label table of kinds is read
    tab.open()
    expect(tab.page.get_by_role("heading", name="Deployment events", level=1)).to_be_visible()
    labels = tab.page.evaluate("async () => (await import('/assets/labels.js')).KIND_LABELS")
    # Then every kind has one, and §20's configuration pushes say what they are
    assert set(labels) == {str(kind) for kind in EventKind}
    assert (labels["flag"], labels["infra"]) == ("feature flag", "infrastructure")


def test_flag_changes_and_terraform_applies_are_labelled_by_sender_and_kind(tab: Tab, seed: Seeder) -> None:
    # Given an Unleash flag enabled and a Terraform run applied just now, each through its pipeline
    unleash = typed_pipeline(seed, "UNLEASH", "unleash")
    terraform = typed_pipeline(seed, "TERRAFORM", "terraform")
    enabled = fixture_json("changes/unleash/feature-environment-enabled.unleash-docs.json")
    enabled.update(createdAt=isoformat(utc_now()), featureName=seed.unique("flag"))
    applied = fixture_json("changes/terraform/run-notification.run-completed-applied.built-from-tfc-docs.json")
    applied.update(workspace_name=seed.unique("workspace"), run_id=seed.unique("run"))
    applied["notifications"][0]["run_updated_at"] = isoformat(utc_now())
    summaries = []
    for pipeline, source, body in ((unleash, "unleash", enabled), (terraform, "terraform", applied)):
        path = f"/api/v1/deployment-events/{source}/{pipeline['integrationKey']}"
        response = seed.system.request("POST", path, body, admin=False)
        assert response.status == 202, response.body
        stored = seed.system.request("GET", f"/api/deployment-events/{response.json()['id']}").json()
        summaries.append(stored["summary"])
    # When the overview lists them
    tab.open()
    # Then each row names its sender and its kind as people do
    flag_row, infra_row = tab.row(summaries[0]), tab.row(summaries[1])
    expect(flag_row.locator(".cell-pipeline .tag")).to_have_text("Unleash")
    expect(flag_row.locator(".cell-kind")).to_have_text("feature flag")
    expect(infra_row.locator(".cell-pipeline .tag")).to_have_text("HCP Terraform")
    expect(infra_row.locator(".cell-kind")).to_have_text("infrastructure")


def test_the_alert_view_is_titled_by_the_alerts_summary_with_its_id_beside_it(tab: Tab, seed: Seeder) -> None:
    # Given a correlated alert with a summary, and one without
    alert_id, bare_id = seed.unique("alert"), seed.unique("bare")
    seed.alert(alert_id, [{"id": seed.unique("team"), "name": "Nobody"}])
    bare = {"id": bare_id, "reportTime": isoformat(utc_now())}
    assert seed.system.request("POST", "/api/alerts", bare).status == 202
    seed.enrichment(alert_id)
    seed.enrichment(bare_id)
    # When the alert's link is opened
    tab.open(f"/?alert={alert_id}")
    # Then its summary is the title, with its id beside it, and the tab is named after it too
    title = tab.page.get_by_role("heading", level=1)
    expect(title).to_have_text(f"Checkout error rate above 5% {alert_id}")
    expect(title.locator(".alert-id")).to_have_text(alert_id)
    expect(tab.page).to_have_title("Checkout error rate above 5% · Deployment events")
    # And an alert without a summary is titled by its id
    tab.open(f"/?alert={bare_id}")
    expect(tab.page.locator(".scope")).to_be_visible()
    expect(title).to_have_text(f"Alert {bare_id}")


def test_a_team_the_alert_names_by_id_only_is_shown_by_its_pipelines_name(tab: Tab, seed: Seeder) -> None:
    # Given Payments deployed, and an alert whose team is named by id only, as a team label does
    pipeline = seed.pipeline("labelled", "Payments")
    seed.event(pipeline, f"Deployed {pipeline.name}", at=utc_now() - timedelta(minutes=5))
    alert_id = seed.unique("alert")
    seed.alert(alert_id, [{"id": pipeline.team_id}])
    seed.enrichment(alert_id)
    # When the alert's link is opened
    tab.open(f"/?alert={alert_id}")
    # Then the claiming team and the reason carry the name the pipeline gives the team
    expect(tab.page.locator(".scope")).to_have_text(f"Claimed by team {pipeline.team_name}")
    expect(tab.page.locator(".reason")).to_contain_text(f"owned by team {pipeline.team_name}")


def test_switching_views_quickly_never_shows_the_previous_views_results(tab: Tab, seed: Seeder) -> None:
    # Given two pipelines with an event each, and a server slow to list the first one's
    slow, quick = seed.pipeline("slow"), seed.pipeline("quick")
    seed.event(slow, f"Deployed {slow.name}")
    seed.event(quick, f"Deployed {quick.name}")
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    slow_listing = re.compile(rf"/api/deployment-events\?pipeline={slow.id}&")
    tab.page.route(slow_listing, hold)
    with tab.page.expect_request(slow_listing):
        tab.open(f"/?pipeline={slow.id}")
    # When the other pipeline is picked before the first one's events arrive
    with tab.page.expect_event("requestfailed", lambda request: bool(slow_listing.search(request.url))) as aborted:
        tab.page.get_by_label("Pipeline").select_option(quick.id)
    # Then the first view's request is aborted, and only the second view's events are listed, without an error
    assert aborted.value.failure == "net::ERR_ABORTED"
    for route in held:
        route.continue_()
    expect(tab.row(f"Deployed {quick.name}")).to_be_visible()
    expect(tab.row(f"Deployed {slow.name}")).to_have_count(0)
    expect(tab.page.locator("#list-state")).to_be_hidden()
    expect(tab.page).to_have_url(re.compile(rf"/\?pipeline={quick.id}$"))
