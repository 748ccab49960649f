# The whole set-up: `make demo` and `make test` install everything they need first.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
UV := $(shell command -v uv 2>/dev/null)

.PHONY: install demo test bench lock clean system-deps

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@if ! command -v uv >/dev/null 2>&1; then python3 -m pip install --quiet uv; fi
	@test -x $(PY) || uv venv --quiet --python python3 $(VENV)
	uv pip sync --quiet --python $(PY) requirements.lock
	uv pip install --quiet --python $(PY) --no-deps -e .
	@touch $(STAMP)

# Debian packages for the browser test (chromium) and document previews (LibreOffice).
# Never downloads a browser of its own: Playwright drives Debian's /usr/bin/chromium.
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not installable here (not root, no sudo): the browser test will be skipped"; fi; \
	fi

demo: install
	$(VENV)/bin/dmpg demo

test: install system-deps
	$(PY) -m pytest

bench: install
	$(PY) -m bench

# Re-pin after changing dependencies in pyproject.toml.
lock:
	uv pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11 --generate-hashes --quiet

clean:
	rm -rf $(VENV) var build *.egg-info
