"""The DynamoDB store, one module per aggregate; the only code that talks to DynamoDB.

- ``client``: the client, item (de)serialisation, errors that mean "retry" (``Busy``).
- ``pipelines``: pipelines, their integration-key snapshots and team ownership.
- ``events``: deployment events and their day-bucket copies.
- ``registry``: teams registered for alert sources and escalation policies.
- ``enrichments``: each alert's enrichment.

Every write that touches more than one item is one ``TransactWriteItems``, so a reader never sees
half of a change. Request paths use GetItem, BatchGetItem and Query only, never Scan.
"""
