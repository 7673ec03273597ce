# cm-academy: two commands on a fresh machine with Python >= 3.11.
#   make demo   set up .venv and run the main job on the embedded defaults
#   make test   set up .venv (with test extras) and run lint, types and the test suite

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
OUT    ?= build/demo
TRAINEE_ENV ?= /opt/cm-academy-trainee

.PHONY: setup system-deps demo test lint format clean bank trainee-env hub

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
		{ echo "cm-academy needs Python >= 3.11; run: make PYTHON=python3.11 ..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# An editable install compiles none of the project's own modules; processes that may not
	@# write bytecode (PYTHONDONTWRITEBYTECODE, the sandbox) would compile them on every start.
	$(BIN)/python -m compileall -q casebank grading > /dev/null
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

demo: setup system-deps
	$(BIN)/cmacademy demo --out $(OUT)

system-deps:
	bash scripts/install_system_deps.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: setup system-deps lint
	$(BIN)/pytest

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The trainees' environment (casebank and the curriculum, no grading), from PyPI.
trainee-env:
	bash scripts/install_trainee_env.sh $(TRAINEE_ENV)

# make hub COURSE=DIR TRAINER=USER: the course's JupyterHub on this machine (run as root).
hub: setup system-deps
	@test -n "$(COURSE)" -a -n "$(TRAINER)" || { echo "usage: make hub COURSE=DIR TRAINER=USER"; exit 2; }
	@test -x $(TRAINEE_ENV)/bin/jupyterhub-singleuser || $(MAKE) trainee-env
	$(BIN)/cmacademy hub init $(COURSE) --trainer $(TRAINER) --trainee-env $(TRAINEE_ENV)

bank: setup
	$(BIN)/python scripts/regenerate_bank.py

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
