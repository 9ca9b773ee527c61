"""The logic, one module per capability; handlers call these and nothing below them.

- ``keyed``: what pipelines and alert sources share: keys issued, rotated and looked up, revisions.
- ``pipelines``: deployment pipelines (§2) and the integration-key lookup.
- ``intake``: one path for every delivery (§3, §11), over the table of senders.
- ``intake_deployments``: deliveries to pipelines, normalised and recorded (§3).
- ``intake_alerts``: deliveries of alerting systems onto the bus (§11).
- ``slack_interactions``: clicks on a Slack app's verdict buttons onto the bus (§18).
- ``alerts``: alerts onto the bus (§4) and their correlation (§5).
- ``registry``: teams registered for the alert resources alerts name by id.
- ``enrichment``: enrichments stored, served and published (§6).
- ``verdicts``: verdicts given, withdrawn and listed, and applied to the enrichment (§18).
- ``notify``: each enrichment where responders look, once per target (§13).
- ``notify_targets``: who an alert's notifications go to, and who gets a group's message (§13, §18).
- ``notification_status``: where each alert's enrichment was posted.
- ``change_accepted``: an accepted change onto the bus, where something forwards it (§21).
- ``forward``: each change to its forwarders, once each, and the ``failed`` tag (§21).
- ``forward_status``: where each change was forwarded (§21).
- ``slack_app``: Slack app messages and their edits, and the notes naming a confirmed cause (§18).
- ``storm``: a grouped alert's enrichment updates its group, which decides what is sent (§18).
- ``rate_limit``: ``NotificationsPerMinute`` per target, the rest folded (§18).
- ``fold_flush``: a minute's folded alerts as one message, once the minute is over (§18).
- ``alert_sources``: alert sources with keys (§11).
- ``delivery_log``: what became of each delivery (§16).
- ``overview``: the list of deployment events (§8).
- ``alert_list``: the list of alerts and the alerts of a change (§18).
- ``access``: the admin token (§7).
- ``services``: the service catalog (§17); ``catalog_import``: its Backstage import.
"""
