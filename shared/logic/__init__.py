"""The logic, one module per capability; handlers call these and nothing below them.

- ``keyed``: what pipelines and alert sources share: keys issued, rotated and looked up, revisions.
- ``pipelines``: deployment pipelines (§2) and the integration-key lookup.
- ``intake``: one path for every delivery (§3, §11), over the table of senders.
- ``intake_deployments``: deliveries to pipelines, normalised and recorded (§3).
- ``intake_alerts``: deliveries of alerting systems onto the bus (§11).
- ``alerts``: alerts onto the bus (§4) and their correlation (§5).
- ``registry``: teams registered for the alert resources alerts name by id.
- ``enrichment``: enrichments stored, served and published (§6).
- ``notify``: each enrichment where responders look, once per target (§13).
- ``notification_status``: where each alert's enrichment was posted.
- ``alert_sources``: alert sources with keys (§11).
- ``delivery_log``: what became of each delivery (§16).
- ``overview``: the list of deployment events (§8).
- ``alert_list``: the list of alerts and the alerts of a change (§18).
- ``access``: the admin token (§7).
- ``services``: the service catalog (§17); ``catalog_import``: its Backstage import.
"""
