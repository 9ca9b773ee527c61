"""Pydantic models of every boundary.

- ``common``: the camelCase base model, teams, links, ids and times.
- ``deployments``: the facts of a change, the generic API's body, the stored deployment event.
- ``failures``: what §19 says of a failed change and of its remediation.
- ``signals``: what a change says of earlier ones (a revert's target, a sender's rollback or fix), for §19.
- ``keyed``: what every resource with an integration key stores and answers: key hash, hint, revisions.
- ``pipelines``: pipeline requests, responses and the stored record.
- ``alert_sources``: alert-source requests, responses, label mapping and the stored record.
- ``alerts``: alerts in, the registry, enrichments out.
- ``alert_list``: the alerts list's rows and pages (§18), and where an enrichment lists its alert.
- ``bus_events``: the events other functions read from the bus.
- ``verdicts``: verdicts given, stored, listed with their history (§18).
- ``deliveries``: one line of a delivery log.
- ``notifications``: notification targets, claims and their statuses.
- ``forwarders``: a pipeline's forwarders, sealed, redacted and their statuses (§21).
- ``outbound``: what targets and forwarders share: secrets checked when written, their sealed
  form, and a configured list read entry by entry.
- ``change_events``: ``Change Accepted`` and ``Change Failed`` on the bus (§21).
- ``sealed``: a secret as stored (sealed) and the place its ciphertext is bound to (§22).
- ``header_safe``: the checks on secrets and addresses that go into headers (§22).
"""
