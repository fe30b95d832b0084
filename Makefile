# Quick start: `make run` and `make test` set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint typecheck bench fuzz clean template docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

# In a terminal: the guided questionnaire. Without one (CI, scripts): render the examples.
# Ctrl-C (exit code 130) is a normal way to stop the questionnaire, not an error of make's.
run: $(STAMP)
	@if [ -t 0 ] && [ -t 1 ]; then $(BIN)/slawriter new || [ $$? -eq 130 ]; else \
	  echo "No terminal: rendering the examples (run 'make run' in a terminal for the questionnaire)."; \
	  $(BIN)/slawriter render examples/*.yaml --out out/ --format docx,md && \
	  echo "Your agreements are in out/ (open the .docx in Word or LibreOffice)."; fi

test: $(TEST_STAMP)
	$(BIN)/ruff check slawriter tests bench scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto

lint: $(TEST_STAMP)
	$(BIN)/ruff check slawriter tests bench scripts
	$(BIN)/ruff format --check slawriter tests bench scripts

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

template: $(STAMP)
	$(BIN)/python scripts/build_template.py

docs: $(STAMP)
	$(BIN)/python scripts/agreement_reference.py

bench: $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/render.py
	$(BIN)/python bench/clock.py
	$(BIN)/python bench/report.py
	$(BIN)/python bench/feasibility.py
	$(BIN)/python bench/wizard.py
	$(BIN)/python bench/commands.py
	$(BIN)/python bench/portfolio.py --sizes 100,1000 --runs 1

# 10,000 mutated agreements and 10,000 broken ticket exports (SLAWRITER_FUZZ_EXAMPLES=N for
# another number; the suite runs the first few hundred): prints the count of crashes, target 0.
fuzz: $(TEST_STAMP)
	$(BIN)/python scripts/fuzz.py

clean:
	rm -rf $(VENV) out build dist *.egg-info
