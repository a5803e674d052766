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

# %% tags=["parameters"]
level = "national"  # a region's slug, or "national" for every region
root = None
# the cohorts to pool, as pairs of region and number (None for every cohort found)
cohorts = None
public = False  # True: the public version, from the protected findings only
public_findings_csv = None  # the findings a publish protected; None: the report folder's findings-public.csv
state = None  # what the rendering command computed already (rm_research.render.handoff); None: computed here

# %%
# One notebook for the internal report and its public version (`public = True`): each cell shows one
# section of the page, declared once in `rm_research.report.level_page`. The internal page reads what
# the command computed once for the level; the public page only the protected findings a publish
# wrote (`findings-public.csv`).
from rm_research.render import handoff

page = handoff.level_page(root, level, cohorts, state, public=bool(public), public_findings_csv=public_findings_csv)
page.opening()

# %%
page.show("summary")

# %%
page.show("key_findings")

# %%
page.show("contents")

# %%
page.show("flow")

# %%
page.show("flow_public")

# %%
page.show("benefits")

# %%
page.show("pooled")

# %%
page.show("forest_plots")

# %%
page.show("excluded")

# %%
page.show("lasting")

# %%
page.show("team")

# %%
page.show("yes_no")

# %%
page.show("mentoring_held")

# %%
page.show("psych_attended")

# %%
page.show("psych_topics")

# %%
page.show("dose")

# %%
page.show("evidence")

# %%
page.show("psych_moderator")

# %%
page.show("trend")

# %%
page.show("certainty")

# %%
page.show("planning")

# %%
page.show("regions_differ")

# %%
page.show("technical")

# %%
page.show("every_cohort")

# %%
page.show("statistics")

# %%
page.show("disclosure")

# %%
page.show("provenance")
