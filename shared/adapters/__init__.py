"""Adapters to what lies outside: the only modules that talk to AWS or to other hosts.

- ``store``: DynamoDB, one module per aggregate.
- ``bus``: EventBridge, events out and the envelope of events in.
- ``secrets``: every SSM SecureString read.
- ``envelope``: secrets at rest sealed and opened with the stack's KMS key.
- ``notify_http``: HTTP to notification targets, with retries and timeouts.
- ``slack_api``: the Slack Web API through slack_sdk's ``WebClient`` (§18).
- ``parallel``: independent reads at once.
- ``fold_queue``: the delay queue that hands a minute of folded notifications back (§18).
- ``resource_tags``: the tags of ECS, CodeDeploy, CodePipeline and AppConfig resources (§20).
"""
