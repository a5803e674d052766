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
public_findings_csv = None  # the findings the publishing command protected; None: the folder's findings-public.csv
state = None  # what the rendering command computed already (rm_research.render.handoff); None: computed here

# %%
from functools import partial

from IPython.display import Markdown, display

from rm_research.core import config, provenance
from rm_research.disclosure import control as disclosure
from rm_research.disclosure import quotes
from rm_research.findings import descriptive as counting
from rm_research.render import handoff
from rm_research.report import descriptive, figures, narrative, summary, tables, themes

loaded = handoff.loaded_cohort(root, region, int(cohort), psych_offered, state)  # no figure computed
programme, people = loaded.programme, loaded.cohort
labels = tables.item_labels(programme)
safe = handoff.published_findings(loaded.paths.reports, public_findings_csv)  # only what a publish protected
status = descriptive.section_status(people, loaded.raw, programme)
names = quotes.names_to_redact(loaded.raw)
numbering = figures.Numbering()
table, missing = partial(figures.show_table, numbering=numbering), figures.show_missing

display(Markdown(narrative.heading(programme, region, int(cohort))))
if loaded.is_synthetic:
    display(Markdown(narrative.SYNTHETIC_NOTICE))

# %% [markdown]
# ## Key findings

# %%
display(Markdown(narrative.key_findings_intro()))
display(Markdown(summary.bullet_list(summary.key_findings_public(
    safe, labels, psych_offered=programme.offers_psych_sessions,
    planned_sessions=programme.planned_mentoring_sessions))))

# %% [markdown]
# ## Contents
#
# 1. [Who took part](#Who-took-part)
# 2. [Training and hopes](#Training-and-hopes)
# 3. [Confidence before and after the programme](#Confidence-before-and-after-the-programme)
# 4. [Mentoring sessions](#Mentoring-sessions)
# 5. [The psychological sessions](#The-psychological-sessions)
# 6. [Sessions attended and change in confidence](#Sessions-attended-and-change-in-confidence)
# 7. [Themes from the end-of-programme questions](#Themes-from-the-end-of-programme-questions)
# 8. [Mentors' observations of practice](#Mentors'-observations-of-practice)
#
# Appendices: [A. Disclosure control](#Appendix-A.-Disclosure-control),
# [B. Data and provenance](#Appendix-B.-Data-and-provenance)

# %% [markdown]
# ## Who took part
#
# ### Participant flow

# %%
table(disclosure.public_flow_table(safe), "Participants at each stage, by role")

# %% [markdown]
# ### Ethnic group and band

# %%
for key, what in (("ethnic_group", "Ethnic group"), ("band", "Band")):
    if status[key]:
        missing(status[key])
    else:
        table(disclosure.public_category_table(safe, key, what), f"{descriptive.SECTIONS[key]}, by role")

# %% [markdown]
# ### How participants heard of the programme
#
# Percentage of each role's participants who answered, computed from rounded counts.

# %%
if status["heard_via"]:
    missing(status["heard_via"])
else:
    table(disclosure.public_category_table(safe, "heard_via", "Channel"), "How participants heard of the programme (%)")

# %% [markdown]
# ### Areas of work
#
# Percentage of participants who answered the question that ticked each area, computed from
# rounded counts.

# %%
table(disclosure.public_table(safe, {"areas_of_work": "Areas of work (%)"}, list(config.AREAS_OF_WORK)),
      "Main areas of work, by role (%)")

# %% [markdown]
# ## Training and hopes
#
# ### Feedback on the induction training

# %%
if status["training_rating"]:
    missing(status["training_rating"])
else:
    table(disclosure.public_table(safe, {"training_rating": "Training (1-5)"}, ["mean"]),
          "Mean rating of the induction training (1 = poor, 5 = excellent)")
if status["resources_needed"]:
    missing(status["resources_needed"])
else:
    table(disclosure.public_category_table(safe, "resources_needed", "Resource or guidance"),
          "Additional resources or guidance needed after the training, by role")

# %% [markdown]
# ### What participants hoped to contribute and to gain
#
# Answers at enrolment of those who agreed to be quoted, with names, codes and contact details removed.

