#!/usr/bin/env bash
# Runs every test tier in turn and prints each tier's pytest summary; exits non-zero if any tier failed.
#   SQLite  : the LMS host suite, then the Studio (CMS) host suite (Django 4.2, requirements/test.txt)
#   MariaDB : the same two on 127.0.0.1:3306 (user root, empty password), on a database in the server's default
#             collation; Open edX runs MySQL
#   Real parts: tests/realparts — real Celery workers on the Redis broker (127.0.0.1:6379, database 5) applying
#             events on MariaDB, and BADGE_AWARDED/BADGE_REVOKED through the event bus on Redis Streams
#   Reliability: tests/reliability — duplicated, shuffled events on two workers, a broker outage, faults, the
#             cross-city access matrix and generated bad input (MariaDB and Redis, database 6)
#   Browser : tests/browser and tests/cms/browser in Debian's headless Chromium (scripts/install_browser.sh)
#   Open edX pins (<release>): the SQLite, MariaDB and real-parts tiers again in .venv-pins-<release>, built under
#             the platform's own pins (requirements/openedx/<release>.txt: Django 5.2, celery 5.6, openedx-events 11,
#             Python 3.12) by scripts/pins_venv.sh; the named release on the server's default collation, master on
#             a utf8mb4_unicode_ci database
# On a developer's machine a tier whose service is missing skips with a message; under CI=true it fails.
set -uo pipefail
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
failed=()

tier() {
    local name=$1; shift
    echo
    echo "=== tier: $name ==="
    if ! "$@"; then failed+=("$name"); fi
}

