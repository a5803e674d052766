"""Layer 3: a cohort's raw files in, validated and typed tables out.

Read each file as text (``read``), check every rule of the contract at once (``validate``), type and
tidy (``clean``), and load a cohort or every cohort of a region or the nation (``load``). Imports
only ``contract`` and ``core``; independent of ``stats``.
"""
