#!/usr/bin/env bash
# Installs what the browser tests (tests/browser, tests/cms/browser) need, when it is missing:
#   - Debian's Chromium and its chromedriver (packages `chromium`, `chromium-driver`), as root with apt-get;
#   - axe-core from npm into tests/browser/node_modules (`npm ci`, from tests/browser/package-lock.json).
# Selenium itself is a Python test requirement (requirements/test.in). No browser build is downloaded from
# anywhere but Debian's archive. Without root or apt-get, it says what to install and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "The browser tests need these Debian packages: ${missing[*]} (sudo apt-get install ${missing[*]})." >&2
        exit 1
    fi
    echo "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ] ||
        [ tests/browser/package-lock.json -nt tests/browser/node_modules/.package-lock.json ]; then
    echo "Installing axe-core (tests/browser) with npm"
    npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
fi
echo "Browser: $(chromium --version 2>/dev/null | head -1); $(chromedriver --version | head -1)"
