# rm-research: make is the pipeline's DAG; every target is a thin veneer over the `rm-research`
# command, so anything here can be done from Python or the shell without make.
# `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
REGION ?= south-east
COHORT ?=
PSYCH_SESSIONS ?=
FORMAT ?=
KERNEL := rm-research
# Three pinned sets, installed only where needed: requirements.lock is what rendering a report needs
# (the analysis stack, papermill, nbconvert, ipykernel); requirements-test.lock adds pytest, hypothesis
# and ruff for make test and make lint; requirements-lab.lock adds JupyterLab for make lab.
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
LAB_STAMP := $(VENV)/.installed-lab
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
# uv installs the same pinned wheels as pip, in parallel and from its cache: a cold set-up in seconds
# rather than a minute (README, "Set-up"). INSTALLER=pip uses pip alone, and pip's own settings
# (pip.conf: a mirror, a proxy), for networks where uv is not set up.
# Both compile the packages' bytecode when installing (pip by default; uv with --compile-bytecode):
# else a machine with PYTHONDONTWRITEBYTECODE set (common in containers, and on ours) compiles pandas,
# scipy and matplotlib from source in every command, 5.2 s to import the package instead of 1.7 s.
INSTALLER ?= uv
UV_VERSION := 0.13.9
UV_STAMP := $(VENV)/.uv-$(UV_VERSION)
ifeq ($(INSTALLER),pip)
INSTALL := $(PIP) install
INSTALLER_READY := $(BIN)/python
else
INSTALL := $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python
INSTALLER_READY := $(UV_STAMP)
endif
LAB_ARGS ?=
TEMPLATE_OUT ?= template
# Every set resolved together, then each set's share of it: one version of each package across the three.
LOCK_COMPILE = .venv-lock/bin/uv pip compile --quiet --no-header --no-annotate --python-version 3.11
RM := $(BIN)/rm-research
COHORT_ARGS = --region $(REGION) --cohort $(COHORT) $(if $(PSYCH_SESSIONS),--psych-sessions $(PSYCH_SESSIONS))

# GNU make exits 2 whenever a recipe fails, whatever the command's own status, and cannot pass that
# status on. So each rm-research recipe says which status the command itself returned and what it
# means (README, "Exit statuses"), then fails with it.
EXIT_MEANING_1 := a bug in rm-research; please report it with the text above
EXIT_MEANING_2 := the data break the contract (every problem is listed above)
EXIT_MEANING_3 := a published figure was not reproduced
EXIT_MEANING_4 := the outputs could not be written (read-only folder or full disk)
define rm_research
	@echo "$(RM) $(1) $(COHORT_ARGS)"
	@status=0; $(RM) $(1) $(COHORT_ARGS) || status=$$?; \
	if [ $$status -ne 0 ]; then \
	  case $$status in 1) why="$(EXIT_MEANING_1)";; 2) why="$(EXIT_MEANING_2)";; \
	    3) why="$(EXIT_MEANING_3)";; 4) why="$(EXIT_MEANING_4)";; *) why="see the messages above";; esac; \
	  echo "rm-research exited with status $$status: $$why (make itself exits with status 2)" >&2; \
	  exit $$status; \
	fi
endef

# The collaborative targets: REGION limits them only when given (on the command line or in the
# environment), and make's own -j N is passed on as the number of reports made at once (else: the
# number of cores). JOBS=N does the same without make running anything else in parallel.
ALL_ARGS = $(if $(filter file undefined,$(origin REGION)),,--region $(REGION)) \
	$(if $(JOBS),-j $(JOBS),$(if $(patsubst -j%,%,$(filter -j%,$(MAKEFLAGS))),-j $(patsubst -j%,%,$(filter -j%,$(MAKEFLAGS)))))
define rm_research_all
	@echo "$(RM) $(1) $(ALL_ARGS)"
	@status=0; $(RM) $(1) $(ALL_ARGS) || status=$$?; \
	if [ $$status -ne 0 ]; then \
	  case $$status in 1) why="$(EXIT_MEANING_1)";; 2) why="$(EXIT_MEANING_2)";; \
	    4) why="$(EXIT_MEANING_4)";; *) why="see the messages above";; esac; \
	  echo "rm-research exited with status $$status: $$why (make itself exits with status 2)" >&2; \
	  exit $$status; \
	fi
endef


.PHONY: api-docs
.PHONY: help setup require-cohort report reports publish-all plan validate check-data verify publish test lint lab template benchmark example-data lock clean distclean

help: ## List the targets (REGION defaults to south-east; COHORT is a number, e.g. COHORT=1; PSYCH_SESSIONS overrides programme.toml)
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	@test -x $@ || $(PYTHON) -m venv $(VENV)

$(UV_STAMP): | $(BIN)/python
	$(PIP) install uv==$(UV_VERSION)
	@touch $@

$(STAMP): requirements.lock pyproject.toml | $(INSTALLER_READY)
	$(INSTALL) -r requirements.lock
	$(INSTALL) --no-deps --no-build-isolation -e .
	$(BIN)/python -m compileall -q src/rm_research  # the editable package: installers compile site-packages only
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "$(KERNEL)" >/dev/null
	@touch $@

# The extra sets add packages only: requirements.lock as constraints keeps every report package as pinned.
$(TEST_STAMP): $(STAMP) requirements-test.lock | $(INSTALLER_READY)
	$(INSTALL) -r requirements-test.lock -c requirements.lock
	@touch $@