# %%
for question in themes.HOPES_QUESTIONS:
    if reason := themes.hopes_missing(people, question):
        missing(reason)
        continue
    table(themes.public_hopes(themes.hopes_table(people, question, names)), themes.QUESTION_WORDING[question])
display(Markdown(themes.public_hopes_note()))

# %% [markdown]
# ## Confidence before and after the programme

# %%
table(tables.public_before_after_table(safe, labels), "Confidence ratings before and after, same people")
display(Markdown(narrative.public_before_after_explained()))

# %% [markdown]
# ## Mentoring sessions

# %%
table(disclosure.public_table(safe, {"sessions_reported": "Sessions reported"}, disclosure.PUBLIC_SESSIONS_STATISTICS),
      "Mentoring sessions reported at the end, by role")
if status["sessions_vs_plan"]:
    missing(status["sessions_vs_plan"])
else:
    table(disclosure.public_table(safe, {"sessions_vs_plan": "Sessions held"}, disclosure.PUBLIC_PLAN_STATISTICS,
                                  n_label="Answered"),
          f"Sessions held against the {programme.planned_mentoring_sessions} planned")
table(disclosure.public_table(safe, {item: labels[item] for item in ("length_appropriate", "missed_any")},
                              disclosure.PUBLIC_YES_NO_STATISTICS, n_label="Answered"),
      "Session length and missed sessions, by role")
if status["missed_reasons"]:
    missing(status["missed_reasons"])
else:
    table(descriptive.public_missed_reasons(people), "People who gave a reason for missed sessions")

# %% [markdown]
# ## The psychological sessions
#
# Whether the facilitated psychological sessions were found supportive.

# %%
if not programme.offers_psych_sessions:
    display(Markdown(narrative.NO_PSYCH_SESSIONS))
else:
    table(disclosure.public_table(safe, {"psych_supportive": labels["psych_supportive"]},
                                  disclosure.PUBLIC_YES_NO_STATISTICS, n_label="Answered"),
          "Found the psychological sessions supportive")

# %% [markdown]
# ## Sessions attended and change in confidence
#
# Associations among the people who took part between the sessions they attended and their change in
# confidence talking with senior leaders, not effects of the sessions.

# %%
table(disclosure.public_table(safe, {"attendance_effect": "Mentoring sessions held",
                                     "psych_effect": "Psychological sessions attended"},
                              disclosure.PUBLIC_DOSE_STATISTICS),
      "Sessions attended and change in confidence with senior leaders")

# %% [markdown]
# ## Themes from the end-of-programme questions
#
# How many people of each role gave an answer coded with each theme (a theme given by fewer than 8
# people is not named), and answers from participants who agreed to be quoted, with names, e-mail
# addresses, phone numbers, postcodes, dates, links, handles and participant codes removed, and
# answers longer than 600 characters shortened. Read them once more before publication: a name that
# appears nowhere in the data files cannot be recognised automatically.

# %%
if reason := themes.themes_missing(people):
    missing(reason)
else:
    table(themes.themes_table(safe), "Themes in the answers, by question and role")
table(quotes.public_quotes(loaded.raw, people).replace({"Question": themes.QUESTION_WORDING}),
      "In participants' words")
display(Markdown(quotes.public_quotes_note()))

# %% [markdown]
# ## Mentors' observations of practice

# %%
if status["observations"]:
    missing(status["observations"])
else:
    table(disclosure.public_table(safe, {"observations": "Findings recorded"}, list(counting.OBSERVATION_CATEGORIES),
                                  n_label="Pairs"), "Mentors' findings by level and kind")

# %% [markdown]
# ## Appendix A. Disclosure control

# %%
display(Markdown(disclosure.method_statement(safe)))

# %% [markdown]
# ## Appendix B. Data and provenance
#
# The sizes and checksums of the raw files are recorded in the internal report only: a file's size
# gives its number of rows away, and so the number of people.

# %%
display(Markdown(provenance.public_statement(loaded.paths.root, loaded.raw.files)))
table(provenance.package_versions(), "Package versions")
