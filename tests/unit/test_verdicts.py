"""§18's verdicts on an enrichment (pure), §17's FEEDBACK term, and what makes alerts of one kind."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain import keys
from shared.domain.catalog import Catalog
from shared.domain.models.alerts import AlertContext, AlertResource, Enrichment, Scope, Window
from shared.domain.models.verdicts import Verdict, VerdictKind
from shared.domain.relevance.explain import explain
from shared.domain.relevance.model import assess
from shared.domain.relevance.weights import DEFAULT_WEIGHTS
from shared.domain.verdicts import DECISIVE, alert_kind, apply_verdicts
from tests.unit.test_relevance import ONSET, RULES, alert, change, plan

CHANGES = [change("close", 5, service="shop"), change("near", 12, service="shop"), change("far", 60 * 24)]


def enrichment() -> Enrichment:
    """The model's enrichment of an alert of service shop with three changes."""
    subject = alert(service="shop")
    explained = explain(assess(subject, CHANGES, plan(subject), Catalog([]), DEFAULT_WEIGHTS), Scope.ACCOUNT, 20)
    return Enrichment(
        alert_id="a-1",
        alert=AlertContext(report_time=ONSET, labels={"service": "shop"}),
        scope=Scope.ACCOUNT,
        claiming_teams=[],
        window=Window.model_validate({"from": ONSET - RULES.account_lookback, "until": ONSET}),
        deployments=explained.deployments,
        correlated_at=ONSET,
        likely_cause=explained.likely_cause,
        ambiguous=explained.ambiguous,
        no_likely_cause=explained.no_likely_cause,
    )


def verdict(event_id: str, kind: VerdictKind, minutes_after: int = 1, author: str = "alice") -> Verdict:
    return Verdict(event_id=event_id, verdict=kind, author=author, given_at=ONSET + timedelta(minutes=minutes_after))


def scores(judged: Enrichment) -> dict[str, float]:
    return {item.id: item.score for item in judged.deployments}


def test_no_verdict_leaves_the_enrichment_as_it_is() -> None:
    model = enrichment()
    assert apply_verdicts(model, []) is model


def test_a_confirmed_change_is_the_likely_cause_and_the_others_drop_to_zero() -> None:
    # Given the model's enrichment; When the far change is confirmed
    judged = apply_verdicts(enrichment(), [verdict("far", VerdictKind.CAUSED)])
    # Then it is the likely cause with 1.0, FEEDBACK first; the list keeps the model's order
    assert scores(judged) == {"far": 1.0, "close": 0.0, "near": 0.0}
    assert (judged.likely_cause, judged.ambiguous, judged.no_likely_cause) == ("far", False, None)
    assert [item.id for item in judged.deployments] == [item.id for item in enrichment().deployments]
    far = next(item for item in judged.deployments if item.id == "far")
    assert (far.id, far.confidence, far.evidence[0].code, far.evidence[0].weight) == (
        "far",
        "likely",
        "FEEDBACK",
        DECISIVE,
    )
    assert far.verdict is not None
    assert far.verdict.author == "alice"
    assert all(item.evidence[0].code == "FEEDBACK" for item in judged.deployments)


def test_two_confirmed_changes_share_it_and_the_first_confirmed_leads() -> None:
    judged = apply_verdicts(
        enrichment(), [verdict("near", VerdictKind.CAUSED, 2), verdict("far", VerdictKind.CAUSED, 1)]
    )
    assert scores(judged) == {"far": 0.5, "near": 0.5, "close": 0.0}
    assert judged.likely_cause == "far"
    assert judged.ambiguous is False


def test_three_confirmed_changes_never_add_up_to_more_than_one() -> None:
    judged = apply_verdicts(
        enrichment(), [verdict(name, VerdictKind.CAUSED, i) for i, name in enumerate(scores(enrichment()))]
    )
    assert sum(scores(judged).values()) <= 1
    assert set(scores(judged).values()) == {0.33}


def test_a_change_ruled_out_is_zero_and_the_cause_is_decided_on_the_rest() -> None:
    # Given the model's enrichment, whose leader is the close change
    model = enrichment()
    assert model.deployments[0].id == "close"
    # When the close change is ruled out
    judged = apply_verdicts(model, [verdict("close", VerdictKind.NOT_RELATED)])
    # Then it scores 0 with its verdict; the others keep their scores
    ruled_out = judged.deployments[0]
    assert ruled_out.id == "close"
    assert (ruled_out.score, ruled_out.confidence, ruled_out.evidence[0].weight) == (0.0, "unlikely", -DECISIVE)
    assert ruled_out.verdict is not None
    assert ruled_out.verdict.verdict is VerdictKind.NOT_RELATED
    assert {name: score for name, score in scores(judged).items() if name != "close"} == {
        name: score for name, score in scores(model).items() if name != "close"
    }
    # And the likely cause and its sentence follow §17's rules on what is left
    near = judged.deployments[1]
    assert near.id == "near"
    if near.score >= 0.5:
        assert judged.likely_cause == "near"
    else:
        assert judged.likely_cause is None
        assert judged.no_likely_cause is not None
        assert '"change near"' in judged.no_likely_cause


