# membercare: `make run` serves the app with the sandbox and demo users; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.13 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SEED_CUSTOMERS ?= 2000
SEED ?= 42
export PORT

.PHONY: run test test-fast lint format browser gettext messages makemessages sandbox bench load clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Local development configuration, written once; variables set in the environment win over it.
.env:
	@echo "Writing .env for local development (DEBUG on, the embedded sandbox as upstream)"
	@printf '%s\n' \
	  "# Written by 'make run' for local development. See .env.example for every variable." \
	  "DEBUG=true" \
	  "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  "SANDBOX_ENABLED=true" \
	  "CAPILLARY_USERNAME=sandbox.till" \
	  "CAPILLARY_PASSWORD=sandbox-till-password" \
	  "CAPILLARY_COUNTRY_CODE=IN" \
	  "CAPILLARY_MOBILE_DIAL_CODE=91" \
	  "PROGRAM_CURRENCIES=*=INR" > $@

# Translations (issue 10): locale/<lang>/LC_MESSAGES/django.po is committed, its compiled .mo is not
# (.gitignore). Each .mo is rebuilt whenever its .po is newer, so `make run` and `make test` never
# serve a stale catalog. msgfmt --check-format is what Django's compilemessages runs, without
# starting Django once per language. `make makemessages` refreshes the .po files from the code.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
LANGS := ar zh_Hans id

gettext:
	@command -v msgfmt >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; }

$(CATALOGS): %.mo: %.po | gettext
	msgfmt --check-format -o $@ $<

messages: $(CATALOGS)

makemessages: $(BIN)/.installed gettext
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py makemessages --no-obsolete \
	  --no-location $(addprefix --locale ,$(LANGS)) \
	  --ignore '.venv/*' --ignore 'tests/*' --ignore 'node_modules/*' --ignore 'scripts/*'

# PORT (default 8000) is written into .env first, replacing any earlier PORT line: manage.py in
# another shell (capillary_check, ...) then derives the same sandbox URL as this server.
run: $(BIN)/.installed .env messages
	@kept=$$(mktemp) && { grep -v '^PORT=' .env; echo "PORT=$(PORT)"; } > $$kept \
	  && cat $$kept > .env && rm $$kept
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py migrate --noinput --database sandbox
	$(BIN)/python manage.py sandbox_seed --customers $(SEED_CUSTOMERS) --seed $(SEED)
	$(BIN)/python manage.py demo_users
	@echo "membercare: http://127.0.0.1:$(PORT)/  (users agent, manager, admin; see README)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Debian's chromium for the browser tests; Playwright never downloads a browser of its own.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core fonts-noto-cjk; }

# The OpenID provider the single sign-on tests run (panva's oidc-provider, pinned exactly; no lock
# file: tests/sso/provider/.npmrc).
SSO_PROVIDER := tests/sso/provider
$(SSO_PROVIDER)/node_modules/.installed: $(SSO_PROVIDER)/package.json
	cd $(SSO_PROVIDER) && npm install --no-audit --no-fund
	touch $@

# axe-core, which the browser tests inject into each screen (tests/browser/accessibility.py):
# pinned exactly, no lock file (tests/browser/axe/.npmrc), never served by the app.
AXE := tests/browser/axe
$(AXE)/node_modules/.installed: $(AXE)/package.json
	cd $(AXE) && npm install --no-audit --no-fund
	touch $@

test: $(BIN)/.installed messages browser $(SSO_PROVIDER)/node_modules/.installed $(AXE)/node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The inner loop: every test but those that start the sandbox or the OpenID provider, or drive the
# browser.
test-fast: $(BIN)/.installed messages
	$(BIN)/python -m pytest -m "not sandbox and not browser and not sso" $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy membercare tests

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The sandbox as its own process (gunicorn), e.g. for load tests: make sandbox SANDBOX_PORT=8100
SANDBOX_PORT ?= 8100
sandbox: $(BIN)/.installed .env
	$(BIN)/python manage.py sandbox_serve --port $(SANDBOX_PORT)

bench: $(BIN)/.installed .env
	$(BIN)/python scripts/bench_sandbox.py

# Load test (docs/benchmarks.md, "Load"): the sandbox and the dashboard as their own processes,
# locust headless, a markdown table. AGENTS="10 25 50 100 200" SANDBOX_LATENCY_MS=150 RUN_TIME=60;
# MODELS="gthread:3x4 gevent:3" to compare serving models; LOAD_ARGS="--floor --rounds 3".
# DATABASE_URL and REDIS_URL (PostgreSQL, Redis) are used when set, else temp SQLite files.
load: $(BIN)/.installed
	$(BIN)/python scripts/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