mariadb_up() { (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null; }
redis_up() { (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }

tier "sqlite / lms" "$PY" -m pytest tests -q
tier "sqlite / studio" "$PY" -m pytest tests/cms -q --ds=tests.host.cms_settings

if mariadb_up; then
    tier "mariadb / lms" env CITIES_NETWORK_TEST_DB=mysql CITIES_NETWORK_MYSQL_COLLATION=server "$PY" -m pytest tests -q
    tier "mariadb / studio" env CITIES_NETWORK_TEST_DB=mysql CITIES_NETWORK_MYSQL_COLLATION=server \
        "$PY" -m pytest tests/cms -q --ds=tests.host.cms_settings
elif [ "${CI:-}" = "true" ]; then
    echo "MariaDB is not reachable on 127.0.0.1:3306, and CI=true: failing instead of skipping."
    failed+=("mariadb")
else
    echo "SKIPPED: MariaDB tier (nothing listens on 127.0.0.1:3306; start MariaDB to run it)."
fi

# Its own test database, so it never meets a MariaDB tier running at the same time.
if mariadb_up && redis_up; then
    tier "celery+redis / real parts" env CITIES_NETWORK_REAL_PARTS=1 CITIES_NETWORK_TEST_DB=mysql \
        CITIES_NETWORK_MYSQL_DB=cities_network_realparts "$PY" -m pytest tests/realparts -q
elif [ "${CI:-}" = "true" ]; then
    echo "Redis (127.0.0.1:6379) or MariaDB (127.0.0.1:3306) is not reachable, and CI=true: failing instead of skipping."
    failed+=("celery+redis / real parts")
else
    echo "SKIPPED: celery+redis / real parts tier (needs Redis on 127.0.0.1:6379 and MariaDB on 127.0.0.1:3306)."
fi

# Reliability (tests/reliability): duplicated and shuffled events across two Celery workers, a broker outage (on a
# redis-server of its own, port 6390, never the shared one), injected faults, the cross-city access matrix over every
# URL, generated bad input. Its own test database; CITIES_NETWORK_RELIABILITY_FULL=1 runs the heavy variants.
if mariadb_up && redis_up; then
    tier "reliability" env CITIES_NETWORK_RELIABILITY=1 CITIES_NETWORK_TEST_DB=mysql \
        CITIES_NETWORK_MYSQL_DB=cities_network_reliability "$PY" -m pytest tests/reliability -q
elif [ "${CI:-}" = "true" ]; then
    echo "Redis (127.0.0.1:6379) or MariaDB (127.0.0.1:3306) is not reachable, and CI=true: failing instead of skipping."
    failed+=("reliability")
else
    echo "SKIPPED: reliability tier (needs Redis on 127.0.0.1:6379 and MariaDB on 127.0.0.1:3306)."
fi

# Generated requests against the OpenAPI schema (tests/schema, schemathesis): every operation as a city admin, a
# learner and anonymously; no 5xx, and every answer as the schema documents it. SQLite, then MariaDB. About 2 min each;
# CITIES_NETWORK_SCHEMA_EXAMPLES (default 15) sets the examples per operation and caller.
tier "schema / schemathesis (sqlite)" env CITIES_NETWORK_SCHEMA_TESTS=1 "$PY" -m pytest tests/schema -q
if mariadb_up; then
    tier "schema / schemathesis (mariadb)" env CITIES_NETWORK_SCHEMA_TESTS=1 CITIES_NETWORK_TEST_DB=mysql \
        CITIES_NETWORK_MYSQL_DB=cities_network_schema "$PY" -m pytest tests/schema -q
elif [ "${CI:-}" = "true" ]; then
    echo "MariaDB is not reachable on 127.0.0.1:3306, and CI=true: failing instead of skipping."
    failed+=("schema / schemathesis (mariadb)")
fi

# The micro-frontend widgets (tutor-cities-network/tutorcitiesnetwork/widgets): their Node tests (the rendered
# env.config.jsx of each MFE finds its widget; the widgets render their states), after scripts/install_mfe_widgets.sh.
mfe_widget_tests() {
    local widgets=tutor-cities-network/tutorcitiesnetwork/widgets
    if [ ! -d "$widgets/node_modules" ]; then
        [ "${CI:-}" = "true" ] && { echo "The widgets' JavaScript is not installed (scripts/install_mfe_widgets.sh)."; return 1; }
        echo "SKIPPED: the widgets' Node tests (run scripts/install_mfe_widgets.sh first)."
        return 0
    fi
    npm test --prefix "$widgets" --silent
}
tier "mfe widgets / node" mfe_widget_tests

# Browser tests (tests/browser on the LMS host, tests/cms/browser on the Studio host): Debian's headless Chromium
# driven by Selenium, axe-core checks on each page, screenshots into docs/screenshots/. install_browser.sh installs
# Chromium, chromedriver and axe-core when missing (as root); without them the tests skip, or fail under CI=true.
browser_tests() {
    local rc=0
    if ! bash scripts/install_browser.sh; then
        [ "${CI:-}" = "true" ] && return 1
        echo "SKIPPED: browser tier (Chromium, chromedriver or axe-core is missing; see above)."
        return 0
    fi
    env CITIES_NETWORK_BROWSER=1 "$PY" -m pytest tests/browser -q || rc=1
    env CITIES_NETWORK_BROWSER=1 "$PY" -m pytest tests/cms/browser -q --ds=tests.host.cms_settings || rc=1
    return $rc
}
tier "browser / chromium" browser_tests

# The suite under an Open edX release's own pins (see the header). Each step says which; a step needs MariaDB or Redis
# like the tiers above, and fails under CI=true when they are missing.
pins_tier() {
    local name=$1 collation=$2 venv py rc=0 db=cities_network_pins_$1
    venv=$(bash scripts/pins_venv.sh "$name" | tail -n 1) || return 1
    py="$venv/bin/python"
    echo "--- sqlite / lms ($name)"; "$py" -m pytest tests -q || rc=1
    echo "--- sqlite / studio ($name)"; "$py" -m pytest tests/cms -q --ds=tests.host.cms_settings || rc=1
    if mariadb_up && redis_up; then
        echo "--- mariadb / lms ($name, collation $collation)"
        env CITIES_NETWORK_TEST_DB=mysql CITIES_NETWORK_MYSQL_DB="$db" CITIES_NETWORK_MYSQL_COLLATION="$collation" \
            "$py" -m pytest tests -q || rc=1
        echo "--- mariadb / studio ($name, collation $collation)"
        env CITIES_NETWORK_TEST_DB=mysql CITIES_NETWORK_MYSQL_DB="$db" CITIES_NETWORK_MYSQL_COLLATION="$collation" \
            "$py" -m pytest tests/cms -q --ds=tests.host.cms_settings || rc=1
        echo "--- celery+redis / real parts ($name, collation $collation)"
        env CITIES_NETWORK_REAL_PARTS=1 CITIES_NETWORK_TEST_DB=mysql CITIES_NETWORK_MYSQL_DB="${db}_realparts" \
            CITIES_NETWORK_MYSQL_COLLATION="$collation" "$py" -m pytest tests/realparts -q || rc=1
    elif [ "${CI:-}" = "true" ]; then
        echo "MariaDB (127.0.0.1:3306) or Redis (127.0.0.1:6379) is not reachable, and CI=true: failing instead of skipping."
        rc=1
    else
        echo "SKIPPED: the MariaDB and real-parts steps of open edx pins ($name) (need MariaDB and Redis)."
    fi
    return $rc
}
tier "open edx pins (verawood)" pins_tier verawood server
tier "open edx pins (master)" pins_tier master utf8mb4_unicode_ci

# Tutor plugin (tutor-cities-network/): the real Tutor CLI renders a throw-away project; no Docker needed. Its own
# virtualenv, because Tutor's requirements are not the platform's; reinstalled when its requirements change.
tutor_plugin_tests() {
    local venv=.venv-tutor dir=tutor-cities-network
    local stamp="$venv/.installed"
    if [ ! -f "$stamp" ] || [ "$dir/requirements-test.txt" -nt "$stamp" ] || [ "$dir/pyproject.toml" -nt "$stamp" ]; then
        { test -x "$venv/bin/python" || "$PY" -m venv "$venv"; } &&
            "$venv/bin/python" -m pip install --quiet -r "$dir/requirements-test.txt" -e "$dir" &&
            touch "$stamp" || return 1
    fi
    "$venv/bin/python" -m pytest "$dir/tests" -q
}
tier "tutor plugin" tutor_plugin_tests

echo
if [ ${#failed[@]} -gt 0 ]; then
    echo "FAILED tiers: ${failed[*]}"
    exit 1
fi
echo "All tiers passed."