def test_every_change_ruled_out_leaves_no_likely_cause() -> None:
    judged = apply_verdicts(enrichment(), [verdict(name, VerdictKind.NOT_RELATED) for name in ("close", "near", "far")])
    assert set(scores(judged).values()) == {0.0}
    assert judged.likely_cause is None
    assert judged.ambiguous is False
    assert judged.no_likely_cause is not None
    assert judged.no_likely_cause.startswith("No change stands out: the closest")


def test_applying_again_starts_from_the_model() -> None:
    # Given an enrichment judged once
    model = enrichment()
    once = apply_verdicts(model, [verdict("far", VerdictKind.CAUSED)])
    # When it is judged again with other verdicts, and with none
    again = apply_verdicts(once, [verdict("near", VerdictKind.NOT_RELATED)])
    withdrawn = apply_verdicts(again, [])
    # Then each is what the model's enrichment with those verdicts would be
    assert again == apply_verdicts(model, [verdict("near", VerdictKind.NOT_RELATED)])
    assert withdrawn.deployments == model.deployments
    assert (withdrawn.likely_cause, withdrawn.ambiguous, withdrawn.no_likely_cause) == (
        model.likely_cause,
        model.ambiguous,
        model.no_likely_cause,
    )


def test_a_verdict_on_a_change_not_listed_changes_nothing() -> None:
    model = enrichment()
    assert apply_verdicts(model, [verdict("elsewhere", VerdictKind.CAUSED)]) is model


# FEEDBACK (§17)


def test_feedback_from_earlier_alerts_of_the_kind_moves_a_change_by_its_weight() -> None:
    # Given an alert and its changes, scored without feedback
    subject = alert(service="shop")
    before = {
        item.change.id: item for item in assess(subject, CHANGES, plan(subject), Catalog([]), DEFAULT_WEIGHTS).ranked
    }
    # When responders confirmed "far" and ruled out "close" on earlier alerts of the kind
    feedback = {"far": VerdictKind.CAUSED, "close": VerdictKind.NOT_RELATED}
    after = {
        item.change.id: item
        for item in assess(subject, CHANGES, plan(subject), Catalog([]), DEFAULT_WEIGHTS, feedback).ranked
    }
    # Then each carries a FEEDBACK term of its weight, and they move accordingly
    assert [(term.weight, weight) for term, weight in after["far"].evidence if term.code == "FEEDBACK"] == [
        ("feedback_caused", DEFAULT_WEIGHTS.feedback_caused)
    ]
    assert [(term.weight, weight) for term, weight in after["close"].evidence if term.code == "FEEDBACK"] == [
        ("feedback_not_related", DEFAULT_WEIGHTS.feedback_not_related)
    ]
    assert after["far"].probability > before["far"].probability
    assert after["close"].probability < before["close"].probability
    assert all(term.code != "FEEDBACK" for term, _ in after["near"].evidence)


def test_the_feedback_weights_keep_their_direction() -> None:
    assert DEFAULT_WEIGHTS.feedback_caused > 0 > DEFAULT_WEIGHTS.feedback_not_related


@pytest.mark.parametrize(
    ("labels", "source", "same_as_first"),
    [
        ({"alertname": "HighErrors", "service": "shop"}, None, True),
        ({"AlertName": "HighErrors", "service": "Shop"}, None, True),
        ({"alertname": "HighErrors", "service": "search"}, None, False),
        ({"alertname": "Latency", "service": "shop"}, None, False),
        ({"service": "shop"}, AlertResource(name="HighErrors", integration_type="CLOUDWATCH"), True),
    ],
    ids=["same", "case of keys and service", "other service", "other name", "alarm name"],
)
def test_alerts_of_one_kind_share_a_name_and_a_service(
    labels: dict[str, str], source: AlertResource | None, same_as_first: bool
) -> None:
    first = alert_kind({"alertname": "HighErrors", "service": "shop"}, None)
    assert (alert_kind(labels, source) == first) is same_as_first


def test_an_alert_without_a_name_has_no_kind() -> None:
    assert alert_kind({"service": "shop"}, AlertResource(name="Shop API", integration_type="ALERTMANAGER")) is None


def test_verdict_keys_live_in_the_alerts_partition_and_history_sorts_after_them() -> None:
    current = keys.verdict_key("src", "a-1", "e-1")
    history = keys.verdict_history_key("src", "a-1", ONSET, "e-1", "given")
    assert current.pk == history.pk == keys.alert_partition("src", "a-1")
    assert current.sk == "VERDICT#e-1"
    assert history.sk == "VERDICT_HISTORY#2026-11-29T12:00:00.000Z#e-1#given"
    assert current.sk < history.sk
    assert keys.feedback_key("k", "e-1") == keys.ItemKey("FEEDBACK#k", "EVENT#e-1")
