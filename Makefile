# Two commands do all set-up on a fresh machine: `make run` and `make test`.
# Everything installs from the hash-locked requirements/dev.txt (see README, "Dependencies").
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCK := requirements/dev.txt
# The installer is built in its own environment from the desk-only lock, as on Windows
# (.github/workflows/windows.yml): nothing from the server, test or lint tools can creep in.
BUILD_VENV := .venv-build
BUILD_STAMP := $(BUILD_VENV)/.installed
UV_VERSION := 0.13.8

.PHONY: run test lint bench dist lock lock-check system-packages clean

lock-check:
	@$(PYTHON) tools/lock.py check

# The lock check runs first so a pyproject.toml changed without `make lock` fails loudly.
$(STAMP): pyproject.toml $(wildcard requirements/*.txt) | lock-check
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation --no-index -e .
	$(PY) -m pip check
	touch $(STAMP)

# The demo also starts an embedded central store (app/trial_central.py): the `central` extra,
# which requirements/dev.txt includes.
run: $(STAMP)
	$(PY) -m app try

# The print-queue test needs CUPS and the cups-pdf printer, the self-check tests the X11
# libraries of Qt's xcb plugin (Debian); installed when missing and apt-get is there (as root).
# Without them the print-queue test skips with the reason, except under CI=true, where the
# run fails (tools/system_packages.sh).
test: $(STAMP) system-packages
	$(PY) -m pytest

system-packages:
	@tools/system_packages.sh

lint: $(STAMP)
	$(PY) -m ruff check app central tests bench tools
	$(PY) -m ruff format --check app central tests bench tools

bench: $(STAMP)
	$(PY) -m bench

$(BUILD_STAMP): pyproject.toml requirements/build.txt | lock-check
	test -x $(BUILD_VENV)/bin/python || $(PYTHON) -m venv $(BUILD_VENV)
	$(BUILD_VENV)/bin/python -m pip install --quiet --require-hashes --no-deps -r requirements/build.txt
	$(BUILD_VENV)/bin/python -m pip check
	touch $(BUILD_STAMP)

# installer.spec takes the app from this folder (pathex), so the project itself is not installed.
dist: $(BUILD_STAMP)
	$(BUILD_VENV)/bin/python -m PyInstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller installer.spec
	du -sh dist/cjit-desk

# After changing dependencies in pyproject.toml: remake requirements/*.txt, then commit both.
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet uv==$(UV_VERSION)
	$(PY) tools/lock.py update

clean:
	rm -rf build/pyinstaller dist .pytest_cache
