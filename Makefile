# The two commands of the README are `make run` and `make test`; everything else serves them.
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 3000
VENV := .venv
VENV_SAM := .venv-sam
VENV_CHECKOV := .venv-checkov
VENV_DEPLOY := .venv-deploy
BIN := $(VENV)/bin
# The Python of the template's runtime (python3.12): on PATH, or under pyenv on this kind of machine.
LAMBDA_PYTHON ?= $(shell for candidate in $$(ls -d $$HOME/.pyenv/versions/3.12*/bin/python3.12 2>/dev/null | sort -rV) $$(command -v python3.12); do "$$candidate" -c pass 2>/dev/null && { echo "$$candidate"; break; }; done)
export SAM_CLI_TELEMETRY := 0

.PHONY: run test lint format build package-check demo bench fit-weights clean

$(VENV)/.installed: requirements-dev.txt shared/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(VENV_CHECKOV)/.installed: requirements-checkov.txt
	$(PYTHON) -m venv $(VENV_CHECKOV)
	$(VENV_CHECKOV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	touch $@

$(VENV_DEPLOY)/.installed: requirements-deploy.txt
	$(PYTHON) -m venv $(VENV_DEPLOY)
	$(VENV_DEPLOY)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-deploy.txt
	touch $@

$(VENV_SAM)/.installed: requirements-sam.txt
	$(PYTHON) -m venv $(VENV_SAM)
	$(VENV_SAM)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-sam.txt
	touch $@

## run: the whole system on http://127.0.0.1:$(PORT), AWS emulated in-process (no account, no Docker)
run: $(VENV)/.installed
	PORT=$(PORT) $(BIN)/python -m local.runner

## test: lint, template lint, the emulated deployment, unit, integration, property, end-to-end and browser tests,
## the packaging check, then every function in its Lambda container (skipped in one line where no container runtime
## answers). The emulated deployment runs in .venv-deploy; --confcutdir keeps the app's fixtures out of it.
test: lint $(VENV_DEPLOY)/.installed
	$(BIN)/cfn-lint template.yaml
	$(VENV_DEPLOY)/bin/pytest --confcutdir=tests/deploy tests/deploy
	$(BIN)/pytest -n 2 tests/unit tests/integration tests/property
	$(BIN)/pytest tests/e2e tests/browser
	$(MAKE) package-check
	SAM_LOCAL_NO_BUILD=1 $(BIN)/pytest -m sam tests/sam

lint: $(VENV)/.installed $(VENV_CHECKOV)/.installed lint-web
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/xenon --max-absolute C shared functions local bench
	$(VENV_CHECKOV)/bin/checkov --file template.yaml --framework cloudformation --compact --quiet --skip-download

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund
	touch $@

## lint-web: Biome's lint and format check of the overview page (web/), pinned in package-lock.json
.PHONY: lint-web
lint-web: node_modules/.installed
	node_modules/.bin/biome ci web

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## build: sam build, with the runtime's Python on PATH, when the template or the code changed since the last
## (samconfig.toml's `cached = true` then rebuilds only the functions whose code changed)
BUILT_TEMPLATE := .aws-sam/build/template.yaml
SAM_BUILD_INPUTS := template.yaml samconfig.toml $(shell find -L functions shared -type f -not -path '*/__pycache__/*' 2>/dev/null)
build: $(BUILT_TEMPLATE)
$(BUILT_TEMPLATE): $(VENV_SAM)/.installed $(SAM_BUILD_INPUTS)
	@test -x "$(LAMBDA_PYTHON)" || { echo "python3.12 (the template's runtime) was not found" >&2; exit 1; }
	PATH="$(dir $(LAMBDA_PYTHON)):$$PATH" $(VENV_SAM)/bin/sam build
	touch $@

## package-check: import every built handler from the build output alone, with the runtime's Python
package-check: build $(VENV)/.installed
	$(LAMBDA_PYTHON) -m pip install --quiet --disable-pip-version-check --upgrade --target .aws-sam/runtime-sdk -r tests/packaging/lambda-runtime-sdk.txt
	LAMBDA_PYTHON=$(LAMBDA_PYTHON) $(BIN)/pytest tests/packaging

clean:
	rm -rf .aws-sam $(VENV) $(VENV_SAM) $(VENV_CHECKOV) $(VENV_DEPLOY) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache

## demo: pipelines, real GitHub/GitLab payloads and three alerts; prints each enrichment
demo: $(VENV)/.installed
	LOCAL_ACCESS_LOG=0 $(BIN)/python -m local.demo

## bench: queries and items per alert (1k vs 100k events), ingest overhead, cold imports, and §17's
## hit rate, abstention and calibration on the evaluation set's held-out half (by hand)
bench: $(VENV)/.installed
	$(BIN)/python -m bench

## fit-weights: §17's weights fitted on the evaluation set's fit half, beside the defaults in the code
fit-weights: $(VENV)/.installed
	$(BIN)/python -m bench.relevance_fit

## sam-image: the Lambda python3.12 base image for `sam local` (--skip-pull-image), built locally from Debian
## packages, the runtime's Python and PyPI's awslambdaric; does nothing when up to date or pulled (sam/README.md)
.PHONY: sam-image
sam-image:
	@LAMBDA_PYTHON="$(LAMBDA_PYTHON)" bash sam/build-image.sh

## run-sam: the system of `make run` on http://127.0.0.1:$(PORT), every function in its Lambda container
## (sam local start-lambda, warm containers); it starts Docker and `make sam-image` itself (sam/README.md)
.PHONY: run-sam
run-sam: $(VENV)/.installed $(BUILT_TEMPLATE)
	PORT=$(PORT) $(BIN)/python -m local.sam_runner

## invoke: one function in its Lambda container with a sample event, against the emulated AWS of a running
## `make run` or `make run-sam` (same PORT, AWS_PORT and PARAMETER_OVERRIDES), e.g.
## make invoke FUNCTION=ApiFunction EVENT=events/api-list-pipelines.json
.PHONY: invoke
ifneq ($(filter invoke,$(MAKECMDGOALS)),)
ifeq ($(and $(FUNCTION),$(EVENT)),)
$(error usage: make invoke FUNCTION=<LogicalId> EVENT=events/<file>.json)
endif
endif
invoke: $(BUILT_TEMPLATE) sam-image
	@PORT=$(PORT) $(BIN)/python -m local.sam_runner.invoke "$(FUNCTION)" "$(EVENT)"
