"""Code common to every function, in layers whose imports point one way: http -> logic -> adapters,
and every layer -> domain.

- ``domain``: models, senders, readers, correlation, keys, ids, times, errors, verifiers; no I/O.
- ``logic``: one module per capability (pipelines, intake, alerts, registry, enrichment,
  overview, access), called by the handlers.
- ``adapters``: the store (one module per aggregate), the bus, secrets, outbound HTTP to notification targets.
- ``http``: the resolver and the raw request, taken from Powertools' events.
- ``observability``: Logger, Metrics and Tracer, created once; ``settings``: the environment.

SAM packages this folder as the ``SharedLayer`` (see ``shared/Makefile``), so handlers import it as
``shared`` both in AWS and locally.
"""
