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
# # Exploring a cohort, and the collaborative
#
# A starting point for exploration, not a report (the report is `../report.ipynb`). Choose the cohort
# in the next cell, or pass it to papermill (`-p region london -p cohort 2`). Every valid cohort's tidy
# tables and findings are loaded at once, with `region` and `cohort` columns, ready for pandas.
#
# The tables hold participant and pair codes so that they can be joined: `without_identifiers` before
# showing one on a shared screen, and commit this notebook without outputs.

# %% tags=["parameters"]
region = "south-east"
cohort = 1
root = None

# %%
import pandas as pd
from IPython.display import display

from rm_research import load_all
from rm_research.examples.explore import compare_cohorts, without_identifiers

pd.set_option("display.max_rows", 500)  # a cohort's findings in full, not the first and last few
cohort = int(cohort)
data = load_all(root)  # root None: the project folder, found from here
display(data.cohorts)

# %% [markdown]
# Cohorts left out because their files break the data contract (`make check-data` lists how to fix them):

# %%
display(data.problems())

# %% [markdown]
# ## The cohort's tidy tables

# %%
tables = data.cohort(region, cohort)
display({name: table.shape for name, table in tables.items()})

# %%
display(without_identifiers(tables["end_survey"]).describe(include="all"))

# %% [markdown]
# ## Its findings (data contract, section 4)

# %%
findings = data.findings.query("region == @region and cohort == @cohort")
display(findings.pivot_table(index=["measure", "statistic"], columns="role", values="value", sort=False))

# %% [markdown]
# ## Across cohorts: mean change in confidence talking with senior leaders (post - pre, 1-10 scale)

# %%
comparison = compare_cohorts(data.findings, "conf_senior", "change_mean")
display(comparison)
axes = comparison.plot.barh(figsize=(7, 5), xlabel="mean change, post - pre")
