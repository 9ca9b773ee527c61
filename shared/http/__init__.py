"""HTTP concerns, kept out of the logic: how requests are routed, and taken from Powertools' events.

- ``resolver``: the Powertools resolver with validation, error responses, admin routing.
- ``raw_request``: the current request as its sender's bytes, for intake's checks.
"""
