"""One reader per alerting system (§11, §12), each from a delivery to our alerts. The
configured resource a delivery comes through is an alert source (``models.alert_sources``).

- ``common``: what every reader shares: teams from the team label, service and environment
  from the source's labels, labels cut to what an alert may carry.
- ``alertmanager``: Prometheus Alertmanager (webhook version 4) and Grafana (version 1).
- ``pagerduty``: PagerDuty webhooks v3, ``incident.triggered``.
- ``ilert``: ilert's outbound webhook alert action.
- ``generic``: the alert of §4.
- ``cloudwatch``: CloudWatch ``Alarm State Change`` events from the default bus.
"""
