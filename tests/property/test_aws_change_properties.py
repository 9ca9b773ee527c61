"""§20: whatever an event of the default bus holds, the AWS changes function answers it and never
raises: an exception would be retried and dead-lettered, a loop no retry can end. Real events
with places dropped or replaced, and events of any shape, are recorded, ignored or dropped."""

from __future__ import annotations

import copy
import uuid
from functools import cache
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from shared.domain.normalisers.aws import READERS
from tests.conftest import Aws
from tests.fixture_files import FIXTURES, fixture_json
from tests.property.strategies import RealPayload, broken_payloads, json_objects, texts
from tests.property.support import bounded


@cache
def aws_events() -> tuple[RealPayload, ...]:
    return tuple(
        RealPayload(path.name, "aws", fixture_json(f"aws_changes/{path.name}"))
        for path in sorted((FIXTURES / "aws_changes").glob("*.json"))
    )


@st.composite
def shapeless_events(draw: st.DrawFn) -> dict[str, Any]:
    """An envelope of a delivered source and detail-type, or of any, around any detail."""
    source, detail_type = draw(st.sampled_from(sorted(READERS)) | st.tuples(texts, texts))
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": source,
        "account": draw(st.sampled_from(["123456789012", "1", ""]) | texts),
        "time": draw(st.sampled_from(["2026-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0"]) | texts),
        "region": draw(st.sampled_from(["us-east-1", "eu-west-1"]) | texts),
        "resources": draw(st.lists(texts, max_size=3)),
        "detail": draw(json_objects),
    }


@given(broken=broken_payloads(aws_events()), shapeless=shapeless_events())
@bounded(max_examples=60)
def test_no_event_makes_the_function_raise(aws: Aws, broken: RealPayload, shapeless: dict[str, Any]) -> None:
    # Given a real AWS event with places dropped or replaced, and an event of any shape
    function = aws.emulated.gateway.pools["AwsChangesFunction"]
    for kind, sent in (("broken", copy.deepcopy(broken.payload)), ("shapeless", shapeless)):
        # When the function is invoked with it, as EventBridge invokes it
        answer = function.invoke(sent, str(uuid.uuid4()))
        # Then it answers (recorded, a duplicate, or ignored) rather than raising
        event(f"{kind}: {answer['status']}")
        assert answer["status"] in {"accepted", "duplicate", "ignored"}
