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
# # Reverse mentoring programme: evaluation report
#
# The evaluation of a reverse-mentoring cohort from the collaborative's evaluation forms
# (enrolment survey, end-of-programme questionnaire, session logs). Every number is computed by
# the `rm_research` package from the raw files named under *Data and provenance*; the
# machine-readable figures are in `findings.csv` beside this report.

# %% tags=["parameters"]
region = "south-east"
cohort = 1
psych_offered = None  # overrides programme.toml's psych_sessions_offered when set
root = None
state = None  # what the rendering command computed already (rm_research.handoff); None: computed here

# %%
from IPython.display import HTML, Markdown, display

from rm_research import figures, narrative, provenance, registry, tables, verify
from rm_research.pipeline import notebook_cohort

loaded, findings = notebook_cohort(root, region, int(cohort), psych_offered, state)
labels = tables.item_labels(loaded.programme)


display(Markdown(narrative.heading(loaded.programme, region, int(cohort))))
display(HTML(narrative.banner(narrative.SMALL_NUMBERS_NOTICE)))
if loaded.is_synthetic:
    display(Markdown(narrative.SYNTHETIC_NOTICE))

# %% [markdown]
# ## Data and provenance
#
# The SHA-256 checksum of each raw file this report was computed from, the code version, and the
# versions of the packages that computed it. Re-running the same code on files with the same
# checksums gives the same report.

# %%
display(Markdown(f"Data: **{'synthetic example' if loaded.is_synthetic else 'evaluation returns'}**; "
                 f"code: `rm-research` commit `{provenance.git_commit(loaded.paths.root)}`"))
display(tables.styled(provenance.data_checksums(loaded.raw.files)))
display(tables.styled(provenance.package_versions()))

# %% [markdown]
# ## Methods
#
# Written from the settings the analysis ran with (`rm_research.config.SETTINGS`).

# %%
display(Markdown(narrative.methods_markdown()))

# %% [markdown]
# ### The statistics reported
#
# Every statistic in `findings.csv`, from the package's registry of statistics (the same registry
# decides how each is rounded and protected in the public version).

# %%
display(tables.styled(registry.glossary()))

# %% [markdown]
# ## Participant flow
#
# Enrolled → matched with a partner → attended at least one psychological session → completed
# the end-of-programme survey, by role.

# %%
flow = tables.flow_table(findings)
display(Markdown(narrative.flow_summary(flow)))
display(tables.styled(flow, index=True))
figures.show(figures.flow_chart(flow))

# %% [markdown]
# ## Confidence at enrolment
#
# Mean ratings (1-10) at enrolment. Mentors were asked about talking with senior leaders and
# about discussing their own needs; mentees about talking with senior leaders and with junior staff.

# %%
display(tables.styled(tables.enrolment_table(findings, labels)))

# %% [markdown]
# ## Confidence before and after the programme
#
# Paired on the people who answered an item at both enrolment and the end. Each line in the
# plots is one person.

# %%
prepost = tables.prepost_table(findings, labels)
display(tables.styled(prepost))
display(Markdown(narrative.small_sample_caution(prepost)))
for item in tables.rating_items_with_pairs(loaded.cohort):
    figures.show(figures.paired_plot(tables.paired_ratings(loaded.cohort, item), labels[item]))

# %% [markdown]
# ## Who completed the end survey
#
# Were those who answered the end-of-programme questionnaire different at enrolment from those
# who did not? If they were, the pre/post results describe the completers only.

# %%
display(tables.styled(tables.attrition_table(findings, labels)))

# %% [markdown]
# ## Mentoring sessions attended
#
# "How many sessions did you have with your mentor/mentee?" (end-of-programme questionnaire).

# %%
display(tables.styled(tables.sessions_table(findings), index=True))
figures.show(figures.sessions_chart(tables.sessions_distribution(loaded.cohort)))

# %% [markdown]
# ## Session length, missed sessions and the psychological sessions

# %%
yes_no = tables.yes_no_table(findings, labels)
display(tables.styled(yes_no))
figures.show(figures.yes_no_chart(yes_no))

# %% [markdown]
# ## Attendance and psychological input
#
# Did people who had more mentoring sessions, or attended more psychological sessions, gain more
# confidence talking with senior leaders? Spearman's rho, and the ANCOVA slope: the expected
# difference in post-programme rating per extra session, at the same enrolment rating.

# %%
display(tables.styled(tables.dose_table(findings)))
attenders = tables.attenders_table(findings)
if not loaded.programme.offers_psych_sessions:
    display(Markdown(narrative.NO_PSYCH_SESSIONS))
elif attenders.empty:
    display(Markdown("_Attenders and non-attenders of the psychological sessions cannot be compared: "
                     "within each role, everyone who answered both surveys was in the same group._"))
else:
    display(tables.styled(attenders))

# %% [markdown]
# ## Areas of work
#
# Percentage of each role's participants who answered the question that ticked each area.

# %%
display(tables.styled(tables.areas_table(findings), index=True))

# %% [markdown]
# ## Published figures, reproduced
#
# Where the region has published figures for this cohort, each is shown beside the value
# reproduced here, rounded as the source rounded it.

# %%
try:
    comparison = verify.compare(findings, verify.published_figures(region, int(cohort)))
except FileNotFoundError as missing:
    display(Markdown(f"_{missing}._"))
else:
    display(Markdown(f"{int(comparison['match'].sum())} of {len(comparison)} published figures reproduced."))
    display(tables.styled(tables.comparison_table(comparison)))
