"""Layer 2: the data contract (``docs/data-contract.md``) in machine form.

The files, their columns and question wordings (``columns``), the checks of each column as pandera
schemas (``schemas``), a cohort's ``programme.toml`` (``programme``) and the evaluation template
workbook evaluators start from (``template``). Imports only ``core``.
"""
