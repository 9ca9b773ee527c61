"""The DynamoDB store, one module per aggregate; the only code that talks to DynamoDB.

- ``client``: the client, item (de)serialisation, paged queries, errors that mean "retry" (``Busy``).
- ``keyed``: what pipelines and alert sources share: the record, its integration-key copy, their transactions.
- ``pipelines``: pipelines, their integration-key copies and team ownership.
- ``alert_sources``: alert sources created with a key.
- ``events``: deployment events, their day-bucket copies and the Listing index.
- ``deliveries``: the delivery log of pipelines and alert sources.
- ``registry``: teams registered for alert sources and escalation policies.
- ``enrichments``: each alert's enrichment, and which source's alert of an id was correlated last.
- ``alert_list``: each alert's listing entries (§18), written with its enrichment, and their pages.
- ``notifications``: each alert's notification claims.
- ``forwards``: each change's claims on its forwarders, and a Grafana annotation's id (§21).
- ``slack_messages``: where a Slack app's message of an alert is, on its claim (§18).
- ``alert_rates``: alerts published per alert source and minute.
- ``alert_groups``: Alertmanager and Grafana groups, each version-guarded (§18).
- ``notify_rates``: messages per target and minute, and the alerts folded past the limit (§18).
- ``services``: the service catalog (§17), one partition.
- ``verdicts``: responders' verdicts on an alert's changes, their history, and per alert kind (§18).
- ``failures``: a change's history around it, and the failure marks written onto every copy of a change (§19).
- ``watch``: what a deployment's health reads: the event and the pipeline of a key, in one read (§21).

Every write that touches more than one item is one ``TransactWriteItems``, so a reader never sees
half of a change. Request paths use GetItem, BatchGetItem and Query only, never Scan.
"""
