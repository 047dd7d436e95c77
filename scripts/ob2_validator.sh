#!/usr/bin/env bash
# Run 1EdTech's (IMS Global's) Open Badges 2.0 validator, the `badgecheck` package, on our hosted badges.
#
# The validator pins dependencies from 2017-2021 that cannot live in the project's virtualenv, so it gets its own
# in .cache/ob2-validator-venv (OB2_VALIDATOR_VENV), built on first use and rebuilt when the pins below change.
#   scripts/ob2_validator.sh --setup                      build the virtualenv only (exit 0 when it is usable)
#   scripts/ob2_validator.sh [--recipient EMAIL] INPUT    validate; INPUT is an assertion URL, a file holding the
#                                                         assertion's JSON-LD, a baked .png/.svg, or inline JSON
# Prints the validator's JSON report and exits 0 when it says the badge is valid, 1 when not, 2 when the validator
# cannot be set up.
#
# Offline by design: the validator fetches every document over HTTP. Loopback addresses (a test's live server) are
# fetched for real; the OB 2.0 JSON-LD context (https://w3id.org/openbadges/v2) is answered from the copy the
# validator package itself ships (openbadges_context.OPENBADGES_CONTEXT_V2_DICT), and any other address is refused
# at once instead of hanging on a network that is not there.
#
# Pins: badgecheck 1.2.0 asks for rfc3986==0.4.1 while the openbadges-bakery it needs asks for >=1.5.0, so it is
# installed without dependencies and given this set, on Python 3.9-3.11. Its own code and its JSON-LD processor
# (PyLD 0.7.1) run as released; only helpers it uses for other things moved on: pycryptodome 3.6.6 installs only
# through 2to3 (gone from setuptools), and python-jose 3.0.1 and pytz 2017.2 import collections.Mapping (gone in
# Python 3.10), so later releases with the same API are used.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${OB2_VALIDATOR_VENV:-$REPO/.cache/ob2-validator-venv}"
REQUIREMENTS='aniso8601==9.0.1
click==6.7
defusedxml==0.7.1
future==0.18.3
jsonschema==2.6.0
language-tags==0.4.3
openbadges-bakery==2.0.0
puremagic==1.6
pycryptodome==3.23.0
pydux==0.2.2
PyLD==0.7.1
pypng==0.20220715.0
python-jose==3.3.0
python-mimeparse==1.6.0
pytz==2024.1
requests==2.32.3
requests-cache==0.5.2
rfc3986==1.5.0
six==1.16.0
validators==0.11.2'
VALIDATOR='badgecheck==1.2.0'
STAMP="$VENV/.ob2-validator-$(printf '%s\n%s' "$VALIDATOR" "$REQUIREMENTS" | sha256sum | cut -c1-16)"

pick_python() {
    local candidate
    # badgecheck imports future 0.18, which imports the module imp, gone in Python 3.12.
    for candidate in "${OB2_VALIDATOR_PYTHON:-}" python3.11 python3.10 python3.9 python3; do
        if [[ -n "$candidate" ]] && command -v "$candidate" >/dev/null 2>&1 \
                && "$candidate" -c 'import sys, venv; sys.exit(not (3, 9) <= sys.version_info < (3, 12))' 2>/dev/null
        then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

setup() {
    [[ -f "$STAMP" ]] && return 0
    local python
    python="$(pick_python)" || { echo "ob2_validator: no Python 3.9-3.11 with venv found" >&2; return 1; }
    # `set -e` does not apply inside a function called as a condition: each step checks itself.
    rm -rf "$VENV" || return 1
    "$python" -m venv "$VENV" >&2 || return 1
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "$VALIDATOR" >&2 || return 1
    # shellcheck disable=SC2086
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check $REQUIREMENTS >&2 || return 1
    "$VENV/bin/python" -c 'import openbadges.verifier' >&2 || return 1
    touch "$STAMP"
}

mkdir -p "$(dirname "$VENV")"
if ! ( command -v flock >/dev/null && flock 9; setup ) 9>"$VENV.lock"; then  # two runs never build at once
    echo "ob2_validator: could not build the validator's virtualenv at $VENV" >&2
    exit 2
fi
[[ "${1:-}" == "--setup" ]] && exit 0

exec "$VENV/bin/python" - "$@" <<'PYTHON'
"""Run badgecheck's verify() with the OB 2.0 context served from the package's own copy."""
import argparse
import io
import json
import os
import sys
from urllib.parse import urlparse

import requests
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.models import Response

from openbadges.verifier import verify
from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT, OPENBADGES_CONTEXT_V2_URI

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class ShippedContext(BaseAdapter):
    """Answers the OB 2.0 context URL with the copy the validator ships."""

    def send(self, request, **kwargs):
        response = Response()
        response.status_code, response.url, response.request = 200, request.url, request
        response._content = json.dumps(OPENBADGES_CONTEXT_V2_DICT).encode()
        response.headers["Content-Type"] = "application/ld+json"
        response.encoding = "utf-8"
        return response

    def close(self):
        pass


class LoopbackOnly(HTTPAdapter):
    """Real HTTP to this machine only; anything else fails at once, naming the address."""

    def send(self, request, **kwargs):
        host = urlparse(request.url).hostname
        if host not in LOOPBACK:
            raise requests.ConnectionError(f"ob2_validator runs offline; refused to fetch {request.url}")
        return super().send(request, **kwargs)


_original_init = requests.Session.__init__


def _offline_session(self, *args, **kwargs):
    _original_init(self, *args, **kwargs)
    self.mount("http://", LoopbackOnly())
    self.mount("https://", LoopbackOnly())
    self.mount(OPENBADGES_CONTEXT_V2_URI, ShippedContext())


requests.Session.__init__ = _offline_session

parser = argparse.ArgumentParser(prog="ob2_validator.sh")
parser.add_argument("--recipient", help="the email address the badge should have been awarded to")
parser.add_argument("input")
args = parser.parse_args()
badge_input = args.input
if os.path.isfile(badge_input):
    with open(badge_input, "rb") as handle:
        content = handle.read()
    badge_input = io.BytesIO(content) if content[:8] == b"\x89PNG\r\n\x1a\n" or b"<svg" in content[:512] \
        else content.decode("utf-8")
    if isinstance(badge_input, io.BytesIO):
        badge_input.name = args.input
profile = {"email": args.recipient} if args.recipient else None
result = verify(badge_input, recipient_profile=profile, use_cache=False, cache_backend=None)
json.dump(result, sys.stdout, indent=2, default=str)
sys.stdout.write("\n")
sys.exit(0 if result["report"]["valid"] else 1)
PYTHON
