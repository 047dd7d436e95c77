#!/usr/bin/env bash
# Builds .venv-pins-<name>: the plugin and the suite's tools installed under an Open edX release's own pins
# (requirements/openedx/<name>.txt, written by scripts/refresh_openedx_pins.py), with the Python the file names.
# The plugin is installed with its dependencies, so pip proves that setup.py's install_requires admit the pins;
# `pip check` then proves the set is consistent. Rebuilt when the pins or the requirements change.
#   bash scripts/pins_venv.sh master      # prints the venv's path on its last line
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/pins_venv.sh <name>   (a file in requirements/openedx/)}
pins=requirements/openedx/$name.txt
venv=.venv-pins-$name
stamp=$venv/.installed
[ -f "$pins" ] || { echo "No pins file $pins (see scripts/refresh_openedx_pins.py)." >&2; exit 1; }

version=$(sed -n 's/^# Python: \([0-9][0-9.]*\).*/\1/p' "$pins" | head -1)
python=""
for candidate in "python$version" $(ls -d "$(pyenv root 2>/dev/null)"/versions/"$version"*/bin/python"$version" 2>/dev/null); do
    if "$candidate" -c 'import sys' >/dev/null 2>&1; then python=$candidate; break; fi
done
if [ -z "$python" ]; then
    echo "Open edX $name runs Python $version, which is not installed here (looked for python$version and pyenv's)." >&2
    exit 1
fi

stale=false
[ -f "$stamp" ] || stale=true
for input in "$pins" requirements/base.in requirements/test-tools.in requirements/constraints.txt setup.py; do
    [ "$input" -nt "$stamp" ] && stale=true
done
if $stale; then
    echo "Building $venv with $("$python" --version) under $pins"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet -c "$pins" -r requirements/test-tools.in -e .
    touch "$stamp"
fi
"$venv/bin/python" -m pip check
"$venv/bin/python" - "$pins" <<'PY'
import sys
from importlib.metadata import version
names = ["Django", "celery", "kombu", "openedx-events", "edx-django-utils", "openedx-core", "djangorestframework",
         "drf-spectacular", "edx-opaque-keys", "edx-drf-extensions", "mysqlclient", "redis", "cryptography", "Pillow"]
print(f"Under {sys.argv[1]}: Python {sys.version.split()[0]}, " + ", ".join(f"{n} {version(n)}" for n in names))
PY
echo "$venv"
