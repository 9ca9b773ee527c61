"""The domain: what a deployment event, an alert and an enrichment are, and the rules between them.
Nothing here does I/O, so all of it is tested without AWS.

- ``models``: pydantic models of every boundary (API bodies, stored items, bus events).
- ``normalisers``: one per source, from a delivery to a normalised event or a reason to ignore it.
- ``correlation``: SPEC §5 as pure functions (claim, window, rank, reasons).
- ``keys``: every DynamoDB key, built in one place.
- ``ids``: time-ordered ids, and deterministic ids for natural keys.
- ``timestamps``: the time formats senders use.
- ``errors``: domain errors, each with its HTTP status.
- ``signatures``: HMAC-SHA256 and constant-time comparison of shared secrets.
"""
