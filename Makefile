# The two commands of the README. Both create .venv and install the project into it
# when it is missing or pyproject.toml changed, so they work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit browser clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

# The browser checks of the playground page (tests/playground/test_page.py) drive Debian's
# chromium. Installed here when missing and possible (root, apt-get); never fails: without
# it those checks are skipped, and this says so.
CHROMIUM := /usr/bin/chromium
APT_LOG := /tmp/delivery-desk-apt.log

browser:
	@if [ -x $(CHROMIUM) ]; then \
	  echo "browser: $$($(CHROMIUM) --version 2>/dev/null)"; \
	elif [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
	  echo "browser: no $(CHROMIUM), and no root apt-get to install it:" \
	    "the browser checks of the playground page will be SKIPPED"; \
	else \
	  echo "browser: installing Debian's chromium for the playground page's browser checks"; \
	  if { DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	       DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	         chromium; } >$(APT_LOG) 2>&1 && [ -x $(CHROMIUM) ]; then \
	    echo "browser: $$($(CHROMIUM) --version 2>/dev/null)"; \
	  else \
	    tail -n 5 $(APT_LOG); \
	    echo "browser: apt-get could not install chromium (log: $(APT_LOG)):" \
	      "the browser checks of the playground page will be SKIPPED"; \
	  fi; \
	fi

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
