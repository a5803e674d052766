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
KERNEL := rm-research
STAMP := $(VENV)/.installed
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
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

.PHONY: help setup require-cohort report reports publish-all validate check-data verify publish test lint benchmark example-data lock clean distclean

help: ## List the targets (REGION defaults to south-east; COHORT is a number, e.g. COHORT=1; PSYCH_SESSIONS overrides programme.toml)
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "$(KERNEL)" >/dev/null
	@touch $@

setup: $(STAMP) ## Create .venv with the pinned dependencies and register the Jupyter kernel

require-cohort:
	@test -n "$(COHORT)" || { echo "Please say which cohort, e.g. make $(MAKECMDGOALS) COHORT=1"; exit 2; }

report: $(STAMP) require-cohort ## Render reports/REGION/cohort-COHORT/report.html and findings.csv
	$(call rm_research,report)

reports: $(STAMP) ## Every cohort, region and national report that changed (REGION= one region; -j N at once)
	$(call rm_research_all,reports)

publish-all: $(STAMP) ## The public version of every cohort, region and national report (REGION=, -j N)
	$(call rm_research_all,publish-all)

validate: $(STAMP) require-cohort ## Check a cohort's raw files against the data contract
	$(call rm_research,validate)

check-data: validate ## The same as validate

verify: $(STAMP) require-cohort ## Print published next to reproduced figures; fail on any mismatch
	$(call rm_research,verify)

publish: $(STAMP) require-cohort ## Write disclosure-controlled report-public.html and findings-public.csv
	$(call rm_research,publish)

test: $(STAMP) ## Run the test suite (unit, functional and back tests)
	$(BIN)/python -m pytest

lint: $(STAMP) ## ruff on the package, tests and notebooks; check notebook pairs are in sync
	$(BIN)/ruff check src tests notebooks scripts
	$(BIN)/jupytext --to ipynb --test notebooks/report.py >/dev/null

benchmark: $(STAMP) ## Time and peak memory of each stage, validate + findings on SYNTHETIC cohorts of 1,000-1,000,000 people, and make reports against the naive way
	$(BIN)/python scripts/benchmark.py

example-data: $(STAMP) ## Regenerate the SYNTHETIC example cohorts in data/raw
	$(RM) make-example

lock: ## Re-resolve the newest compatible versions into requirements.lock and environment.yml
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet -e '.[test]'
	{ sed -n '1,3p' requirements.lock; .venv-lock/bin/python -m pip freeze --exclude-editable --all | grep -v '^pip=='; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && .venv-lock/bin/python scripts/write_environment.py && rm -rf .venv-lock

clean: ## Remove derived files (data/processed, reports, caches); never touches data/raw
	find data/processed reports -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache
	find src tests -name __pycache__ -type d -exec rm -rf {} +

distclean: clean ## clean, and remove the virtual environment
	rm -rf $(VENV)
