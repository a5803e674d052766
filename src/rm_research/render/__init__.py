"""Layer 7: turning a report notebook into pages.

Executing a notebook with papermill in preloaded kernels (``notebook``, ``kernels``), what the
command hands its notebook (``handoff``), and the Word version (``word``). Imports ``report`` and the
layers beneath; independent of ``examples``.
"""
