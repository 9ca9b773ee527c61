"""Code common to every function: models, normalisers, key builders, logic and the store.

SAM packages this folder as the ``SharedLayer`` (see ``shared/Makefile``), so handlers import it as
``shared`` both in AWS and locally.
"""
