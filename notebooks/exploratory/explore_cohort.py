# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: rm-research
#     language: python
#     name: rm-research
# ---

# %% [markdown]
# # Exploring a cohort
#
# A starting point for exploration: load a validated cohort and look at its tidy tables and
# findings. Nothing here is a report; the report is `../report.ipynb`.

# %%
from rm_research.paths import project_root
from rm_research.pipeline import load_cohort

loaded = load_cohort(project_root(), "south-east", 1)
findings = loaded.findings()

# %%
findings.query("role != 'all'").pivot_table(index=["measure", "statistic"], columns="role", values="value")

# %%
loaded.cohort.end_survey.describe(include="all")
