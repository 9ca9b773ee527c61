"""Pydantic models of every boundary.

- ``common``: the camelCase base model, teams, links, ids and times.
- ``deployments``: the facts of a change, the generic API's body, the stored deployment event.
- ``pipelines``: pipeline requests, responses and the stored record.
- ``alerts``: alerts in, the registry, enrichments out.
"""
