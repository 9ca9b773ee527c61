"""§19's detection rules over one history (pure): rollbacks, reverts, hotfixes, explicit signals,
late arrivals and redeliveries."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared import settings
from shared.domain.catalog import Catalog
from shared.domain.failures import (
    DEFAULT_HOTFIX_PATTERN,
    Change,
    Marks,
    detected_failures,
    plan_marks,
    remediation_of,
)
from shared.domain.models.deployments import EventKind
from shared.domain.models.failures import Failure, FailureDetection
from shared.domain.models.signals import ChangeSignals, explicit_signal
from shared.domain.relevance.model import assess
from shared.domain.relevance.weights import DEFAULT_WEIGHTS
from tests.unit import test_relevance as relevance

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOTFIX = re.compile(DEFAULT_HOTFIX_PATTERN)


def deployed(change_id: str, version: str, minute: int, **facts: Any) -> Change:
    return Change(
        id=change_id, kind=EventKind.DEPLOYMENT, timestamp=START + timedelta(minutes=minute), version=version, **facts
    )


def merged(change_id: str, title: str, minute: int, commit: str | None = None) -> Change:
    reverted = title.removeprefix('Revert "').removesuffix('"') if title.startswith('Revert "') else None
    signals = ChangeSignals(title=title, reverts_title=reverted)
    return Change(
        id=change_id,
        kind=EventKind.MERGE,
        timestamp=START + timedelta(minutes=minute),
        commit_sha=commit,
        signals=signals,
    )


def marks_of(history: list[Change], first_judged: int = 0) -> dict[str, Marks]:
    return plan_marks(history, first_judged, HOTFIX)


def failed(detected_by: FailureDetection, remediated_by: str, minutes: float) -> Failure:
    return Failure(detected_by=detected_by, remediated_by=remediated_by, recovery_minutes=minutes)


def test_v1_v2_v3_v1_marks_v2_as_rolled_back() -> None:
    # Given V1, V2, V3 and V1 again, 10 minutes apart
    history = [deployed("a", "v1", 0), deployed("b", "v2", 10), deployed("c", "v3", 20), deployed("d", "v1", 30)]
    # When the history is judged
    marks = marks_of(history)
    # Then V2 (the first after the restored V1) failed, and the last V1 remediates it after 20 minutes
    assert marks == {
        "b": Marks(failed(FailureDetection.ROLLBACK, "d", 20.0), None),
        "d": Marks(None, "b"),
    }


def test_the_same_version_twice_is_no_rollback() -> None:
    # Given V1 deployed twice in a row
    history = [deployed("a", "v1", 0), deployed("b", "v1", 5)]
    # When it is judged
    # Then nothing failed
    assert marks_of(history) == {}


def test_only_successful_deployments_count() -> None:
    # Given V1, a failed V2, then V1 again
    history = [deployed("a", "v1", 0), deployed("b", "v2", 5, status="failure"), deployed("c", "v1", 9)]
    # When it is judged
    # Then the failed V2 is not among the deployments: V1 → V1 is no rollback
    assert marks_of(history) == {}


def test_the_commit_counts_where_no_version_is_known() -> None:
    # Given deployments named only by their commit
    history = [
        Change(id=name, kind=EventKind.DEPLOYMENT, timestamp=START + timedelta(minutes=minute), commit_sha=sha)
        for name, sha, minute in (("a", "a" * 40, 0), ("b", "b" * 40, 5), ("c", "a" * 40, 9))
    ]
    # When it is judged
    # Then the return to commit a rolls back b
    assert marks_of(history)["b"].failure == failed(FailureDetection.ROLLBACK, "c", 4.0)


def test_a_late_change_moves_the_failure_to_the_one_that_failed() -> None:
    # Given V1, V3 and V1 stored, the V1 judged a rollback of V3
    v1, v3, back = deployed("a", "v1", 0), deployed("c", "v3", 20), deployed("d", "v1", 30)
    stored = marks_of([v1, v3, back])
    v3 = Change(**{**v3.__dict__, "failure": stored["c"].failure})
    back = Change(**{**back.__dict__, "remediates": stored["d"].remediates})
    # When V2, timed between V1 and V3, arrives late
    marks = marks_of([v1, deployed("b", "v2", 10), v3, back], first_judged=1)
    # Then V2 failed, V3 no longer did, and the rollback remediates V2
    assert marks == {
        "b": Marks(failed(FailureDetection.ROLLBACK, "d", 20.0), None),
        "c": Marks(None, None),
        "d": Marks(None, "b"),
    }


def test_a_late_change_makes_a_repeat_a_rollback() -> None:
    # Given V1 and V1 again (no rollback)
    first, again = deployed("a", "v1", 0), deployed("c", "v1", 30)
    # When a V2 timed between them arrives late
    marks = marks_of([first, deployed("b", "v2", 10), again], first_judged=1)
    # Then V1 → V2 → V1: V2 was rolled back
    assert marks["b"].failure == failed(FailureDetection.ROLLBACK, "c", 20.0)


def test_judging_again_changes_nothing() -> None:
    # Given a history whose marks are stored
    history = [deployed("a", "v1", 0), deployed("b", "v2", 10), deployed("c", "v1", 30)]
    stored = marks_of(history)
    marked = [
        Change(**{**change.__dict__, **stored[change.id].__dict__}) if change.id in stored else change
        for change in history
    ]
    # When the last change is delivered again and judged
    # Then there is nothing to write
    assert marks_of(marked, first_judged=2) == {}


@pytest.mark.parametrize(
    ("reverting", "expected"),
    [
        pytest.param(merged("r", 'Revert "Fix login"', 30), "m", id="by title"),
        pytest.param(
            Change(
                id="r",
                kind=EventKind.PUSH,
                timestamp=START + timedelta(minutes=30),
                signals=ChangeSignals(commits=["f" * 40], reverts_commits=["abcdef1"]),
            ),
            "m",
            id="by commit prefix",
        ),
    ],
)
def test_a_revert_marks_the_change_it_names(reverting: Change, expected: str) -> None:
    # Given a merge titled "Fix login" with commit abcdef1…, another merge after it
    history = [merged("m", "Fix login", 0, commit="abcdef1" + "0" * 33), merged("n", "Other", 10), reverting]
    # When the revert is judged
    found = remediation_of(reverting, history[:2], HOTFIX)
    # Then it reverts that merge
    assert found is not None
    assert (found.failed_id, found.detected_by) == (expected, FailureDetection.REVERT)


@pytest.mark.parametrize(
    ("facts", "is_hotfix"),
    [
        pytest.param({"version": "v2-hotfix.1"}, True, id="version"),
        pytest.param({"version": "v3", "branch": "Hotfix/login"}, True, id="branch"),
        pytest.param({"version": "v3", "branch": "hotfixes"}, False, id="not a word"),
    ],
)
def test_a_hotfix_marks_the_deployment_before_it(facts: dict[str, str], is_hotfix: bool) -> None:
    # Given a deployment of V2, then one named as below
    version = facts.pop("version")
    history = [deployed("a", "v2", 0), deployed("h", version, 15, **facts)]
    # When it is judged
    marks = marks_of(history)
    # Then a hotfix marks V2 failed
    expected = {"a": Marks(failed(FailureDetection.HOTFIX, "h", 15.0), None), "h": Marks(None, "a")}
    assert marks == (expected if is_hotfix else {})


@pytest.mark.parametrize(
    ("signal", "expected"),
    [
        pytest.param(explicit_signal(fixes="b"), "b", id="fixes by id"),
        pytest.param(explicit_signal(fixes="V1.4"), "a", id="fixes by version"),
        pytest.param(explicit_signal(rollback=True), "b", id="kind rollback"),
    ],
)
def test_a_senders_own_word(signal: ChangeSignals, expected: str) -> None:
    # Given v1.4 then v1.5 deployed, then a change with the sender's signal
    history = [deployed("a", "v1.4", 0), deployed("b", "v1.5", 5), deployed("x", "v1.6", 9, signals=signal)]
    # When it is judged
    found = remediation_of(history[-1], history[:2], HOTFIX)
    # Then the change it names failed, explicitly
    assert found is not None
    assert (found.failed_id, found.detected_by) == (expected, FailureDetection.EXPLICIT)


def test_a_rollback_undoes_the_deployment_before_it_even_when_that_one_failed() -> None:
    # Given v1.4 deployed, then v1.5 whose deployment failed
    history = [deployed("a", "v1.4", 0), deployed("b", "v1.5", 5, status="failure")]
    # When a rollback, by the sender's word, follows
    rollback = deployed("x", "v1.4-rollback", 9, signals=explicit_signal(rollback=True))
    found = remediation_of(rollback, history, HOTFIX)
    # Then the failed v1.5 is the one it undoes, not the v1.4 it returns to
    assert found is not None
    assert (found.failed_id, found.detected_by) == ("b", FailureDetection.EXPLICIT)


def test_a_fix_named_outside_the_history() -> None:
    # Given a change that fixes an event of another service
    other = deployed("elsewhere", "v9", 0)
    fix = deployed("x", "v2", 6, signals=explicit_signal(fixes="elsewhere"))
    # When it is judged with that event looked up
    marks = plan_marks([fix], 0, HOTFIX, {"elsewhere": other})
    # Then that event failed
    assert marks["elsewhere"].failure == failed(FailureDetection.EXPLICIT, "x", 6.0)


def test_a_detection_replaces_a_verdict_and_stands_before_another() -> None:
    # Given V2 judged failed by a responder's verdict
    v2 = deployed("b", "v2", 10, failure=Failure(detected_by=FailureDetection.VERDICT))
    # When it is rolled back
    marks = marks_of([deployed("a", "v1", 0), v2, deployed("c", "v1", 20)], first_judged=2)
    # Then the rollback says more than the verdict, and replaces it
    assert marks["b"].failure == failed(FailureDetection.ROLLBACK, "c", 10.0)


@pytest.mark.parametrize(
    ("configured", "matches"),
    [("", "release-hotfix"), ("(?i)^hf-", "HF-12"), ("([unclosed", "release-hotfix")],
    ids=["default", "configured", "invalid: the default"],
)
def test_the_hotfix_pattern_is_read_once_and_checked(
    monkeypatch: pytest.MonkeyPatch, configured: str, matches: str
) -> None:
    # Given HotfixPattern as the template passes it
    monkeypatch.setenv("HOTFIX_PATTERN", configured)
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "DeploymentEvents")
    settings.reset_settings_cache()
    # When the function starts and reads it
    pattern = settings.hotfix_pattern()
    settings.reset_settings_cache()
    # Then a pattern that does not compile leaves the default in place
    assert pattern.search(matches)


def test_a_failed_change_is_more_likely_the_cause() -> None:
    # Given two changes of shop alike, but that the older one was rolled back before the alert
    rolled_back = relevance.change(
        "failed", 20, service="shop", failure=Failure(detected_by=FailureDetection.ROLLBACK, remediated_by="x")
    )
    steady = relevance.change("steady", 20, service="shop")
    subject = relevance.alert(service="shop")
    # When the alert is assessed
    result = assess(subject, [rolled_back, steady], relevance.plan(subject), Catalog([]), DEFAULT_WEIGHTS)
    by_id = {item.change.id: item for item in result.ranked}
    # Then the failed one carries ROLLED_BACK evidence and the higher score
    evidence = [(term.code, term.text, weight) for term, weight in by_id["failed"].evidence]
    assert ("ROLLED_BACK", "rolled back: it failed", DEFAULT_WEIGHTS.rolled_back) in evidence
    assert by_id["failed"].probability > by_id["steady"].probability


def test_the_evaluation_sees_failures_known_at_the_onset_only() -> None:
    # Given v1, v2 before an alert and v1 again after it (the response to the alert)
    v1 = relevance.change("v1", 30, service="shop", version="v1")
    v2 = relevance.change("v2", 10, service="shop", version="v2")
    back = relevance.change("back", -5, service="shop", version="v1")
    # When the changes known at the onset are judged, and then all of them
    known = detected_failures([v1, v2], HOTFIX)
    hindsight = detected_failures([v1, v2, back], HOTFIX)
    # Then v2 has no failure yet at the onset; only hindsight knows it was rolled back
    assert [event.failure for event in known] == [None, None]
    assert hindsight[1].failure == failed(FailureDetection.ROLLBACK, "back", 15.0)


def test_a_change_its_sender_says_was_rolled_back_failed_by_the_senders_word() -> None:
    # Given a deployment its sender says failed and was rolled back (ECS's circuit breaker)
    rolled_back = Change(
        "ecs-2",
        EventKind.DEPLOYMENT,
        datetime(2026, 12, 1, 10, 5, tzinfo=UTC),
        status="failure",
        signals=explicit_signal(rolled_back=True),
    )
    # When its history is judged
    marks = marks_of([deployed("ecs-1", "v1", 0), rolled_back])
    # Then it failed, detected by the sender's word, with no remediation of ours named
    assert marks == {"ecs-2": Marks(Failure(detected_by=FailureDetection.EXPLICIT), None)}
