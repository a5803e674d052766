"""Layer 1, the ground floor: what every other layer may use and which uses nothing of the package.

Settings of the evaluation template and the analysis (``config``), problems and messages for
evaluators (``problems``), where a cohort's files live and which cohorts exist (``paths``), text that
is never markup (``safety``), rounding as printed reports round (``rounding``), and checksums and
versions (``provenance``).
"""
