# The two commands a new user needs: `make demo` and `make test`. Only python3 is assumed.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## Build a bulletin from data/ (offline unless the online voice answers) and publish it to output/.
demo: $(STAMP)
	$(BIN)/briefing build data/xinhua-2025-02-15.txt data/english-sample.md --out output --date 2025-02-15

## Lint and type-check (ruff and mypy with their default rules) and run the test suite (offline).
## mypy runs beside the suite: it fills the time the suite's three workers spend waiting on
## deadlines and servers. Either failing fails the target.
## Bytecode is cached even where PYTHONDONTWRITEBYTECODE is set (as on these machines): the suite
## starts dozens of Python processes, and each would compile the package again, and each worker
## would rewrite the test modules' asserts again (about 30 s of CPU in all, measured).
test: $(STAMP)
	$(BIN)/python -m ruff check briefing tests tools bench
	$(BIN)/python -m mypy briefing & types=$$!; \
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n 3; tests=$$?; \
	wait $$types && exit $$tests

clean:
	rm -rf output .pytest_cache
