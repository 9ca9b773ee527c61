"""The domain: what a deployment event, an alert and an enrichment are, and the rules between them.
Nothing here does I/O, so all of it is tested without AWS.

- ``models``: pydantic models of every boundary (API bodies, stored items, bus events).
- ``senders``: every kind of sender as one row: its checks, its reader, its limits.
- ``requests``: a request as its sender's bytes, and the checks of its body (§3).
- ``strict_json``: request bodies as interoperable JSON, or a 400.
- ``verifiers``: webhook secrets proven by HMAC signature, token header or bearer token.
- ``payloads``: what every payload reader shares: ``Ignored`` and 422s naming the field.
- ``normalisers``: one per deployment sender, from a delivery to a normalised event or a reason to ignore it.
- ``alert_readers``: one per alerting system, from a delivery to our alerts.
- ``correlation``: §5 as pure functions (claim, window).
- ``relevance``: §17, which change most likely caused an alert, as probabilities with evidence.
- ``verdicts``: responders' verdicts applied to an enrichment, and what makes alerts of one kind (§18).
- ``failures``: §19's detection rules, which earlier change a rollback, revert, hotfix or fix says failed.
- ``catalog``: the service catalog as a graph: which service a change names, how many hops apart (§17).
- ``backstage``: a Backstage catalog's entities read as services (§17).
- ``yaml_documents``: YAML from clients, read safely and bounded (§17, §22).
- ``notifications``: what to send to each kind of notification target (§13).
- ``slack_interactions``: Slack's signed interaction requests read as verdicts (§18).
- ``watch``: which deployments are watched, for how long, and the watch's state (§21).
- ``storm``: an alert group's state, its signature and its sender (§18).
- ``delivery``: a delivery report's shape and DORA's bands (§19); ``delivery_metrics`` its five metrics;
  ``lead_time`` which commits a deployment carried.
- ``redaction``: notification targets without their secrets, for answers and logs.
- ``keys``: every DynamoDB key, built in one place; ``keys_history`` those of §19's change histories;
  ``keys_forwards`` those of §21's forwards.
- ``names``: the compared form of service, repository and environment names.
- ``batching``: sized items cut into groups a service takes at once (PutEvents, transactions).
- ``cursors``: the opaque, URL-safe cursors of every paged list.
- ``ids``: time-ordered ids, and deterministic ids for natural keys.
- ``timestamps``: the time formats senders use.
- ``forward_requests``: each forwarder's request for a change, as its vendor documents it (§21).
- ``errors``: domain errors, each with its HTTP status.
"""
