"""One normaliser per source, each a ``normalise(delivery, pipeline)`` of the ``Normaliser`` signature.

- ``common``: the delivery, the results (``NormalisedEvent``, ``AlertRaised``, ``Ignored``), the dispatch of a
  webhook's events to their readers (``EventDispatch``, ``EventReader``) and text helpers.
- ``code_hosts``: what GitHub's and GitLab's events share (a push, the summaries).
- ``generic``: the ilert-compatible generic API (§3.1).
- ``github``: GitHub webhooks (§3.2), its payload models and events in a package.
- ``gitlab``: GitLab webhooks (§3.3), laid out as ``github``.
- ``argocd``: Argo CD syncs, as ilert's argocd-notifications template sends them (§15).
- ``pagerduty_change``: PagerDuty Change Events v2 (§15).
- ``aws``: AWS's deployment services on the default bus, a reader per service (§20); its events
  come from a bus rule, not a webhook, so it reads an event rather than a ``Delivery``.
- ``flags``: what LaunchDarkly's and Unleash's flag changes share: a flag's service (§20).
- ``launchdarkly``, ``unleash``: feature flag changes (§20).
- ``terraform``: HCP Terraform and Terraform Enterprise run notifications (§20).
- ``cdevents``: CDEvents service changes and incidents (§20), found by ``cloud_events`` in either
  CloudEvents mode or bare, their artifacts read by ``package_urls``.
- ``flux``: Flux notification-controller events, ``generic-hmac`` provider (§20).
"""
