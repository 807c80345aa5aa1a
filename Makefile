# The two set-up commands of the README are `make demo` and `make test`; both install what is
# missing (Debian packages with apt, Python packages into .venv) before they run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export QT_QPA_PLATFORM ?= offscreen
PYTEST_ARGS ?=

.PHONY: install system-packages test demo bench lint screenshots chaos clean

system-packages:
	@bash deploy/install-system-packages.sh

$(BIN)/.installed: setup.cfg pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

install: system-packages $(BIN)/.installed

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest -q -p no:cacheprovider -n auto --dist loadfile --durations=40 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: install
	$(BIN)/python -m bench.run

demo: install
	$(BIN)/python -m deploy.demo $(if $(HEADLESS),--headless,)

# Every screen people look at, in both languages, into docs/screenshots/.
screenshots: install
	$(BIN)/python -m deploy.screenshots

# The longer fault run: `make chaos N=1000` runs N seeded trials and prints the tally.
N ?= 500
chaos: install
	$(BIN)/python -m tests.chaos $(N)

clean:
	rm -rf var/ .pytest_cache
