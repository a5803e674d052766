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
region = "south-east"
cohort = 1
psych_offered = None  # overrides programme.toml's psych_sessions_offered when set
root = None
public = False  # True: the public version, from the protected findings only
public_findings_csv = None  # the findings a publish protected; None: the report folder's findings-public.csv
state = None  # what the rendering command computed already (rm_research.render.handoff); None: computed here

# %%
# One notebook for the internal report and its public version (`public = True`): each cell shows one
# section of the page, declared once in `rm_research.report.cohort_page` (title, introduction,
# internal and public rendering). The internal page reads the cohort's findings; the public page
# only the protected findings a publish wrote (`findings-public.csv`), never the cohort's own.
from rm_research.render import handoff

page = handoff.cohort_page(root, region, int(cohort), psych_offered, state, public=bool(public),
                           public_findings_csv=public_findings_csv)
page.opening()

# %%
page.show("too_small")

# %%
page.show("summary")

# %%
page.show("key_findings")

# %%
page.show("contents")

# %%
page.show("who_took_part")

# %%
page.show("flow")

# %%
page.show("ethnicity_and_band")

# %%
page.show("heard_via")

# %%
page.show("areas_of_work")

# %%
page.show("training_and_hopes")

# %%
page.show("training")

# %%
page.show("hopes")

# %%
page.show("benefits")

# %%
page.show("before_after")

# %%
page.show("lasting")

# %%
page.show("team")

# %%
page.show("sessions")

# %%
page.show("psych")

# %%
page.show("psych_topics")

# %%
page.show("dose")

# %%
page.show("themes")

# %%
page.show("observations")

# %%
page.show("methods")

# %%
page.show("technical")

# %%
page.show("disclosure")

# %%
page.show("provenance")

# %%
page.show("published")
