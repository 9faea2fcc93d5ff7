# tla-lens — `make run` and `make test` set everything up themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ENGINES_STAMP := tests/engines/node_modules/.installed-stamp
PYTEST_ARGS ?=

.PHONY: run test install engines check-example clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Real engines the tests compare against: Node 26, TypeScript 5.9, a published ESM package.
engines: $(ENGINES_STAMP)

$(ENGINES_STAMP): tests/engines/package.json tests/engines/package-lock.json
	cd tests/engines && npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: $(STAMP)
	@echo "== tla-lens check examples/webpack-app"
	-$(BIN)/tla-lens check examples/webpack-app
	@echo
	@echo "== tla-lens explain examples/webpack-app/src/index.js"
	$(BIN)/tla-lens explain examples/webpack-app/src/index.js
	@echo
	@echo "== tla-lens check examples/typescript-app"
	-$(BIN)/tla-lens check examples/typescript-app

test: $(STAMP) $(ENGINES_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) tests/engines/node_modules .pytest_cache
