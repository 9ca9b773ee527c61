"""What forwarding (§21) costs per change: the DynamoDB calls and PutEvents of one accepted change
of a pipeline with forwarders, through ingest and the forward function, beside the same change of
a pipeline without any (which must cost no PutEvents at all). Counts, not seconds.

The forwarders answer on a local recording server, so the count is the service's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.harness import CallCounter, local_stack
from bench.verdict_cost import Cost, PutEventsCounter, _call, _measured
from tests.recording_server import recording_server

FORWARDERS = 3


@dataclass(frozen=True)
class ForwardCost:
    without: Cost
    forwarded: Cost

    @property
    def dynamodb_writes(self) -> int:
        """The writes forwarding adds to a change: its announcement's none, each forward's claim and record."""
        writes = ("PutItem", "UpdateItem", "TransactWriteItems", "DeleteItem")
        return sum(
            self.forwarded.dynamodb_calls.get(name, 0) - self.without.dynamodb_calls.get(name, 0) for name in writes
        )


def run() -> ForwardCost:
    """One change of a pipeline without forwarders, then one of a pipeline with three webhooks."""
    with recording_server() as sink, local_stack() as local:
        put_events = PutEventsCounter()
        counter = CallCounter.on_store()
        plain = _call(local, "POST", "/api/deployment-pipelines", {"name": "plain", "integrationType": "API"})
        hooks = [
            {"type": "WEBHOOK", "url": f"{sink.url}/hook{index}", "secret": "s3cret"} for index in range(FORWARDERS)
        ]
        forwarding = _call(
            local,
            "POST",
            "/api/deployment-pipelines",
            {"name": "forwarding", "integrationType": "API", "forwarders": hooks},
        )

        def change(pipeline: dict[str, str]) -> None:
            _call(
                local,
                "POST",
                "/api/deployment-events",
                {"integrationKey": pipeline["integrationKey"], "summary": "shop v1"},
            )

        without = _measured(local, counter, put_events, lambda: change(plain))
        forwarded = _measured(local, counter, put_events, lambda: change(forwarding))
        return ForwardCost(without, forwarded)
