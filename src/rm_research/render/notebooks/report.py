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

# %% tags=["parameters"]
region = "south-east"
cohort = 1
psych_offered = None  # overrides programme.toml's psych_sessions_offered when set
root = None
state = None  # what the rendering command computed already (rm_research.render.handoff); None: computed here

# %%
from functools import partial

from IPython.display import HTML, Markdown, display

from rm_research.core import provenance
from rm_research.disclosure import quotes
from rm_research.findings import descriptive as counting
from rm_research.findings import registry, verify
from rm_research.findings import themes as coding
from rm_research.render.handoff import notebook_cohort
from rm_research.report import descriptive, figures, narrative, summary, tables, themes

loaded, findings = notebook_cohort(root, region, int(cohort), psych_offered, state)
programme, people = loaded.programme, loaded.cohort
labels = tables.item_labels(programme)
status = descriptive.section_status(people, loaded.raw, programme)
names = quotes.names_to_redact(loaded.raw)
numbering = figures.Numbering()
table, missing = partial(figures.show_table, numbering=numbering), figures.show_missing

display(Markdown(narrative.heading(programme, region, int(cohort))))
display(HTML(narrative.banner(narrative.SMALL_NUMBERS_NOTICE)))
if loaded.is_synthetic:
    display(Markdown(narrative.SYNTHETIC_NOTICE))

# %% [markdown]
# ## Key findings

