# Talent CRM — every entry point a newcomer needs. `make demo` and `make test` install what they need.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DO_NOT_TRACK := 1
export DAGSTER_DISABLE_TELEMETRY := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export TALENT_CRM_DB ?= data/talent_crm.duckdb
export TALENT_CRM_DATA_DIR ?= data
DEMO_CONTACTS ?= 5000
DEMO_SEED ?= 42

.PHONY: setup demo dev test bench lint lock clean docs browser-deps screenshots spark-deps test-spark

setup: $(STAMP) browser-deps

# pip warns once per package about index locations some machines configure but lack; noise.
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
QUIET_PIP := 2>&1 | { grep -v -e "is ignored: it is neither a file nor a directory" || true; }

# Re-install only when the lock file or pyproject changes (idempotent).
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) --upgrade "pip>=24" $(QUIET_PIP)
	$(PIP) -r requirements.lock $(QUIET_PIP)
	$(PIP) --no-deps -e . $(QUIET_PIP)
	$(BIN)/talent-crm dbt-parse
	touch $(STAMP)

demo: setup
	$(BIN)/talent-crm demo --contacts $(DEMO_CONTACTS) --seed $(DEMO_SEED)

dev: setup
	$(BIN)/talent-crm dev

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup -p no:logging

# Headless Chromium for tests/browser, from Debian packages only (never a downloaded browser).
# Installed when missing and we are root with apt-get; otherwise the browser tests skip and say why.
BROWSER_PKGS := chromium chromium-driver
browser-deps:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "installing Debian $(BROWSER_PKGS) for the browser tests"; \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(BROWSER_PKGS) \
	    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	         --no-install-recommends $(BROWSER_PKGS); }; } >/dev/null \
	    || echo "could not install $(BROWSER_PKGS): browser tests will be skipped"; \
	else echo "no /usr/bin/chromium and no root apt-get: browser tests will be skipped"; fi

# Java 17 for the Spark target (pyspark runs in a local JVM), from Debian packages only.
# Installed when `java` is missing and we are root with apt-get; otherwise the Spark tests skip.
SPARK_PKGS := openjdk-17-jre-headless
spark-deps:
	@if command -v java >/dev/null; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "installing Debian $(SPARK_PKGS) for the Spark target"; \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SPARK_PKGS) \
	    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	         --no-install-recommends $(SPARK_PKGS); }; } >/dev/null \
	    || echo "could not install $(SPARK_PKGS): Spark tests will be skipped"; \
	else echo "no java and no root apt-get: Spark tests will be skipped"; fi

# The same dbt project on Spark (tests/spark, not part of `make test`): the portable macros on
# both engines, then the sample market built on DuckDB and on Spark, compared model by model.
test-spark: setup spark-deps
	@started=$$(date +%s); \
	$(BIN)/python -m pytest -q -s -p no:logging -p no:cacheprovider tests/spark && status=0 || status=$$?; \
	echo "test-spark: $$(( $$(date +%s) - started ))s wall time"; exit $$status

# dbt docs (lineage, column docs, real column types from the database) into dbt_project/target.
docs: setup
	$(BIN)/talent-crm docs

# README screenshots: the browser tests on a larger generated market, copied to docs/images/.
screenshots: setup
	TALENT_CRM_TEST_MARKET_CONTACTS=2000 $(BIN)/python -m pytest -q -p no:logging tests/browser
	mkdir -p docs/images
	cp tests/artifacts/asset_graph.png tests/artifacts/report.png docs/images/

bench: setup
	$(BIN)/python -m pytest -q -s tests/benchmarks -p no:cacheprovider

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Refresh requirements.lock from pyproject.toml in a throw-away virtualenv.
lock:
	rm -rf /tmp/talent-crm-lock && $(PYTHON) -m venv /tmp/talent-crm-lock
	/tmp/talent-crm-lock/bin/pip install --quiet --upgrade "pip>=24"
	/tmp/talent-crm-lock/bin/pip install --quiet -e ".[dev,spark]"
	{ echo "# Exact versions installed by \`make setup\` (pip freeze of pyproject deps + dev extras)."; \
	  echo "# Regenerate with \`make lock\` after changing pyproject.toml."; \
	  /tmp/talent-crm-lock/bin/pip freeze --exclude-editable | grep -v '^talent-crm'; } > requirements.lock

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs data/*.duckdb data/*.duckdb.wal \
	  data/*.duckdb.lockwait data/.*.duckdb.lock data/.*.duckdb.publishing-* data/sample data/dagster_home data/spark
