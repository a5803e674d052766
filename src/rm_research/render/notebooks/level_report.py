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
# # Reverse mentoring programmes: every cohort pooled
#
# The evaluation of every cohort of a region (or of every region: the national report), pooled.
# Each cohort's confidence change is combined by a random-effects meta-analysis, so that cohorts
# too small to say much alone contribute to a figure that can. Every number is computed by the
# `rm_research` package from the raw files listed under *Data and provenance*; the machine-readable
# figures are in `findings.csv` beside this report (data contract, section 6).

# %% tags=["parameters"]
level = "national"  # a region's slug, or "national" for every region
root = None
# the cohorts to pool, as pairs of region and number (None for every cohort found)
cohorts = None
state = None  # what the rendering command computed already (rm_research.render.handoff); None: computed here

# %%
from functools import partial

from IPython.display import HTML, Markdown, display

from rm_research.core import config, provenance
from rm_research.core.paths import NATIONAL
from rm_research.findings import level as pooling
from rm_research.findings import registry
from rm_research.render import handoff
from rm_research.report import figures, narrative, summary, tables
from rm_research.stats import meta

loaded, results = handoff.notebook_level(root, level, cohorts, state)  # computed once, by the command
people, findings, analyses = results.people, results.findings, results.analyses
labels = tables.level_item_labels(loaded)
by = "region" if level == NATIONAL else "cohort_label"
numbering = figures.Numbering()
table = partial(figures.show_table, numbering=numbering)

display(Markdown(f"**{'All regions' if level == NATIONAL else 'Region: ' + level}**, "
                 f"{len(loaded)} cohorts, {len(people)} people enrolled."))
display(HTML(narrative.banner(narrative.SMALL_NUMBERS_NOTICE)))
if any(item.is_synthetic for item in loaded):
    display(Markdown(narrative.SYNTHETIC_POOLED_NOTICE))

# %% [markdown]
# ## Key findings

# %%
display(Markdown(narrative.key_findings_intro()))
display(Markdown(summary.bullet_list(summary.key_findings_level(findings, labels, reasons=results.reasons()))))

# %% [markdown]
# ## Contents
#
# 1. [Participant flow by region and cohort](#Participant-flow-by-region-and-cohort)
# 2. [Confidence before and after the programme, pooled](#Confidence-before-and-after-the-programme,-pooled)
# 3. [Sessions and the psychological sessions](#Session-length,-missed-sessions-and-the-psychological-sessions)
# 4. [Attendance and psychological input, pooled](#Attendance-and-psychological-input,-pooled)
#
# Appendices: [A. Technical statistics](#Appendix-A.-Technical-statistics),
# [B. The statistics reported](#Appendix-B.-The-statistics-reported),
# [C. Data and provenance](#Appendix-C.-Data-and-provenance)

# %% [markdown]
# ## Participant flow by region and cohort
#
# Enrolled → matched with a partner → attended at least one psychological session → completed
# the end-of-programme survey; everyone, both roles. A programme that offered no psychological
# sessions counts 0 attenders.

# %%
table(tables.cohorts_table(loaded), "The cohorts pooled")
flow = pooling.cohort_flow(people)
if level == NATIONAL:
    table(tables.level_flow_table(pooling.region_flow(people), "region"), "Participants at each stage, by region")
table(tables.level_flow_table(flow), "Participants at each stage, by cohort")
figures.show(figures.flow_by_cohort_chart(flow, title=summary.headline_flow(findings)), numbering)
table(tables.flow_table(findings), "Participants at each stage by role, summed over the cohorts", index=True)

# %% [markdown]
# ## Confidence before and after the programme, pooled
#
# For each item and role, each cohort's mean change (end minus enrolment, over the people who
# answered both) is pooled by a random-effects meta-analysis: Paule-Mandel between-cohort variance
# (tau²), Hartung-Knapp-Sidik-Jonkman interval and p on k - 1 degrees of freedom (data contract,
# section 6). The prediction interval (shown where k ≥ 5) is where the mean change of a new, similar cohort
# would be expected to fall.

# %%
table(tables.pooled_before_after_table(findings, labels, reasons=results.reasons()),
      "Change in confidence, pooled over the cohorts")
display(Markdown(narrative.pooled_before_after_explained()))

# %% [markdown]
# ### Forest plots
#
# One row per cohort pooled: its mean change with its 95% t interval (square sized by its weight);
# the pooled change as a diamond; the 95% prediction interval beneath it where at least 5 cohorts
# are pooled. The axis stops at the largest change the scale allows.

