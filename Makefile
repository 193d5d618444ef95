# Every target installs what it needs: a fresh clone with only Node (>= 20.19)
# and git runs `make test` or `make run` directly.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NPM ?= npm
STAMP := node_modules/.ff-setup-stamp
DIST_STAMP := dist/.ff-build-stamp
SOURCES := $(shell find core git cli server sdk bench schemas console -path cli/dist -prune -o -path sdk/dist -prune -o -type f \( -name '*.ts' -o -name '*.tsx' -o -name '*.css' -o -name '*.html' -o -name '*.json' -o -name '*.sql' -o -name '*.mjs' \) -print 2>/dev/null) package.json tsconfig.json tsconfig.build.json tsconfig.sdk-types.json scripts/build-cli.mjs scripts/build-sdk.mjs scripts/build-console.mjs scripts/lib/bundle-package.mjs

.PHONY: help setup build cli-pack test lint typecheck ci bench run seed clean gen-types

help: ## List targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): package.json package-lock.json
	@echo "==> installing dependencies (better-sqlite3 compiles from source: ~2 min the first time)"
	@# Only the npm registry is reachable: build better-sqlite3 from source, never fetch a prebuilt binary.
	npm_config_build_from_source=true $(NPM) ci --no-audit --no-fund
	@touch $(STAMP)

setup: $(STAMP) ## Install dependencies (npm ci) when package-lock.json changed

$(DIST_STAMP): $(STAMP) $(SOURCES)
	$(NPM) run -s build
	@touch $(DIST_STAMP)

build: $(DIST_STAMP) ## Compile TypeScript to dist/, bundle the CLI package into cli/dist/ and the console into dist/console/, write the oclif manifest

cli-pack: build ## The installable CLI as an npm tarball: dist/ff-cli-<version>.tgz (docs/cli.md)
	$(NPM) pack ./cli --pack-destination dist

test: build ## Run every test: unit, property, integration and end to end (installs Debian's chromium, nginx and zsh for the tests that run them, if missing)
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-test-tools.sh
	$(NPM) test

lint: setup ## ESLint over the whole repository
	$(NPM) run -s lint

typecheck: setup ## TypeScript strict type check (including tests), and schema-type drift
	$(NPM) run -s typecheck
	node scripts/gen-types.mjs --check

ci: lint typecheck test ## What CI runs

bench: build ## Benchmarks: figures as ratios against baselines measured in the same run
	node bench/run.mjs

run: build ## Start the server on http://localhost:8000 with an embedded SQLite database (dev mode)
	FF_DEV=$${FF_DEV:-1} node dist/server/main.js serve

seed: build ## Reload flags/ into the database
	FF_DEV=$${FF_DEV:-1} node dist/server/main.js seed

gen-types: setup ## Regenerate core/model/schema-types.ts from schemas/ and core/model/openapi-types.ts from the routes' schemas
	node scripts/gen-types.mjs

clean: ## Remove build output (keeps node_modules and data/)
	rm -rf dist cli/dist sdk/dist oclif.manifest.json bench-out
