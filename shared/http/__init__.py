"""HTTP concerns, kept out of the logic: how requests are routed, authenticated and read.

- ``resolver``: the Powertools resolver with validation, error responses, admin routing.
- ``auth``: the admin bearer token, compared in constant time.
- ``raw_request``: a request's body as its sender's bytes, for signatures.
- ``strict_json``: request bodies as interoperable JSON, or a 400.
"""
