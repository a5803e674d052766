"""Layer 3: the statistical methods, on numbers alone (no cohort, no findings table).

Rank tests and correlations (``nonparametric``), effect sizes and intervals (``effects``), the
ANCOVA (``models``), the random-effects meta-analysis (``meta``) and coder agreement
(``agreement``). Imports only ``core``; independent of ``ingest``.
"""
