"""Layer 7: examples and exploration, beside ``render``.

The seeded generators of the SYNTHETIC example data (``synthetic``: South East cohort 1;
``collaborative``: the example collaborative) and ``load_all`` for researchers (``explore``).
Imports ``findings`` and the layers beneath; independent of ``render``.
"""
