"""One normaliser per source, each a ``normalise(delivery, pipeline)`` of the ``Normaliser`` signature.

- ``common``: the delivery, the two results (``NormalisedEvent``, ``Ignored``) and text helpers.
- ``generic``: the ilert-compatible generic API (SPEC §3.1).
- ``github``: GitHub webhooks (SPEC §3.2).
- ``gitlab``: GitLab webhooks (SPEC §3.3).
- ``argocd``: Argo CD syncs, as ilert's argocd-notifications template sends them (SPEC §15).
- ``pagerduty_change``: PagerDuty Change Events v2 (SPEC §15).
"""
