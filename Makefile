# Two commands on a fresh machine: `make demo` and `make test`. Each creates .venv when missing.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/inc-pipeline: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c requirements.lock -e '.[test]'
	touch $(BIN)/inc-pipeline

.PHONY: demo test lint bench install dev bi-drivers
install: $(BIN)/inc-pipeline

# BI drivers the warehouse tests read with (tests/warehouse/test_drivers.py; docs/warehouse.md "Connecting BI
# tools"), each in its own small venv: their pins (DuckDB 1.x, SQLAlchemy 2.0.44) cannot live in .venv. Made once
# and again only when its pins change (about 15 s each from a warm pip cache).
BI_VENV := .venv-bi
BI_DRIVERS := engine sqlalchemy

$(BI_VENV)/%/installed: requirements-bi/%.txt
	rm -rf $(BI_VENV)/$*
	$(PYTHON) -m venv $(BI_VENV)/$* || python3 -m venv $(BI_VENV)/$*
	$(BI_VENV)/$*/bin/pip install -q --no-deps -r $<
	$(BI_VENV)/$*/bin/pip check
	touch $@

bi-drivers: $(foreach driver,$(BI_DRIVERS),$(BI_VENV)/$(driver)/installed)

demo: install
	$(BIN)/inc-pipeline demo

# The Dagster UI and daemon (schedules, sensors) over the definitions, with Dagster's state under the data dir.
dev: install
	DAGSTER_HOME=$$($(BIN)/python -c "from pathlib import Path; from inc_pipeline.cli import load_dotenv; \
		load_dotenv(Path('.env'), over_the_shell=True); \
		from inc_pipeline.ops.instance import dagster_home; print(dagster_home())") \
		$(BIN)/dagster dev -w workspace.yaml

lint: install
	$(BIN)/ruff check inc_pipeline tests $(wildcard bench)
	$(BIN)/sqlfluff lint dbt_like_sql

test: install lint bi-drivers
	$(BIN)/pytest -q -n 2

bench: install
	$(BIN)/pip install -q -c requirements.lock 'dlt[duckdb]==1.31.*'
	$(BIN)/python -m bench
