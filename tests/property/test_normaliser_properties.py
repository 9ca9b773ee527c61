"""Every normaliser, whatever object it is handed, answers with an event, an ``Ignored`` or a
``DomainError`` (a 4xx naming the problem), and never with any other exception: anything else
would reach the sender as a 500 (§3: no 5xx for any input a client can send)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from shared.domain.errors import DomainError
from shared.domain.models.deployments import SUMMARY_MAX_LENGTH, DeploymentEvent
from shared.domain.models.pipelines import GITHUB_EVENTS, GITLAB_EVENTS, IntegrationType, PipelineRecord
from shared.domain.normalisers import cdevents, flux, generic, github, gitlab
from shared.domain.normalisers.common import AlertRaised, Delivery, NormalisedEvent, Normaliser
from shared.domain.payloads import Ignored
from tests.property.strategies import (
    RealPayload,
    broken_payloads,
    change_sources,
    cloudevents_deliveries,
    generic_event,
    header_values,
    json_objects,
    real_payloads,
    texts,
)
from tests.property.support import bounded, outcome_of
from tests.records import RECEIVED_AT, pipeline_record

BRANCH_FILTERS = st.sampled_from([[], ["main", "master"], ["release/*"]])
"""Every branch, the defaults, and a glob: broken refs meet each kind of filter."""


def pipelines(integration_type: IntegrationType, events: tuple[str, ...]) -> st.SearchStrategy[PipelineRecord]:
    """Pipelines with every event enabled, so that no payload is filtered out before it is read."""
    return BRANCH_FILTERS.map(
        lambda branches: pipeline_record(integration_type, event_filters=list(events), branch_filters=branches)
    )


def assert_well_formed(normaliser: Normaliser, delivery: Delivery, pipeline: PipelineRecord) -> None:
    # When the normaliser reads the delivery
    result = outcome_of(lambda: normaliser(delivery, pipeline), DomainError)
    if isinstance(result, DomainError):
        event(f"rejected: {result.code}")
        # Then a rejection is a client error with a message for the sender
        assert 400 <= result.status_code < 500, result
        assert result.message
    elif isinstance(result, Ignored):
        event("ignored")
        # Or it is ignored with a reason
        assert result.reason
        assert result.code
    elif isinstance(result, AlertRaised):
        event("alert")
        # Or it is an alert that can be put on the bus
        json.dumps(result.alert.to_json_dict())
    else:
        event("normalised")
        # Or it becomes an event that can be stored and listed
        assert 0 < len(result.summary) <= SUMMARY_MAX_LENGTH
        assert result.timestamp.utcoffset() == timedelta(0)
        json.dumps(as_listed(result, pipeline))


SHARED_FIELDS = sorted(set(DeploymentEvent.model_fields) & set(NormalisedEvent.model_fields))
"""What a normalised event hands on to the stored one; ingest adds the id, pipeline and receipt."""


def as_listed(result: NormalisedEvent, pipeline: PipelineRecord) -> dict[str, object]:
    """The event as ingest would store it and the overview list it."""
    stored = DeploymentEvent.model_validate(
        {
            "id": "normalised",
            "pipeline_id": pipeline.id,
            "pipeline_name": pipeline.name,
            "integration_type": pipeline.integration_type,
            "received_at": RECEIVED_AT,
            "teams": pipeline.team_ids,
            **{name: getattr(result, name) for name in SHARED_FIELDS},
        }
    )
    return stored.to_json_dict()


def delivery_of(event_name: str, payload: dict[str, Any], headers: dict[str, str]) -> Delivery:
    return Delivery(event_name, payload, headers, RECEIVED_AT)


github_events = st.sampled_from([*GITHUB_EVENTS, "ping"]) | texts
gitlab_events = st.sampled_from(GITLAB_EVENTS) | texts
github_headers = st.fixed_dictionaries({}, optional={"x-github-delivery": header_values})
gitlab_headers = st.fixed_dictionaries(
    {}, optional={"x-gitlab-event-uuid": header_values, "x-gitlab-instance": header_values}
)
generic_headers = st.fixed_dictionaries({}, optional={"idempotency-key": header_values})


@bounded(max_examples=250)
@given(
    event_name=github_events,
    payload=json_objects,
    headers=github_headers,
    pipeline=pipelines(IntegrationType.GITHUB, GITHUB_EVENTS),
)
def test_github_normaliser_with_any_object(
    event_name: str, payload: dict[str, Any], headers: dict[str, str], pipeline: PipelineRecord
) -> None:
    # Given any JSON object under any GitHub event name
    assert_well_formed(github.normalise, delivery_of(event_name, payload, headers), pipeline)


@bounded(max_examples=400)
@given(
    real=broken_payloads(real_payloads("github")),
    headers=github_headers,
    pipeline=pipelines(IntegrationType.GITHUB, GITHUB_EVENTS),
)
def test_github_normaliser_with_broken_real_payloads(
    real: RealPayload, headers: dict[str, str], pipeline: PipelineRecord
) -> None:
    # Given a payload GitHub really sent, with fields dropped or replaced by JSON of another shape
    assert_well_formed(github.normalise, delivery_of(real.event, real.payload, headers), pipeline)


@bounded(max_examples=250)
@given(
    event_name=gitlab_events,
    payload=json_objects,
    headers=gitlab_headers,
    pipeline=pipelines(IntegrationType.GITLAB, GITLAB_EVENTS),
)
def test_gitlab_normaliser_with_any_object(
    event_name: str, payload: dict[str, Any], headers: dict[str, str], pipeline: PipelineRecord
) -> None:
    # Given any JSON object under any GitLab event name
    assert_well_formed(gitlab.normalise, delivery_of(event_name, payload, headers), pipeline)


@bounded(max_examples=400)
@given(
    real=broken_payloads(real_payloads("gitlab")),
    headers=gitlab_headers,
    pipeline=pipelines(IntegrationType.GITLAB, GITLAB_EVENTS),
)
def test_gitlab_normaliser_with_broken_real_payloads(
    real: RealPayload, headers: dict[str, str], pipeline: PipelineRecord
) -> None:
    # Given a payload GitLab really sent, with fields dropped or replaced by JSON of another shape
    assert_well_formed(gitlab.normalise, delivery_of(real.event, real.payload, headers), pipeline)


@bounded(max_examples=250)
@given(payload=json_objects, headers=generic_headers)
def test_generic_normaliser_with_any_object(payload: dict[str, Any], headers: dict[str, str]) -> None:
    # Given any JSON object sent to the generic API
    pipeline = pipeline_record(IntegrationType.API)
    assert_well_formed(generic.normalise, delivery_of("deployment-event", payload, headers), pipeline)


@bounded(max_examples=300)
@given(real=broken_payloads((generic_event(),)), headers=generic_headers)
def test_generic_normaliser_with_broken_full_events(real: RealPayload, headers: dict[str, str]) -> None:
    # Given a generic event with every field set, then fields dropped or replaced
    pipeline = pipeline_record(IntegrationType.API)
    assert_well_formed(generic.normalise, delivery_of(real.event, real.payload, headers), pipeline)


@bounded(max_examples=300)
@given(delivery=cloudevents_deliveries(change_sources("changes/cdevents")))
def test_cdevents_reader_with_any_envelope(delivery: tuple[dict[str, str], bytes]) -> None:
    # Given a real CDEvent broken on purpose, bare, in binary mode with hostile ce-* headers, or
    # in a structured envelope of any shape (intake has checked that the body is a JSON object)
    headers, body = delivery
    try:
        payload = json.loads(body)
    except ValueError:
        payload = {}
    if not isinstance(payload, dict):
        payload = {}
    pipeline = pipeline_record(IntegrationType.CDEVENTS)
    assert_well_formed(cdevents.normalise, Delivery("cdevent", payload, headers, RECEIVED_AT, body), pipeline)


@bounded(max_examples=250)
@given(real=broken_payloads(change_sources("changes/flux")))
def test_flux_reader_with_broken_real_events(real: RealPayload) -> None:
    # Given Flux's documented event with fields dropped or replaced by JSON of another shape
    pipeline = pipeline_record(IntegrationType.FLUX)
    assert_well_formed(flux.normalise, delivery_of(real.event, real.payload, {}), pipeline)
