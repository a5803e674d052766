"""Layer 8, the top: the commands.

Writing a set of outputs all together or not at all (``outputs``), what each set was made from
(``records``), one cohort's and one level's reports (``cohort``, ``level``), every report of the
collaborative (``collaborative``) and the ``rm-research`` command (``cli``).
"""
