"""The LaunchDarkly and Unleash normalisers (§20) against Unleash's documented events and bodies
written in LaunchDarkly's documented envelope (tests/fixtures/changes, see SOURCES.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from shared.domain.catalog import Catalog, Service
from shared.domain.errors import InvalidField
from shared.domain.models.deployments import EventKind
from shared.domain.models.pipelines import IntegrationType
from shared.domain.normalisers import launchdarkly, unleash
from shared.domain.normalisers.common import AlertRaised, Delivery, NormalisedEvent, Normaliser
from shared.domain.normalisers.flags import catalog_candidates, service_from_tags
from shared.domain.payloads import Ignored
from tests.fixture_files import fixture_json
from tests.records import RECEIVED_AT, pipeline_record

TOGGLE = "changes/launchdarkly/flag-toggle.written-from-envelope.json"
ROLLOUT = "changes/launchdarkly/flag-rollout-update.written-from-envelope.json"
RENAME = "changes/launchdarkly/environment-rename.written-from-envelope.json"


def read(normaliser: Normaliser, payload: dict[str, Any]) -> NormalisedEvent | Ignored:
    result = normaliser(Delivery("flag", payload, {}, RECEIVED_AT), pipeline_record(IntegrationType.API))
    assert not isinstance(result, AlertRaised), "a flag change is never an alert"
    return result


def accepted(normaliser: Normaliser, payload: dict[str, Any]) -> NormalisedEvent:
    result = read(normaliser, payload)
    assert isinstance(result, NormalisedEvent), result
    return result


def unleash_event(name: str) -> dict[str, Any]:
    payload: dict[str, Any] = fixture_json(f"changes/unleash/{name}.unleash-docs.json")
    return payload


def test_a_launchdarkly_flag_turned_on_is_a_flag_change_with_before_and_after() -> None:
    # When LaunchDarkly reports a flag turned on in production
    event = accepted(launchdarkly.normalise, fixture_json(TOGGLE))
    # Then it is a flag change in that environment, by its author, at the entry's date
    assert event.kind is EventKind.FLAG
    assert event.summary == "Henrietta Powell turned on the flag Demo flag in production: Do it live!"
    assert event.timestamp == datetime(2020, 2, 4, 0, 48, 39, 650000, tzinfo=UTC)
    assert (event.environment, event.user_name, event.user_email) == (
        "production",
        "Henrietta Powell",
        "testing@launchdarkly.com",
    )
    assert event.custom_details == {
        "source": "launchdarkly",
        "flag": "demo-flag",
        "environment": "production",
        "before": {"on": False},
        "after": {"on": True},
        "author": "Henrietta Powell",
        "project": "default",
        "comment": "Do it live!",
    }
    # And the audit entry's id is its natural key; the flag's page its link
    assert event.natural_key == "launchdarkly:5e38bf6706121d8aaf15392a"
    assert [(link.href, link.text) for link in event.links] == [
        ("https://app.launchdarkly.com/default/production/features/demo-flag", "Flag in LaunchDarkly")
    ]
    # And with no service tag, the catalog may know it by its key, its key's prefix or its project
    assert event.service is None
    assert event.service_candidates == ("demo-flag", "demo", "default")


def test_a_launchdarkly_rollout_change_carries_the_rules_before_and_after_and_its_service_tag() -> None:
    # When a flag tagged service:checkout has its rollout decreased
    event = accepted(launchdarkly.normalise, fixture_json(ROLLOUT))
    # Then the rules before and after are kept, and the tag names the service
    assert event.service == "checkout"
    before, after = event.custom_details["before"]["rules"], event.custom_details["after"]["rules"]
    assert before[0]["rollout"]["variations"][0]["weight"] == 50000
    assert after[0]["rollout"]["variations"][0]["weight"] == 43000


def test_a_launchdarkly_change_without_versions_is_kept_without_before_and_after() -> None:
    # Given a flag change whose entry carries no versions of the flag
    payload = fixture_json(TOGGLE)
    del payload["previousVersion"], payload["currentVersion"]
    # When it is read
    event = accepted(launchdarkly.normalise, payload)
    # Then it is a flag change all the same, the flag's key from the resource
    assert event.custom_details["flag"] == "demo-flag"
    assert "before" not in event.custom_details
    assert "after" not in event.custom_details


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda payload: fixture_json(RENAME), "unsupported_event"),
        (lambda payload: {**payload, "accesses": [{"action": "updateName", "resource": "proj/default:flag/x"}]}, None),
        (lambda payload: {**payload, "accesses": [{"action": "updateOn", "resource": "proj/default:flag/x"}]}, None),
        (lambda payload: {**payload, "accesses": []}, None),
    ],
    ids=["environment renamed", "flag renamed", "no environment", "no access"],
)
def test_launchdarkly_changes_to_no_environment_serving_are_ignored(change: Any, code: str | None) -> None:
    # When LaunchDarkly reports a change that changes what no environment serves
    result = read(launchdarkly.normalise, change(fixture_json(TOGGLE)))
    # Then it is ignored
    assert isinstance(result, Ignored)
    assert result.code == (code or "not_a_flag_change")


def test_a_launchdarkly_field_of_the_wrong_type_is_a_422_naming_it() -> None:
    # When the accesses are not a list, then the 422 names the field
    with pytest.raises(InvalidField) as raised:
        read(launchdarkly.normalise, {**fixture_json(TOGGLE), "accesses": "updateOn"})
    assert raised.value.problems[0].field == "accesses"


def test_resource_names_leave_out_tags() -> None:
    # When a resource names tags after ";", then the names are without them
    assert launchdarkly.resource_names("proj/default;mobile:env/production;eu:flag/demo-flag") == {
        "proj": "default",
        "env": "production",
        "flag": "demo-flag",
    }


@pytest.mark.parametrize(
    ("name", "before", "after"),
    [
        ("feature-environment-enabled", {"enabled": False}, {"enabled": True}),
        ("feature-environment-disabled", {"enabled": True}, {"enabled": False}),
    ],
)
def test_an_unleash_flag_enabled_or_disabled_is_a_flag_change(name: str, before: Any, after: Any) -> None:
    # When Unleash reports a flag enabled or disabled in development
    event = accepted(unleash.normalise, unleash_event(name))
    # Then it is a flag change there, its before and after said by the event's type
    assert event.kind is EventKind.FLAG
    assert event.environment == "development"
    assert (event.custom_details["before"], event.custom_details["after"]) == (before, after)
    assert event.user_email == "user@company.com"
    assert event.summary == f"user@company.com {name.rsplit('-', 1)[1]} the flag new-feature in development"
    assert event.natural_key == f"unleash:{unleash_event(name)['id']}"


def test_an_unleash_strategy_update_carries_the_rollout_before_and_after() -> None:
    # When a flexible rollout goes from 67% to 32%
    event = accepted(unleash.normalise, unleash_event("feature-strategy-update"))
    # Then the strategy before and after are the change's
    assert event.custom_details["before"]["parameters"]["rollout"] == "67"
    assert event.custom_details["after"]["parameters"]["rollout"] == "32"
    assert event.timestamp == datetime(2022, 6, 1, 10, 3, 11, 549000, tzinfo=UTC)
    assert event.summary == "user@company.com updated a strategy of the flag new-feature in default"
    assert event.service_candidates == ("new-feature", "new", "my-other-project")


def test_an_unleash_strategy_added_has_no_before() -> None:
    # When a strategy is added, then only what it is now is known
    event = accepted(unleash.normalise, unleash_event("feature-strategy-add"))
    assert "before" not in event.custom_details
    assert event.custom_details["after"]["parameters"]["rollout"] == "67"


@pytest.mark.parametrize("name", ["feature-created", "user-created"])
def test_unleash_events_that_change_no_serving_are_ignored(name: str) -> None:
    # When a flag is created (off until enabled) or a user is, then nothing is recorded (§20)
    result = read(unleash.normalise, unleash_event(name))
    assert isinstance(result, Ignored)
    assert result.code == "unsupported_event"


@pytest.mark.parametrize(
    ("tags", "service"),
    [
        ([{"type": "service", "value": "payments"}], "payments"),
        ([{"type": "simple", "value": "service:payments"}], "payments"),
        ([{"type": "simple", "value": "tag"}], None),
        ([{"type": "service", "value": 7}], "7"),
        ([{"type": "service", "value": {"name": "x"}}], None),
    ],
)
def test_an_unleash_service_tag_names_the_service(tags: list[dict[str, Any]], service: str | None) -> None:
    # When the flag's tags are these, then its service is that of a service tag, if any
    event = accepted(unleash.normalise, {**unleash_event("feature-environment-enabled"), "tags": tags})
    assert event.service == service


def test_unleash_settings_nested_too_deep_to_store_are_a_422() -> None:
    # Given a strategy nested deeper than custom details may be stored
    deep: Any = "x"
    for _ in range(40):
        deep = {"a": deep}
    # Then the delivery is refused with a 422 naming the field, never stored half
    with pytest.raises(InvalidField) as raised:
        read(unleash.normalise, {**unleash_event("feature-strategy-update"), "data": deep})
    assert raised.value.problems[0].field == "data"


@pytest.mark.parametrize(
    ("tags", "service"),
    [
        (["ops", "service:checkout"], "checkout"),
        (["Service: Checkout "], "Checkout"),
        (["service:", "service:cart"], "cart"),
        (["ops", 3, None], None),
    ],
)
def test_service_from_tags(tags: list[object], service: str | None) -> None:
    # When a flag has these tags, then the first service:<name> names its service
    assert service_from_tags(tags) == service


def test_catalog_candidates_go_from_the_key_to_its_prefixes_then_the_project() -> None:
    # Given a flag keyed checkout.new-button in the project web, then the catalog is asked, in order
    expected = ("checkout.new-button", "checkout.new", "checkout", "web")
    assert catalog_candidates("checkout.new-button", "web") == expected
    # And a separator at the start cuts nothing, a flag without key leaves its project
    assert catalog_candidates("-odd", None) == ("-odd",)
    assert catalog_candidates(None, "web") == ("web",)


def test_the_first_candidate_the_catalog_knows_by_name_or_alias_is_the_service() -> None:
    # Given a catalog with Checkout (alias "shop") and Web
    catalog = Catalog([Service(name="Checkout", aliases=["shop"]), Service(name="Web")])
    # Then a flag's names find the service as the catalog writes it, most specific first
    assert catalog.first_known(["shop.banner", "shop", "web"]) == "Checkout"
    assert catalog.first_known(["banner", "WEB"]) == "Web"
    assert catalog.first_known(["banner"]) is None
