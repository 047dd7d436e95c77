#!/usr/bin/env bash
# Lint and import order (ruff), PII annotations on every model, setting and toggle annotations, migrations.
set -euo pipefail
BIN=${VENV:-.venv}/bin
export DJANGO_SETTINGS_MODULE=tests.host.lms_settings
echo "--- ruff (lint, import order)"
"$BIN/ruff" check .
echo "--- PII annotations on every model"
"$BIN/code_annotations" django_find_annotations --config_file .pii_annotations.yml --lint --report --coverage
echo "--- setting annotations"
"$BIN/code_annotations" static_find_annotations --config_file .settings_annotations.yml --lint --report
echo "--- feature toggle annotations (edx-toggles)"
toggle_config=$("$BIN/python" -c 'import code_annotations.contrib.config as c, os; print(os.path.dirname(c.__file__))')
"$BIN/code_annotations" static_find_annotations --config_file "$toggle_config/feature_toggle_annotations.yaml" \
    --source_path cities_network_plugin --report_path .annotation_reports --lint --report
echo "--- docs/settings.md matches the annotations"
"$BIN/python" scripts/settings_reference.py --check
echo "--- migrations match the models"
"$BIN/python" -m django makemigrations --check --dry-run
echo "Quality checks passed."
