#!/usr/bin/env bash
# Installs what the micro-frontend widgets' tests need and builds the page the browser tests render them on:
#   - `npm ci` in tutor-cities-network/tutorcitiesnetwork/widgets (React, @edx/frontend-platform and esbuild, from its
#     package-lock.json; peer dependencies of frontend-platform that the widgets do not use are left out, see .npmrc);
#   - the widgets' test page, bundled by esbuild into .cache/mfe-widgets-page (tests/browser/mfe_widgets.py serves it).
# The widgets' own source is not built here for the MFEs: each MFE's webpack builds it (docs/install-tutor.md).
# Without Node.js it says so and exits 0 (the tests that need the page skip), under CI=true it fails.
set -euo pipefail
cd "$(dirname "$0")/.."
WIDGETS=tutor-cities-network/tutorcitiesnetwork/widgets
PAGE_DIR=${CITIES_NETWORK_MFE_PAGE_DIR:-.cache/mfe-widgets-page}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [ "${CI:-}" = "true" ]; then
        echo "Node.js and npm are needed for the micro-frontend widgets' tests, and CI=true: failing." >&2
        exit 1
    fi
    echo "SKIPPED: Node.js/npm not found; the micro-frontend widgets' tests will skip."
    exit 0
fi
if [ ! -f "$WIDGETS/node_modules/.package-lock.json" ] || [ "$WIDGETS/package-lock.json" -nt "$WIDGETS/node_modules/.package-lock.json" ]; then
    echo "Installing the widgets' test JavaScript ($WIDGETS) with $(node --version)"
    npm ci --prefix "$WIDGETS" --legacy-peer-deps --no-audit --no-fund --loglevel=error
fi
node "$WIDGETS/test/page/build.mjs" "$PAGE_DIR"
