"""One Powertools ``Router`` per area of the admin API, gathered by ``app.py``'s resolver.

- ``pipelines``: deployment pipelines (SPEC §2).
- ``deployment_events``: the list and one event (SPEC §8).
- ``registry``: teams of alert sources and escalation policies (SPEC §4).
- ``alerts``: alerts onto the bus (SPEC §4) and their enrichments (SPEC §6).
"""
