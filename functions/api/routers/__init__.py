"""One Powertools ``Router`` per area of the admin API, gathered by ``app.py``'s resolver.

- ``pipelines``: deployment pipelines (§2).
- ``deployment_events``: the list and one event (§8).
- ``alert_sources``: alert sources (§11), and teams registered for alert sources (§4).
- ``registry``: teams registered for escalation policies (§4).
- ``alerts``: alerts onto the bus (§4) and their enrichments (§6).
- ``services``: the service catalog and its Backstage import (§17).
- ``verdicts``: responders' verdicts on an alert's changes (§18).
"""
