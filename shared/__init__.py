"""Code common to every function, in layers whose imports point one way: http -> logic -> adapters,
and every layer -> domain.

- ``domain``: models, normalisers, correlation, keys, ids, times, errors, signatures; no I/O.
- ``logic``: one module per capability (pipelines, ingest, alerts, registry, enrichment,
  overview, the page), called by the handlers.
- ``adapters``: the store (one module per aggregate), the bus, secrets, outbound HTTP to notification targets.
- ``http``: the resolver, admin authentication, raw requests, strict JSON.
- ``observability``: Logger, Metrics and Tracer, created once; ``settings``: the environment.

SAM packages this folder as the ``SharedLayer`` (see ``shared/Makefile``), so handlers import it as
``shared`` both in AWS and locally.
"""
