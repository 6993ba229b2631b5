# The two commands of the README. Both create .venv and install the project into it
# when it is missing or pyproject.toml changed, so they work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit browser screenshots clean

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

# The browser checks of the playground page (tests/playground/test_page*.py and
# test_api_guard.py) drive Debian's chromium through Playwright, and its colour emoji come
# from fonts-noto-color-emoji. Both installed here when missing and possible (root,
# apt-get); never fails: without chromium those checks are skipped, and this says so.
# Playwright's own browser downloads (`playwright install`) are never used.
CHROMIUM := /usr/bin/chromium
EMOJI_FONT := /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
APT_LOG := /tmp/delivery-desk-apt.log

browser:
	@missing=""; \
	[ -x $(CHROMIUM) ] || missing=" chromium"; \
	[ -f $(EMOJI_FONT) ] || missing="$$missing fonts-noto-color-emoji"; \
	if [ -z "$$missing" ]; then \
	  echo "browser: $$($(CHROMIUM) --version 2>/dev/null), colour emoji font present"; \
	elif [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
	  echo "browser: missing$$missing, and no root apt-get to install it:" \
	    "without chromium the browser checks of the playground page will be SKIPPED"; \
	else \
	  echo "browser: installing Debian's$$missing for the playground page's browser checks"; \
	  if { DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	       DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	         $$missing; } >$(APT_LOG) 2>&1 && [ -x $(CHROMIUM) ]; then \
	    echo "browser: $$($(CHROMIUM) --version 2>/dev/null)"; \
	  else \
	    tail -n 5 $(APT_LOG); \
	    echo "browser: apt-get could not install$$missing (log: $(APT_LOG)):" \
	      "without chromium the browser checks of the playground page will be SKIPPED"; \
	  fi; \
	fi

# The README's screenshots (docs/screenshots/), taken by the page's flow tests.
screenshots: $(STAMP) browser
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest -q tests/playground/test_page_flows.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
