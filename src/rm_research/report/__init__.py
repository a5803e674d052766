"""Layer 6: what a reader sees, as data frames, sentences and figures (no notebook execution).

Key findings and headlines (``summary``), the report's words (``narrative``), tables (``tables``,
``descriptive``, ``themes``), figures (``figures``) and the report's accessibility check
(``accessibility``). Imports ``disclosure`` and the layers beneath.
"""
