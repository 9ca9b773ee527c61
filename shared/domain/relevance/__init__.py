"""§17: which change most likely caused an alert, or that none stands out.

- ``evidence``: the named terms (``TIME``, ``SERVICE``, ``DEPENDENCY``, ``VERSION``,
  ``ENVIRONMENT``, ``TEAM``, ``KIND``, ``FEEDBACK``) one change has for one alert;
- ``weights``: how much each term counts (``RelevanceWeights``), with the documented defaults;
- ``model``: the log-linear score against a constant "no change", as probabilities;
- ``explain``: the reason per change and the enrichment's verdict, in words;
- ``wording``: the evidence codes, the likely and possible thresholds and the sentences naming a
  change, which verdicts and messages share without loading the scoring.
"""
