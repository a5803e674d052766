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
# # Reverse mentoring programme: evaluation summary (public version)
#
# A summary of a reverse-mentoring cohort's evaluation, prepared for publication. Small numbers
# are suppressed and other counts rounded, so that no participant can be recognised; the
# method is described below. The full figures are in `findings-public.csv` beside this report.

# %% tags=["parameters"]
region = "south-east"
cohort = 1
psych_offered = None  # overrides programme.toml's psych_sessions_offered when set
root = None
public_findings_csv = None  # the protected public findings, when made across levels (make publish-all)
state = None  # what the rendering command computed already (rm_research.handoff); None: computed here

# %%
from IPython.display import Markdown, display

from rm_research import config, disclosure, narrative, provenance, quotes, tables
from rm_research.pipeline import notebook_cohort

loaded, findings = notebook_cohort(root, region, int(cohort), psych_offered, state)
labels = tables.item_labels(loaded.programme)
safe = disclosure.read_public(public_findings_csv) if public_findings_csv else disclosure.public_findings(findings)

display(Markdown(narrative.heading(loaded.programme, region, int(cohort))))
if loaded.is_synthetic:
    display(Markdown(narrative.SYNTHETIC_NOTICE))

# %% [markdown]
# ## Disclosure control

# %%
display(Markdown(disclosure.method_statement(safe)))

# %% [markdown]
# ## Participant flow

# %%
display(tables.styled(disclosure.public_flow_table(safe)))

# %% [markdown]
# ## Confidence before and after the programme
#
# Mean ratings (1-10) at enrolment and at the end, and the mean change with its 95% interval,
# for the people who answered both. The p-values are adjusted for the number of tests (Holm), as in
# the internal report.

# %%
display(tables.styled(disclosure.public_table(
    safe, {item: labels[item] for item in config.RATING_ITEMS}, disclosure.PUBLIC_PREPOST_STATISTICS,
    n_label="People (both surveys)", n_of="change_mean")))

# %% [markdown]
# ## Mentoring sessions

# %%
display(tables.styled(disclosure.public_table(
    safe, {"sessions_reported": "Sessions reported"}, disclosure.PUBLIC_SESSIONS_STATISTICS)))

# %% [markdown]
# ## Session length, missed sessions and the psychological sessions

# %%
display(tables.styled(disclosure.public_table(
    safe, {item: labels[item] for item in config.YES_NO_ITEMS}, disclosure.PUBLIC_YES_NO_STATISTICS,
    n_label="Answered")))

# %% [markdown]
# ## Areas of work
#
# Percentage of participants who answered the question that ticked each area, computed from
# rounded counts.

# %%
display(tables.styled(disclosure.public_table(
    safe, {"areas_of_work": "Areas of work (%)"}, list(config.AREAS_OF_WORK))))

# %% [markdown]
# ## In participants' words
#
# Answers to the end-of-programme questions from participants who agreed to be quoted, with names,
# e-mail addresses, phone numbers, postcodes, dates, links, handles and participant codes removed,
# and answers longer than 600 characters shortened. Read them once more before publication: a
# name that appears nowhere in the data files cannot be recognised automatically.

# %%
display(tables.styled(quotes.public_quotes(loaded.raw.tables, loaded.cohort).replace(tables.QUESTION_LABELS)))

# %% [markdown]
# ## Data and provenance
#
# The sizes and checksums of the raw files are recorded in the internal report only: a file's size
# gives its number of rows away, and so the number of people.

# %%
display(Markdown(provenance.public_statement(loaded.paths.root, loaded.raw.files)))
display(tables.styled(provenance.package_versions()))
