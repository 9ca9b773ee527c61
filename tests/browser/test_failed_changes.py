"""§19's failed changes on the page: the row's badge, and in the details who remediated the
change and after how long, or which change a remediation remediates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from shared.domain.timestamps import utc_now
from tests.browser.conftest import PHONE, Seeder, Tab

pytestmark = pytest.mark.browser


def test_a_rolled_back_change_shows_its_badge_and_its_remediation(tab: Tab, seed: Seeder) -> None:
    # Given shop's v1, v2 and v1 again 12 minutes after v2
    pipeline = seed.pipeline("shop")
    start = utc_now() - timedelta(minutes=30)
    failed, rollback = f"Deployed {pipeline.name} v2", f"Rolled {pipeline.name} back to v1"
    facts = {"service": pipeline.name, "environment": "production"}
    seed.event(pipeline, f"Deployed {pipeline.name} v1", at=start, version="v1", **facts)
    failed_id = seed.event(pipeline, failed, at=start + timedelta(minutes=5), version="v2", **facts)
    rollback_id = seed.event(pipeline, rollback, at=start + timedelta(minutes=17), version="v1", **facts)
    # When the overview opens
    tab.open()
    # Then v2's row wears a "rolled back" badge, and the others none
    expect(tab.row(failed).locator(".failure-badge")).to_have_text("rolled back")
    expect(tab.row(rollback).locator(".failure-badge")).to_have_count(0)
    # And its details say by which change and after how long, linking to it
    tab.row(failed).get_by_role("button", name=failed).click()
    detail = tab.page.get_by_role("dialog", name=failed)
    expect(detail.locator(".failure-line")).to_have_text(f"rolled back by {rollback_id[:8]} after 12 minutes")
    expect(detail.locator(".failure-line a")).to_have_attribute("href", f"/?event={rollback_id}")
    tab.screenshot("failed-change")
    # And the rollback's details say which change it remediates
    tab.page.keyboard.press("Escape")
    tab.row(rollback).get_by_role("button", name=rollback).click()
    remediation = tab.page.get_by_role("dialog", name=rollback)
    expect(remediation.locator(".remediates-line")).to_have_text(f"remediates {failed_id[:8]}")


def test_the_badge_fits_a_phone(tab: Tab, seed: Seeder) -> None:
    # Given a change reverted by a fix that names it
    pipeline = seed.pipeline("cart")
    failed = f"Deployed {pipeline.name} c7"
    failed_id = seed.event(pipeline, failed, at=utc_now() - timedelta(minutes=9), version="c7", service=pipeline.name)
    seed.event(pipeline, f"Fixed {pipeline.name}", version="c8", service=pipeline.name, fixes=failed_id)
    # When the overview opens on a phone
    tab.page.set_viewport_size(PHONE)
    tab.open()
    # Then the row shows it was fixed, and nothing overflows
    expect(tab.row(failed).locator(".failure-badge")).to_have_text("fixed")
    assert tab.horizontal_overflow() == 0
