# The whole set-up: `make demo` and `make test` install everything they need first.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
UV := $(shell command -v uv 2>/dev/null)

.PHONY: install bytecode demo test bench lock clean system-deps

install: $(STAMP) bytecode

# Packages are installed with their bytecode compiled (--compile-bytecode): where the environment sets
# PYTHONDONTWRITEBYTECODE, Python never writes .pyc files itself and would compile every module
# from source at every start of every command and flow run (seconds, not milliseconds).
$(STAMP): requirements.lock pyproject.toml
	@if ! command -v uv >/dev/null 2>&1; then python3 -m pip install --quiet uv; fi
	@test -x $(PY) || uv venv --quiet --python python3 $(VENV)
	uv pip sync --quiet --compile-bytecode --python $(PY) requirements.lock
	uv pip install --quiet --python $(PY) --no-deps -e .
	@touch $(STAMP)

# The project's own bytecode, brought up to date at every make (only changed files are compiled).
bytecode: $(STAMP)
	@$(PY) -m compileall -q -j 0 core forms models dmpg flows tasks bench >/dev/null

# Debian packages the tests need, installed with apt-get when missing (as root or with sudo):
# chromium for the browser test (Playwright drives Debian's /usr/bin/chromium; no browser is
# downloaded), and PostgreSQL for the production database path (a throwaway cluster per test run;
# pg_trgm is in postgresql-contrib). Debian keeps initdb/pg_ctl in /usr/lib/postgresql/<ver>/bin.
# Where nothing can be installed, the tests that need a missing part skip with the reason (under
# CI=true the PostgreSQL tests fail instead).
system-deps:
	@pkgs=; \
	[ -x /usr/bin/chromium ] || pkgs="$$pkgs chromium"; \
	if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! { command -v initdb && command -v pg_ctl; } >/dev/null 2>&1; then \
	  pkgs="$$pkgs postgresql postgresql-contrib"; \
	fi; \
	if [ -n "$$pkgs" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	  else echo "not installable here (not root, no sudo):$$pkgs; the tests that need them will be skipped"; exit 0; fi; \
	  echo "installing Debian packages:$$pkgs"; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$pkgs >/dev/null; \
	fi

# `make demo DEMO_ARGS=--keep-running` leaves the stack up to browse the Prefect UI.
demo: install
	$(VENV)/bin/dmpg demo $(DEMO_ARGS)

test: install system-deps
	$(PY) -m pytest

bench: install
	$(PY) -m bench

# Re-pin after changing dependencies in pyproject.toml.
lock:
	uv pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11 --generate-hashes --quiet

clean:
	rm -rf $(VENV) var build *.egg-info

# Look at the documents: the latest documents of a demo run (or, without one, the sample set) as PDF and
# PNG pages under var/preview/, via LibreOffice (Debian's libreoffice-writer-nogui) and pdftoppm
# (poppler-utils), installed here with apt-get when missing. The guides' pictures: docs/images/.
# The sample set is test support (tests/support/samples.py), so the tool is a script beside the others.
PREVIEW_HOME ?= var/preview/home
docs-preview: install
	@if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	  else echo "docs-preview: LibreOffice/pdftoppm missing and not installable here (not root, no sudo)"; exit 2; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    libreoffice-writer-nogui poppler-utils >/dev/null; \
	fi
	@if [ -z "$$(ls $(PREVIEW_HOME)/documents/*/*.docx 2>/dev/null)" ]; then \
	  DMPG_HOME=$(PREVIEW_HOME) $(VENV)/bin/dmpg demo || echo "docs-preview: no demo run available; previewing the sample documents"; \
	fi
	$(PY) scripts/docs_preview.py --home $(PREVIEW_HOME) --out var/preview --images docs/images
