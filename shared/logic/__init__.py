"""The logic, one module per capability; handlers call these and nothing below them.

- ``keyed``: what pipelines and alert sources share: keys issued, rotated and looked up, revisions.
- ``pipelines``: deployment pipelines (SPEC §2) and the integration-key lookup.
- ``intake``: one path for every delivery (SPEC §3, §11), over the table of senders.
- ``intake_deployments``: deliveries to pipelines, normalised and recorded (SPEC §3).
- ``intake_alerts``: deliveries of alerting systems onto the bus (SPEC §11).
- ``alerts``: alerts onto the bus (SPEC §4) and their correlation (SPEC §5).
- ``registry``: teams registered for the alert resources alerts name by id.
- ``enrichment``: enrichments stored, served and published (SPEC §6).
- ``notify``: each enrichment where responders look, once per target (SPEC §13).
- ``notification_status``: where each alert's enrichment was posted.
- ``alert_sources``: alert sources with keys (SPEC §11).
- ``delivery_log``: what became of each delivery (SPEC §16).
- ``overview``: the list of deployment events (SPEC §8).
- ``access``: the admin token (SPEC §7).
"""
