"""One normaliser per source, all with the signature of ``Normaliser``."""