# %%
for (item, role), result in analyses.items():
    label = f"{labels[item]}: {'everyone' if role == config.ALL_ROLES else role + 's'}"
    if role == config.ALL_ROLES and (asked := pooling.only_role(analyses, item)):
        display(Markdown(f"{narrative.escape_markdown(label)}: the same as for the {asked}s, the only role who "
                         "answered this question; the figure above is everyone's."))
        continue
    if result.cohorts:
        figures.show(figures.forest_plot(result, label, title=summary.headline_pooled(findings, item, role, labels)),
                     numbering)
    display(Markdown(f"{narrative.escape_markdown(label)}: {meta.heterogeneity_sentence(result)}"))

# %% [markdown]
# ### Cohorts left out of the pooling
#
# A cohort is pooled for an item and role when at least 2 of its people answered the item at both
# times and their changes are not all equal (a cohort with no spread has no variance to weight by).

# %%
excluded = pooling.excluded_cohorts(analyses)
if excluded.empty:
    display(Markdown("_Every cohort was pooled for every item and role._"))
else:
    table(tables.excluded_table(excluded, labels), "Cohorts left out of the pooling, and why")

# %% [markdown]
# ## Session length, missed sessions and the psychological sessions
#
# "Yes" answers of those who answered, with the 95% Wilson interval of the proportion. Answers about
# the psychological sessions from programmes that offered none are left out.

# %%
table(tables.yes_no_by_table(pooling.yes_no_by(people, by), by, labels), "Answers to the yes/no questions")

# %% [markdown]
# ### Mentoring sessions held
#
# Sessions held by each person's pair (the session log), or, where there is no log, the sessions
# the person reported.

# %%
table(tables.mentoring_sessions_by_table(pooling.mentoring_sessions_by(people, by), by), "Mentoring sessions held")

# %% [markdown]
# ### Psychological sessions attended
#
# Over the cohorts whose programme offered psychological sessions and kept an attendance log.

# %%
attendance = pooling.psych_attendance_by(people, by)
if attendance.empty:
    display(Markdown("_No cohort pooled here offered psychological sessions with an attendance log._"))
else:
    table(tables.psych_attendance_by_table(attendance, by), "Psychological sessions attended")

# %% [markdown]
# ## Attendance and psychological input, pooled
#
# Did people who had more mentoring sessions, or attended more psychological sessions, end with
# more confidence talking with senior leaders, at the same enrolment rating? ANCOVA of the final
# rating on the enrolment rating and the dose, with cohort fixed effects and HC3 robust standard
# errors; where at least 5 cohorts are pooled, a mixed model with a random intercept for each cohort
# as a sensitivity analysis.

# %%
models = pooling.dose_models(results.fits)
display(Markdown(pooling.FIXED_EFFECTS_NOTE))
if models.empty:
    display(Markdown("_Nobody pooled here has an enrolment rating, a final rating and a dose._"))
else:
    table(tables.dose_models_table(models), "Sessions attended and confidence at the end, pooled models")
if (models["model"] == "mixed").any():
    display(Markdown(pooling.MIXED_CAVEAT))
else:
    display(Markdown(f"_The mixed model is fitted only where at least {pooling.MIN_MIXED_COHORTS} cohorts are "
                     "pooled._"))

# %% [markdown]
# ## Appendix A. Technical statistics
#
# The meta-analyses in full: each item and role's pooled change with its interval and p, the
# between-cohort variance (tau²), heterogeneity (I²), Cochran's Q p-value and the prediction interval.

# %%
table(tables.pooled_table(findings, labels), "Random-effects meta-analyses of the change in confidence")

# %% [markdown]
# ## Appendix B. The statistics reported
#
# Every statistic in this report's `findings.csv`, from the package's registry of statistics.

# %%
table(registry.glossary(findings), "The statistics in findings.csv")

# %% [markdown]
# ## Appendix C. Data and provenance
#
# The code version, the versions of the packages that computed this report, and the SHA-256
# checksum of every raw file of every cohort pooled. Re-running the same code on files with the
# same checksums gives the same report.

# %%
display(Markdown(f"Code: `rm-research` commit `{provenance.git_commit(loaded[0].paths.root)}`; "
                 f"{config.SETTINGS.confidence:.0%} intervals throughout."))
table(tables.cohort_checksums(loaded), "Raw files and their checksums")
table(provenance.package_versions(), "Package versions")
