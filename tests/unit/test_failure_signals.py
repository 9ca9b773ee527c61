"""What each normaliser keeps for §19's detection: a merge's title and what it reverts, a push's
commits and the commits its revert commits name, an Argo CD rollback, the generic API's signals."""

from __future__ import annotations

import copy

from shared.domain.models.deployments import EventKind
from shared.domain.models.pipelines import IntegrationType
from shared.domain.models.signals import ChangeSignals
from shared.domain.normalisers import argocd, generic, github, gitlab
from shared.domain.normalisers.common import Delivery, NormalisedEvent
from tests.fixture_files import fixture_json
from tests.records import RECEIVED_AT, fixture_delivery, pipeline_record


def read(result: object) -> NormalisedEvent:
    assert isinstance(result, NormalisedEvent), result
    return result


def test_a_github_merge_keeps_its_title_and_a_revert_names_the_reverted_one() -> None:
    # Given GitHub's real merged pull request, and the same titled as GitHub titles a revert
    delivery = fixture_delivery("github/pull_request.closed.merged.json", "x-github-event")
    revert = copy.deepcopy(delivery.payload)
    revert["pull_request"]["title"] = 'Revert "Test PR Title"'
    # When both are read
    merged = read(github.normalise(delivery, pipeline_record()))
    reverting = read(
        github.normalise(Delivery(delivery.event_name, revert, delivery.headers, RECEIVED_AT), pipeline_record())
    )
    # Then the merge keeps its title, and the revert names it
    assert merged.signals == ChangeSignals(title="Test PR Title")
    assert reverting.signals == ChangeSignals(title='Revert "Test PR Title"', reverts_title="Test PR Title")


def test_a_github_push_keeps_its_commits_and_what_they_revert() -> None:
    # Given GitHub's real push, its head commit made a revert by git revert's message
    delivery = fixture_delivery("github/push.default-branch.json", "x-github-event")
    head = delivery.payload["head_commit"]["id"]
    # When it is read as sent, and as a revert
    pushed = read(github.normalise(delivery, pipeline_record()))
    payload = copy.deepcopy(delivery.payload)
    payload["commits"][0]["message"] = 'Revert "Add login"\n\nThis reverts commit 0123456789abcdef.'
    reverting = read(
        github.normalise(Delivery(delivery.event_name, payload, delivery.headers, RECEIVED_AT), pipeline_record())
    )
    # Then both keep the commits they carried; the revert names the commit it reverts
    assert pushed.signals == ChangeSignals(commits=[head])
    assert reverting.signals is not None
    assert reverting.signals.reverts_commits == ["0123456789abcdef"]


def test_a_gitlab_merge_and_push() -> None:
    # Given GitLab's documented merge and push
    merge = read(
        gitlab.normalise(
            fixture_delivery("gitlab/merge_request.merge.json", "x-gitlab-event"),
            pipeline_record(IntegrationType.GITLAB),
        )
    )
    push = read(
        gitlab.normalise(
            fixture_delivery("gitlab/push.docs.json", "x-gitlab-event"), pipeline_record(IntegrationType.GITLAB)
        )
    )
    # Then the merge keeps its title and the push its commits
    assert merge.signals == ChangeSignals(title="update readme")
    assert push.signals is not None
    assert push.signals.commits == [commit["id"] for commit in fixture_json("gitlab/push.docs.json")["commits"]]


def test_an_argo_cd_rollback_is_an_explicit_signal() -> None:
    # Given Argo CD's real sync notification, and the same sync made by `argocd app rollback`
    synced = fixture_json("argocd/ilert-template-body.velero-test.json")
    rolled_back = copy.deepcopy(synced)
    rolled_back["app"]["status"]["operationState"]["operation"]["rollback"] = {"id": 14}
    # When both are read
    pipeline = pipeline_record(IntegrationType.ARGOCD)
    plain = read(argocd.normalise(Delivery("argocd", synced, {}, RECEIVED_AT), pipeline))
    rollback = read(argocd.normalise(Delivery("argocd", rolled_back, {}, RECEIVED_AT), pipeline))
    # Then only the rollback says so
    assert plain.signals is None
    assert rollback.signals == ChangeSignals(rollback=True)


def test_the_generic_apis_signals() -> None:
    # Given generic bodies with kind rollback, with fixes, and with neither
    def body(**fields: object) -> Delivery:
        return Delivery("", {"integrationKey": "k", "summary": "shop", **fields}, {}, RECEIVED_AT)

    pipeline = pipeline_record(IntegrationType.API)
    # When they are read
    # Then each says what its sender said, and the event stays of kind custom
    rollback = read(generic.normalise(body(kind="rollback"), pipeline))
    assert (rollback.kind, rollback.signals) == (EventKind.CUSTOM, ChangeSignals(rollback=True))
    assert read(generic.normalise(body(fixes="v1.4"), pipeline)).signals == ChangeSignals(fixes="v1.4")
    assert read(generic.normalise(body(), pipeline)).signals is None
