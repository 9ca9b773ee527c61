"""§17's model: each evidence term, the probabilities, and the verdict on an alert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.catalog import Catalog, Service
from shared.domain.correlation import CorrelationRules, Plan, alert_teams, plan_for
from shared.domain.errors import DomainError
from shared.domain.models.alerts import Alert
from shared.domain.models.deployments import DeploymentEvent, EventKind
from shared.domain.models.pipelines import IntegrationType
from shared.domain.relevance.evidence import AlertFacts, Term, terms
from shared.domain.relevance.explain import explain
from shared.domain.relevance.model import Assessment, Scored, assess
from shared.domain.relevance.weights import DEFAULT_WEIGHTS, RelevanceWeights, weights_from_json
from shared.domain.relevance.wording import LIKELY, POSSIBLE

ONSET = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
RULES = CorrelationRules(team_lookback=timedelta(days=7), account_lookback=timedelta(days=7), max_related=20)
CATALOG = Catalog(
    [
        Service(name="web", depends_on=["checkout"]),
        Service(name="checkout", depends_on=["payments"], aliases=["cart"], repositories=["acme/checkout-service"]),
        Service(name="payments", depends_on=["ledger"]),
        Service(name="ledger", depends_on=["postgres"]),
    ]
)


def alert(**labels: str) -> Alert:
    return Alert.model_validate({"id": "a-1", "reportTime": ONSET.isoformat(), "labels": labels})


def change(change_id: str, minutes_before: float, **fields: Any) -> DeploymentEvent:
    timestamp = ONSET - timedelta(minutes=minutes_before)
    return DeploymentEvent(
        id=change_id,
        pipeline_id="p-1",
        pipeline_name="shop-ci",
        integration_type=IntegrationType.API,
        kind=fields.pop("kind", EventKind.DEPLOYMENT),
        summary=f"change {change_id}",
        timestamp=timestamp,
        received_at=timestamp,
        teams=fields.pop("teams", []),
        **fields,
    )


def plan(subject: Alert) -> Plan:
    return plan_for(subject, alert_teams(subject), set(), RULES)


def found(subject: Alert, candidate: DeploymentEvent, catalog: Catalog = CATALOG) -> dict[str, Term]:
    return {term.weight: term for term in terms(AlertFacts.of(subject, plan(subject), catalog), candidate)}


def assessed(subject: Alert, *candidates: DeploymentEvent, catalog: Catalog = CATALOG) -> Assessment:
    return assess(subject, candidates, plan(subject), catalog, DEFAULT_WEIGHTS)


def by_id(assessment: Assessment) -> dict[str, Scored]:
    return {item.change.id: item for item in assessment.ranked}


# TIME


def test_time_is_logarithmic_so_minutes_apart_look_close_and_days_apart_do_not() -> None:
    values = {minutes: found(alert(), change("c", minutes))["time"].value for minutes in (5, 12, 60, 3 * 24 * 60)}
    assert values[5] - values[12] < 0.6
    assert values[12] - values[60] > 1.5
    assert values[60] - values[3 * 24 * 60] > 5


def test_a_change_after_the_onset_is_marked_and_never_the_likely_cause() -> None:
    # Given a production deployment of the alert's service one minute after the alert fired
    result = assessed(alert(service="shop"), change("fix", -1, service="shop"))
    # Then it is listed, marked, and not named as the cause
    [item] = result.ranked
    assert item.after_alert
    assert result.likely_cause is None
    assert "after the alert" in found(alert(), change("fix", -1))["after_alert"].text


# SERVICE and DEPENDENCY


@pytest.mark.parametrize(
    ("labels", "fields", "weight"),
    [
        ({"service": "shop"}, {"service": "SHOP"}, "service"),
        ({"service": "shop"}, {"repository": "acme/shop"}, "service"),
        ({"service": "cart"}, {"repository": "https://github.com/acme/checkout-service.git"}, "service"),
        ({"repository": "acme/shop"}, {"repository": "acme/shop"}, "service"),
        ({"service": "shop"}, {"service": "search"}, "other_service"),
        ({"service": "web"}, {"service": "checkout"}, "dependency"),
        ({"service": "checkout"}, {"service": "web"}, "dependent"),
    ],
)
def test_service_terms(labels: dict[str, str], fields: dict[str, Any], weight: str) -> None:
    assert weight in found(alert(**labels), change("c", 10, **fields))


def test_dependency_counts_less_for_each_hop_up_to_three() -> None:
    values = [found(alert(service="web"), change("c", 10, service=name)) for name in ("checkout", "payments", "ledger")]
    assert [terms_["dependency"].value for terms_ in values] == [1, 1 / 2, 1 / 3]
    four_hops = found(alert(service="web"), change("c", 10, service="postgres"))
    assert "dependency" not in four_hops
    assert "other_service" in four_hops


def test_without_a_service_on_either_side_nothing_is_said_about_services() -> None:
    assert not {"service", "other_service", "dependency"} & found(alert(), change("c", 10, service="shop")).keys()
    assert not {"service", "other_service"} & found(alert(service="shop"), change("c", 10)).keys()


# VERSION


@pytest.mark.parametrize(
    ("labels", "fields", "weight"),
    [
        ({"version": "1.4.2"}, {"version": "1.4.2"}, "version"),
        ({"image": "registry.example.com/shop:1.4.2"}, {"version": "1.4.2"}, "version"),
        ({"commit": "a1b2c3d"}, {"commit_sha": "a1b2c3d4e5f60718"}, "version"),
        ({"sha": "A1B2C3D4"}, {"commit_sha": "a1b2c3d4e5f60718"}, "version"),
        ({"service": "shop", "version": "1.4.2"}, {"service": "shop", "version": "1.4.1"}, "other_version"),
    ],
)
def test_version_terms(labels: dict[str, str], fields: dict[str, Any], weight: str) -> None:
    assert weight in found(alert(**labels), change("c", 10, **fields))


def test_a_short_commit_prefix_or_another_services_version_says_nothing() -> None:
    assert "version" not in found(alert(commit="a1b2c3"), change("c", 10, commit_sha="a1b2c3d4e5f6"))
    assert "other_version" not in found(alert(service="shop", version="2"), change("c", 10, service="db", version="1"))


# ENVIRONMENT, TEAM, KIND


@pytest.mark.parametrize(
    ("alert_environment", "change_environment", "weight"),
    [
        ("production", "Production", "environment"),
        ("prod", "production", "environment"),
        ("prod", "staging", "other_environment"),
    ],
)
def test_environment_terms(alert_environment: str, change_environment: str, weight: str) -> None:
    assert weight in found(alert(environment=alert_environment), change("c", 10, environment=change_environment))


def test_team_counts_only_for_a_claiming_team() -> None:
    subject = Alert.model_validate(
        {
            "id": "a",
            "reportTime": ONSET.isoformat(),
            "alertSource": {"id": "s", "teams": [{"id": "pay", "name": "Pay"}]},
        }
    )
    claimed = plan_for(subject, alert_teams(subject), {"pay"}, RULES)
    facts = AlertFacts.of(subject, claimed, Catalog([]))
    assert "team" in {term.weight for term in terms(facts, change("c", 10, teams=["pay"]))}
    assert "team" not in {term.weight for term in terms(facts, change("c", 10, teams=["other"]))}


def test_deployments_weigh_more_than_merges_and_merges_more_than_pushes() -> None:
    subject = alert()
    ranked = assessed(
        subject,
        change("push", 10, kind=EventKind.PUSH),
        change("merge", 10, kind=EventKind.MERGE),
        change("deploy", 10),
    ).ranked
    assert [item.change.id for item in ranked] == ["deploy", "merge", "push"]


@pytest.mark.parametrize(
    ("kind", "noun"), [(EventKind.FLAG, "feature flag change"), (EventKind.INFRA, "infrastructure change")]
)
def test_flag_changes_and_infrastructure_applies_weigh_as_deployments(kind: EventKind, noun: str) -> None:
    # Given a configuration push (§20) and a deployment, as close to the alert
    subject = alert()
    pushed, deployed = found(subject, change("config", 10, kind=kind)), found(subject, change("deploy", 10))
    # Then its kind weighs as much, and says what it is
    assert pushed["kind"].value == deployed["kind"].value == 1.0
    assert pushed["kind"].text == f"a {noun}"


def test_a_failed_deployment_weighs_less_than_a_successful_one() -> None:
    scores = by_id(assessed(alert(), change("ok", 10, status="success"), change("failed", 10, status="failure")))
    assert scores["ok"].probability > scores["failed"].probability
    assert "unsuccessful" in found(alert(), change("c", 10, status="Cancelled"))


# The probabilities and the verdict


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(min_value=-2, max_value=7 * 24 * 60),
            st.sampled_from([None, "shop", "search", "checkout"]),
            st.sampled_from([None, "production", "staging"]),
            st.sampled_from(list(EventKind)),
        ),
        max_size=30,
    )
)
def test_one_alerts_scores_add_up_to_at_most_one(specs: list[tuple[float, str | None, str | None, EventKind]]) -> None:
    subject = alert(service="shop", environment="production")
    candidates = [
        change(f"c{index}", minutes, service=service, environment=environment, kind=kind)
        for index, (minutes, service, environment, kind) in enumerate(specs)
    ]
    result = assessed(subject, *candidates)
    assert sum(item.score for item in result.ranked) <= 1
    assert all(0 <= item.score <= 1 for item in result.ranked)
    likely = [item for item in result.ranked if item.confidence == "likely"]
    assert len(likely) <= 1
    if result.likely_cause is not None:
        assert result.likely_cause.score >= LIKELY
        assert not result.ambiguous


def test_confidence_thresholds() -> None:
    def confidence(probability: float) -> str:
        return Scored(change("c", 1), probability, [], after_alert=False).confidence

    assert [confidence(p) for p in (0.5, 0.4999, 0.15, 0.1499)] == ["likely", "possible", "possible", "unlikely"]


def test_the_alerts_service_deployed_minutes_before_is_the_likely_cause() -> None:
    # Given a deployment of the alert's service 14 minutes before, a push at the alert's time to
    # another service, and a staging deployment
    result = assessed(
        alert(service="shop", environment="production"),
        change("shop-prod", 14, service="shop", environment="production"),
        change("push", 0.5, kind=EventKind.PUSH, repository="acme/search"),
        change("shop-staging", 5, service="shop", environment="staging"),
    )
    # Then the production deployment of the service is named
    assert result.likely_cause is not None
    assert result.likely_cause.change.id == "shop-prod"
    assert result.ranked[0].change.id == "shop-prod"


def test_two_near_identical_candidates_are_ambiguous_and_name_no_cause() -> None:
    result = assessed(
        alert(service="shop"), change("a", 10, service="shop"), change("b", 11, service="shop", repository="acme/b")
    )
    assert result.ambiguous
    assert result.likely_cause is None
    text = explain(result, plan(alert()).scope, 3).no_likely_cause
    assert text is not None
    assert text.startswith("No change stands out:")
    assert "about as likely" in text


def test_a_lone_old_unrelated_change_is_not_named() -> None:
    # Given only a push to another service two days before
    result = assessed(alert(service="shop"), change("old", 2 * 24 * 60, kind=EventKind.PUSH, service="search"))
    # Then nothing stands out, and the enrichment says which change was closest
    assert result.likely_cause is None
    assert result.ranked[0].score < POSSIBLE
    explained = explain(result, plan(alert()).scope, 3)
    assert explained.no_likely_cause == (
        'No change stands out: the closest is "change old" (pushed 2 days before the alert, unlikely).'
    )


@pytest.mark.parametrize(("kind", "verb"), [(EventKind.FLAG, "Changed a flag"), (EventKind.INFRA, "Applied")])
def test_a_configuration_pushs_reason_says_what_was_done(kind: EventKind, verb: str) -> None:
    # Given a flag change or an infrastructure apply 5 minutes before the alert
    result = assessed(alert(service="shop"), change("c", 5, kind=kind, service="shop"))
    # Then the reason starts with what was done
    [listed] = explain(result, plan(alert()).scope, 3).deployments
    assert listed.reason.startswith(f"{verb} 5 min before the alert")


def test_an_empty_window_says_so() -> None:
    explained = explain(assessed(alert(service="shop")), plan(alert()).scope, 3)
    assert explained.deployments == []
    assert explained.no_likely_cause == "No change stands out: no change was made in the window before the alert."


def test_the_enrichment_lists_evidence_strongest_first_with_two_decimals() -> None:
    result = assessed(
        alert(service="shop", environment="production"), change("c", 5, service="shop", environment="production")
    )
    [listed] = explain(result, plan(alert()).scope, 3).deployments
    weights = [abs(item.weight) for item in listed.evidence]
    assert weights == sorted(weights, reverse=True)
    assert {item.code for item in listed.evidence} == {"TIME", "SERVICE", "ENVIRONMENT", "KIND"}
    assert all(round(item.weight, 2) == item.weight for item in listed.evidence)
    assert listed.confidence == "likely"
    assert listed.score == round(listed.score, 2)


# Weights


def test_weights_override_some_and_keep_the_rest() -> None:
    tuned = weights_from_json('{"time": 2.5, "none": -1}')
    assert (tuned.time, tuned.none, tuned.service) == (2.5, -1, DEFAULT_WEIGHTS.service)
    assert weights_from_json("  ") is DEFAULT_WEIGHTS


@pytest.mark.parametrize("text", ['{"tiem": 1}', '{"time": "x"}', '{"time": 1e9}', "[1]", "{", '{"time": NaN}'])
def test_bad_weights_are_refused_naming_the_problem(text: str) -> None:
    with pytest.raises(DomainError) as refused:
        weights_from_json(text)
    assert refused.value.status_code in {400, 422}


def test_a_higher_none_weight_makes_the_model_abstain_more() -> None:
    subject = alert()
    candidate = change("c", 30)
    cautious = assess(subject, [candidate], plan(subject), Catalog([]), RelevanceWeights(none=4))
    bold = assess(subject, [candidate], plan(subject), Catalog([]), RelevanceWeights(none=-4))
    assert cautious.ranked[0].probability < bold.ranked[0].probability


def test_an_invalid_relevance_weights_parameter_leaves_the_defaults_in_place(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from shared.settings import correlation_rules, reset_settings_cache  # noqa: PLC0415

    # Given a deployment whose RelevanceWeights has a typo
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "DeploymentEvents")
    monkeypatch.setenv("RELEVANCE_WEIGHTS", '{"tiem": 2}')
    reset_settings_cache()
    try:
        # Then correlation keeps working with the defaults, and says so with a metric
        assert correlation_rules().weights == DEFAULT_WEIGHTS
        assert "RelevanceWeightsInvalid" in capsys.readouterr().out
        # And a valid value is taken
        monkeypatch.setenv("RELEVANCE_WEIGHTS", '{"time": 2}')
        reset_settings_cache()
        assert correlation_rules().weights.time == 2
    finally:
        monkeypatch.delenv("RELEVANCE_WEIGHTS")
        reset_settings_cache()