# %%
display(Markdown(narrative.key_findings_intro()))
display(Markdown(summary.bullet_list(summary.key_findings(
    findings, labels, psych_offered=programme.offers_psych_sessions,
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
# Appendices: [A. Methods](#Appendix-A.-Methods),
# [B. Technical statistics](#Appendix-B.-Technical-statistics),
# [C. Data and provenance](#Appendix-C.-Data-and-provenance),
# [D. Published figures reproduced](#Appendix-D.-Published-figures-reproduced)

# %% [markdown]
# ## Who took part
#
# ### Participant flow
#
# Enrolled → matched with a partner → attended at least one psychological session → completed
# the end-of-programme survey, by role.

# %%
flow = tables.flow_table(findings, psych=programme.offers_psych_sessions)
display(Markdown(narrative.flow_summary(flow)))
table(flow, "Participants at each stage, by role", index=True)
figures.show(figures.flow_chart(flow, title=summary.headline_flow(findings)), numbering)

# %% [markdown]
# ### Ethnic group and band

# %%
for key, what in (("ethnic_group", "ethnic group"), ("band", "band")):
    if status[key]:
        missing(status[key])
        continue
    counts = descriptive.findings_counts(findings, key)
    table(descriptive.counts_table(counts, what.capitalize()), f"{descriptive.SECTIONS[key]}, by role")
    figures.show(figures.category_chart(counts, what, title=summary.headline_category(counts, what)), numbering)

# %% [markdown]
# ### How participants heard of the programme

# %%
if status["heard_via"]:
    missing(status["heard_via"])
else:
    counts = descriptive.findings_counts(findings, "heard_via")
    table(descriptive.counts_table(counts, "Channel"), "How participants heard of the programme, by role")
    figures.show(figures.category_chart(counts, "channel", title=summary.headline_category(counts, "channel")),
                 numbering)

# %% [markdown]
# ### Areas of work
#
# Percentage of each role's participants who answered the question that ticked each area.

# %%
table(tables.areas_table(findings), "Main areas of work, by role (percentage of those who answered)", index=True)

# %% [markdown]
# ## Training and hopes
#
# ### Feedback on the induction training

# %%
if status["training_rating"]:
    missing(status["training_rating"])
else:
    table(descriptive.training_rating_table(people), "Ratings of the induction training (1 = poor, 5 = excellent)")
if status["resources_needed"]:
    missing(status["resources_needed"])
else:
    counts = descriptive.findings_counts(findings, "resources_needed")
    table(descriptive.counts_table(counts, "Resource or guidance"),
          "Additional resources or guidance needed after the training, by role")
    figures.show(figures.category_chart(counts, "resource", title=summary.headline_category(counts, "request"),
                                        percent=False), numbering)

# %% [markdown]
# ### What participants hoped to contribute and to gain
#
# Answers at enrolment of those who agreed to be quoted, with names, codes and contact details removed.

# %%
for question in themes.HOPES_QUESTIONS:
    if reason := themes.hopes_missing(people, question):
        missing(reason)
        continue
    hopes = themes.hopes_table(people, question, names)
    table(hopes.table, themes.QUESTION_WORDING[question])
    display(Markdown(narrative.escape_markdown(themes.hopes_note(hopes))))

# %% [markdown]
# ## Confidence before and after the programme
#
# Paired on the people who answered an item both at enrolment and at the end. Each line in the
# plots is one person.

# %%
table(tables.before_after_table(findings, labels), "Confidence ratings before and after, same people")
display(Markdown(narrative.before_after_explained()))
for item in tables.rating_items_with_pairs(people):
    figures.show(figures.paired_plot(tables.paired_ratings(people, item), labels[item],
                                     title=summary.headline_change(findings, item, labels)), numbering)

# %% [markdown]
# ## Mentoring sessions
#
# "How many sessions did you have with your mentor/mentee?" (end-of-programme questionnaire), the
# sessions held against the programme's plan, whether their length was appropriate, and whether
# sessions were missed and why.

# %%
table(tables.sessions_table(findings), "Mentoring sessions reported at the end, by role", index=True)
figures.show(figures.sessions_chart(tables.sessions_distribution(people), title=summary.headline_sessions(findings)),
             numbering)
yes_no = tables.yes_no_table(findings, labels, ("length_appropriate", "missed_any"))
table(yes_no, "Session length and missed sessions, by role")
figures.show(figures.yes_no_chart(yes_no, title=summary.headline_yes_no(findings, "length_appropriate")), numbering)
if status["sessions_vs_plan"]:
    missing(status["sessions_vs_plan"])
else:
    table(descriptive.sessions_against_plan_table(people, programme.planned_mentoring_sessions),
          f"Sessions held against the {programme.planned_mentoring_sessions} planned")
if status["missed_reasons"]:
    missing(status["missed_reasons"])
else:
    table(descriptive.missed_reasons_table(people, names),
          "Reasons given for missed sessions (names and codes removed)")

# %% [markdown]
# ## The psychological sessions
#
# Whether the facilitated psychological sessions were found supportive, and whether those who
# attended one changed in confidence differently from those who attended none.

# %%
attenders = tables.attenders_table(findings)
if not programme.offers_psych_sessions:
    display(Markdown(narrative.NO_PSYCH_SESSIONS))
else:
    table(tables.yes_no_table(findings, labels, ("psych_supportive",)), "Found the psychological sessions supportive")
    if attenders.empty:
        missing("attenders and non-attenders of the psychological sessions cannot be compared: within each role, "
                "everyone who answered both surveys was in the same group")
    else:
        table(attenders, "Change in confidence of those who attended a psychological session and of those who "
              "did not")

# %% [markdown]
# ## Sessions attended and change in confidence
#
# Did people who had more mentoring sessions, or attended more psychological sessions, gain more
# confidence talking with senior leaders? Spearman's rho, and the ANCOVA slope: the expected
# difference in post-programme rating per extra session, at the same enrolment rating. These are
# associations among the people who took part, not effects of the sessions.

# %%
table(tables.dose_table(findings), "Sessions attended and change in confidence with senior leaders")

# %% [markdown]
# ## Themes from the end-of-programme questions
#
# The researchers' coding of the free-text answers (`themes.csv`): how many people of each role
# gave an answer coded with each theme, example quotes from those who agreed to be quoted, and,
# where two coders coded the same answers, how far they agreed.

# %%
if reason := themes.themes_missing(people):
    missing(reason)
else:
    table(themes.themes_table(findings), "Themes in the answers, by question and role (people with the theme of "
          "people whose answer was coded)")
    if reason := themes.quotes_missing(people):
        missing(reason)
    else:
        table(themes.theme_quotes(people, names), "Example quotes, by theme")
    if reason := themes.agreement_missing(people):
        missing(reason)
    else:
        agreement = coding.question_agreement(people)
        table(themes.agreement_table(agreement), "Agreement between the two coders")
        for note in themes.agreement_notes(agreement):
            display(Markdown(narrative.escape_markdown(note)))

# %% [markdown]
# ## Mentors' observations of practice
#
# Programmes on the ReMEDI model have mentors observe their mentee at work and record what they
# found at four levels (individual, departmental, organisational, symbolic).

# %%
if status["observations"]:
    missing(status["observations"])
else:
    table(descriptive.observations_table(people), "Mentors' findings by level and kind")
    figures.show(figures.observations_chart(counting.observation_levels(people)), numbering)

# %% [markdown]
# ## Appendix A. Methods
#
# Written from the settings the analysis ran with (`rm_research.core.config.SETTINGS`), then every
# statistic in `findings.csv`, from the package's registry of statistics (the same registry decides
# how each is rounded and protected in the public version).

# %%
display(Markdown(narrative.methods_markdown(psych_offered=programme.psych_sessions_offered)))
table(registry.glossary(findings), "The statistics in findings.csv")

# %% [markdown]
# ## Appendix B. Technical statistics
#
# The effect sizes and tests behind the before/after table, confidence at enrolment of everyone
# who answered, and whether those who completed the end survey differed at enrolment from those
# who did not (if they did, the before/after results describe the completers only).

# %%
technical = tables.technical_table(findings, labels)
table(technical, "Effect sizes and tests of the change in confidence")
table(tables.technical_glossary(), "What the technical columns mean")
display(Markdown(narrative.small_sample_caution(technical)))
table(tables.enrolment_table(findings, labels), "Confidence at enrolment, everyone who answered")
table(tables.attrition_table(findings, labels), "Completers and non-completers at enrolment")

# %% [markdown]
# ## Appendix C. Data and provenance
#
# The SHA-256 checksum of each raw file this report was computed from, the code version, and the
# versions of the packages that computed it. Re-running the same code on files with the same
# checksums gives the same report.

# %%
display(Markdown(f"Data: **{'synthetic example' if loaded.is_synthetic else 'evaluation returns'}**; "
                 f"code: `rm-research` commit `{provenance.git_commit(loaded.paths.root)}`"))
table(provenance.data_checksums(loaded.raw.files), "Raw files and their checksums")
table(provenance.package_versions(), "Package versions")

# %% [markdown]
# ## Appendix D. Published figures reproduced
#
# Where the region has published figures for this cohort, each is shown beside the value
# reproduced here, rounded as the source rounded it.

# %%
try:
    comparison = verify.compare(findings, verify.published_figures(region, int(cohort)))
except FileNotFoundError as absent:
    missing(str(absent))
else:
    display(Markdown(f"{int(comparison['match'].sum())} of {len(comparison)} published figures reproduced."))
    table(tables.comparison_table(comparison), "Published figures and the values reproduced")
