# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench dist clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dist]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m app try

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check app central tests bench

bench: $(STAMP)
	$(PY) -m bench

dist: $(STAMP)
	$(PY) -m PyInstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller installer.spec

clean:
	rm -rf build/pyinstaller dist .pytest_cache
