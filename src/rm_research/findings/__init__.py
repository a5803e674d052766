"""Layer 4: every figure, computed once.

The registry of statistics (``registry``), the findings table's shape and lookup (``table``), a
role's slice of a cohort (``views``), a cohort's findings (``cohort``, with ``descriptive`` counts and
``themes``), a region's or the nation's pooled findings (``level``) and the published South East
figures (``verify``, data in ``published/``). Imports ``stats``, ``ingest``, ``contract``, ``core``.
"""
