#!/usr/bin/env bash
# Installs the test suite's JavaScript (tests/js: Digital Bazaar's verifiers and the JSON-LD context packages) with
# `npm ci`, then writes the JSON-LD contexts from those packages into the directory the test host reads
# (CITIES_NETWORK_JSONLD_CONTEXTS_DIR, default .cache/jsonld-contexts). No context is downloaded from its website.
# Without Node.js the step is skipped with a message (the tests that need it then skip); under CI=true it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
CONTEXTS_DIR=${CITIES_NETWORK_JSONLD_CONTEXTS_DIR:-.cache/jsonld-contexts}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [ "${CI:-}" = "true" ]; then
        echo "Node.js and npm are needed for the Open Badges 3.0 tests, and CI=true: failing." >&2
        exit 1
    fi
    echo "SKIPPED: Node.js/npm not found; the Open Badges 3.0 proof and verifier tests will skip."
    exit 0
fi
echo "Installing the test JavaScript (tests/js) with $(node --version)"
npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
node tests/js/export_contexts.mjs "$CONTEXTS_DIR"