$(LAB_STAMP): $(STAMP) requirements-lab.lock | $(INSTALLER_READY)
	$(INSTALL) -r requirements-lab.lock -c requirements.lock
	@touch $@

setup: $(STAMP) ## Create .venv with what rendering needs (requirements.lock) and register the Jupyter kernel

require-cohort:
	@test -n "$(COHORT)" || { echo "Please say which cohort, e.g. make $(MAKECMDGOALS) COHORT=1"; exit 2; }

report: $(STAMP) require-cohort ## Render reports/REGION/cohort-COHORT/report.html and findings.csv (FORMAT=docx: report.docx too)
	$(call rm_research,report $(if $(FORMAT),--format $(FORMAT)))

reports: $(STAMP) ## Every cohort, region and national report that changed (REGION= one region; -j N at once; FORMAT=docx: Word copies too)
	$(call rm_research_all,reports $(if $(FORMAT),--format $(FORMAT)))

publish-all: $(STAMP) ## The public version of every cohort, region and national report (REGION=, -j N, FORMAT=docx)
	$(call rm_research_all,publish-all $(if $(FORMAT),--format $(FORMAT)))

plan: $(STAMP) ## People a new cohort needs: ROLE=mentee ITEM=conf_senior (CHANGE=, SD= to choose them; REGION= to pool one region)
	@test -n "$(ROLE)" -a -n "$(ITEM)" || { echo "Please say which role and question, e.g. make plan ROLE=mentee ITEM=conf_senior"; exit 2; }
	$(RM) plan --role $(ROLE) --item $(ITEM) $(if $(CHANGE),--change $(CHANGE)) $(if $(SD),--sd $(SD)) \
	  $(if $(filter file undefined,$(origin REGION)),,--region $(REGION))

validate: $(STAMP) require-cohort ## Check a cohort's raw files against the data contract
	$(call rm_research,validate)

check-data: validate ## The same as validate

verify: $(STAMP) require-cohort ## Print published next to reproduced figures; fail on any mismatch
	$(call rm_research,verify)

publish: $(STAMP) require-cohort ## Write disclosure-controlled report-public.html and findings-public.csv (FORMAT=docx: report-public.docx too)
	$(call rm_research,publish $(if $(FORMAT),--format $(FORMAT)))

test: $(TEST_STAMP) ## Run the test suite (unit, functional and back tests) on every core; installs requirements-test.lock first
	$(BIN)/python -m pytest -n auto --dist loadfile

lint: $(TEST_STAMP) ## ruff on the package, tests and notebooks; the package's layers (import-linter); notebook pairs in sync
	$(BIN)/ruff check src tests notebooks scripts
	$(BIN)/lint-imports
	for pair in src/rm_research/render/notebooks/*.py notebooks/exploratory/*.py; do $(BIN)/jupytext --to ipynb --test "$$pair" >/dev/null; done

lab: $(LAB_STAMP) ## JupyterLab with the rm-research kernel (installs requirements-lab.lock first; LAB_ARGS= more options)
	$(BIN)/jupyter lab $(LAB_ARGS)

template: $(STAMP) ## Write the evaluation template (workbooks, programme.toml, form wordings) into TEMPLATE_OUT (default template/)
	$(RM) template --out $(TEMPLATE_OUT)

benchmark: $(STAMP) ## Time and peak memory of each stage, validate + findings on SYNTHETIC cohorts of 1,000-1,000,000 people, and make reports against the naive way
	$(BIN)/python scripts/benchmark.py

example-data: $(STAMP) ## Regenerate the SYNTHETIC example cohorts in data/raw
	$(RM) make-example

lock: ## Re-resolve the newest compatible versions into the three lock files and environment.yml
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock && .venv-lock/bin/python -m pip install --quiet uv==$(UV_VERSION)
	echo "setuptools>=77" > .venv-lock/build.in  # the build backend of 'pip install --no-build-isolation -e .'
	$(LOCK_COMPILE) pyproject.toml .venv-lock/build.in --all-extras -o .venv-lock/all.txt
	$(LOCK_COMPILE) pyproject.toml .venv-lock/build.in -c .venv-lock/all.txt -o .venv-lock/report.txt
	$(LOCK_COMPILE) pyproject.toml --extra test -c .venv-lock/all.txt -o .venv-lock/test.txt
	$(LOCK_COMPILE) pyproject.toml --extra lab -c .venv-lock/all.txt -o .venv-lock/lab.txt
	.venv-lock/bin/python scripts/write_environment.py --resolved .venv-lock && rm -rf .venv-lock

clean: ## Remove derived files (data/processed, reports, the public site's files, caches); never touches data/raw
	find data/processed reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -f public/index.html public/*/findings-public.csv public/*/report-public.* public/*/cohort-*/findings-public.csv public/*/cohort-*/report-public.*
	if [ -d public ]; then find public -depth -mindepth 1 -type d -empty -delete; rmdir public 2>/dev/null || true; fi
	rm -rf .pytest_cache .ruff_cache
	find src tests -name __pycache__ -type d -exec rm -rf {} +

distclean: clean ## clean, and remove the virtual environment
	rm -rf $(VENV)

api-docs: $(STAMP) ## Regenerate docs/api.md from the package's docstrings
	$(BIN)/python scripts/api_docs.py
