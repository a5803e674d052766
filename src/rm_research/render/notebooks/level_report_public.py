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
# # Reverse mentoring programmes: every cohort pooled (public version)
#
# A summary of the evaluation of every cohort of a region (or of every region), pooled, prepared
# for publication. Small numbers are suppressed and other counts rounded, so that no participant can
# be recognised; the method is described below. The figures are in `findings-public.csv` beside
# this report. Figures for single cohorts are in the internal report only.

# %% tags=["parameters"]
level = "national"  # a region's slug, or "national" for every region
root = None
# the cohorts to pool, as pairs of region and number (None for every cohort found)
cohorts = None
state = None  # what the rendering command computed already (rm_research.render.handoff); None: computed here
public_findings_csv = None  # the findings the publishing command protected; None: the folder's findings-public.csv

# %%
from functools import partial

from IPython.display import Markdown, display

from rm_research.core import config, provenance
from rm_research.core.paths import NATIONAL, LevelPaths
from rm_research.disclosure import control as disclosure
from rm_research.findings import level as pooling
from rm_research.render import handoff
from rm_research.report import figures, narrative, summary, tables

loaded = handoff.loaded_level(root, level, cohorts, state)  # no figure computed
labels = tables.level_item_labels(loaded)
safe = handoff.published_findings(LevelPaths(loaded[0].paths.root, level).reports, public_findings_csv)
numbering = figures.Numbering()
table = partial(figures.show_table, numbering=numbering)

display(Markdown(f"**{'All regions' if level == NATIONAL else 'Region: ' + level}**, "
                 f"{len(loaded)} cohorts pooled."))
if any(item.is_synthetic for item in loaded):
    display(Markdown(narrative.SYNTHETIC_POOLED_NOTICE))

# %% [markdown]
# ## Key findings

# %%
display(Markdown(narrative.key_findings_intro()))
display(Markdown(summary.bullet_list(summary.key_findings_level_public(safe, labels))))

# %% [markdown]
# ## Contents
#
# 1. [Participant flow, all cohorts](#Participant-flow,-all-cohorts)
# 2. [Confidence before and after the programme, pooled](#Confidence-before-and-after-the-programme,-pooled)
# 3. [Sessions and the psychological sessions](#Session-length,-missed-sessions-and-the-psychological-sessions)
# 4. [Attendance and psychological input, pooled](#Attendance-and-psychological-input,-pooled)
#
# Appendices: [A. Technical statistics](#Appendix-A.-Technical-statistics),
# [B. Disclosure control](#Appendix-B.-Disclosure-control), [C. Data and provenance](#Appendix-C.-Data-and-provenance)

# %% [markdown]
# ## Participant flow, all cohorts

# %%
table(disclosure.public_flow_table(safe), "Participants at each stage, by role")

# %% [markdown]
# ## Confidence before and after the programme, pooled
#
# Each cohort's mean change (end minus enrolment) pooled by a random-effects meta-analysis
# (Paule-Mandel between-cohort variance, Hartung-Knapp-Sidik-Jonkman interval), with the
# heterogeneity between cohorts (I², and Cochran's Q p-value).

# %%
table(tables.public_pooled_before_after_table(safe, labels), "Change in confidence, pooled over the cohorts")
display(Markdown(narrative.public_pooled_before_after_explained()))

# %% [markdown]
# ## Session length, missed sessions and the psychological sessions

# %%
table(disclosure.public_table(safe, {item: labels[item] for item in config.YES_NO_ITEMS},
                              disclosure.PUBLIC_YES_NO_STATISTICS, n_label="Answered"),
      "Answers to the yes/no questions, by role")

# %% [markdown]
# ## Attendance and psychological input, pooled
#
# The change in final confidence talking with senior leaders per extra session, at the same
# enrolment rating: ANCOVA with cohort fixed effects (HC3), and a mixed model with a random
# cohort intercept where at least 5 cohorts are pooled (a sensitivity analysis).

# %%
table(disclosure.public_table(safe, {measure: tables.DOSE_LABELS[measure] for measure in pooling.DOSES},
                              disclosure.PUBLIC_POOLED_DOSE_STATISTICS, n_of="pooled_ancova_slope"),
      "Sessions attended and confidence at the end, pooled models")

# %% [markdown]
# ## Appendix A. Technical statistics
#
# The meta-analyses in full: pooled change, interval and p, with the heterogeneity between cohorts
# (I², and Cochran's Q p-value).

# %%
items = {item: labels[item] for item in config.RATING_ITEMS}
table(disclosure.public_table(tables.without_short_predictions(safe), items, list(pooling.POOLED_STATISTICS),
                              n_label="People paired", n_of="k"),
      "Random-effects meta-analyses of the change in confidence")

# %% [markdown]
# ## Appendix B. Disclosure control

# %%
display(Markdown(disclosure.method_statement(safe)))

# %% [markdown]
# ## Appendix C. Data and provenance
#
# The sizes and checksums of the raw files are recorded in the internal report only: a file's size
# gives its number of rows away, and so the number of people.

# %%
display(Markdown(f"Computed by `rm-research`, commit `{provenance.git_commit(loaded[0].paths.root)}`, from "
                 f"{len(loaded)} cohorts' evaluation files; their checksums are recorded in the internal report."))
table(provenance.package_versions(), "Package versions")
