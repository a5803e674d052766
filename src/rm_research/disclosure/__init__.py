"""Layer 5: what may leave the evaluation team.

The disclosure rule applied to a findings table (``control``, with rare free-text categories in
``categories``), the integer-programming audit that no hidden figure can be worked out
(``differencing``), the same across cohorts, regions and the nation (``hierarchy``), and consented,
redacted quotes (``quotes``). Imports ``findings`` and the layers beneath.
"""
