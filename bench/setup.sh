#!/bin/sh
# Install the benchmark's peers (dependency-cruiser 17.4.3 with TypeScript 5.9.3) into bench/peers/.
# Optional: `make test` never needs it; bench/lsp_latency.py skips the peer when it is missing.
set -eu
cd "$(dirname "$0")/peers"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
./node_modules/.bin/depcruise --version
