"""One Powertools ``Router`` per area of the admin API, gathered by ``app.py``'s resolver.

- ``pipelines``: deployment pipelines (SPEC §2).
- ``deployment_events``: the list and one event (SPEC §8).
- ``alert_sources``: alert sources (SPEC §11), and teams registered for alert sources (SPEC §4).
- ``registry``: teams registered for escalation policies (SPEC §4).
- ``alerts``: alerts onto the bus (SPEC §4) and their enrichments (SPEC §6).
"""
