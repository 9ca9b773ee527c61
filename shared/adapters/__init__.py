"""Adapters to what lies outside: the only modules that talk to AWS or to other hosts.

- ``store``: DynamoDB, one module per aggregate.
- ``bus``: EventBridge, events out and the envelope of events in.
- ``secrets``: every SSM SecureString read.
- ``outbound``: HTTP to webhooks, with retries and timeouts.
- ``parallel``: independent reads at once.
"""
