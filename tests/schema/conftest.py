"""
Generated requests against the API's own OpenAPI schema (schemathesis): every operation the schema lists, called as
a city admin, as a learner and anonymously, with data made from the schema (positive and negative modes), must never
answer 5xx and must answer what the schema says (a documented status code, its content type, a body that validates,
``format: uri`` included).

It runs as its own tier, only with ``CITIES_NETWORK_SCHEMA_TESTS=1``: a plain ``pytest tests`` does not collect it,
and ``pytest tests/schema`` without the variable reports it skipped with the reason. It needs no service (SQLite by
default; ``CITIES_NETWORK_TEST_DB=mysql`` runs it on MariaDB). ``CITIES_NETWORK_SCHEMA_EXAMPLES`` sets the examples
per operation and caller (default 15: about two minutes on SQLite, two and a half on MariaDB).

Requests go to the LMS test host's WSGI application in this process, inside the test's transaction: each request
runs in a savepoint rolled back after its answer is checked, so every example finds the same city, opportunities,
playlists, badges, awards, webhooks and calls (``network``); path parameters name those real objects three times in
four, generated values otherwise (unknown ids, another city). The answers per caller are printed at the end.
"""
from __future__ import annotations

import collections
import os
from pathlib import Path

import pytest

from tests.browser.harness import asked_for

HERE = Path(__file__).resolve().parent
ENABLED = os.environ.get("CITIES_NETWORK_SCHEMA_TESTS") == "1"
EXAMPLES = int(os.environ.get("CITIES_NETWORK_SCHEMA_EXAMPLES", "15"))
SKIP_REASON = ("the generated requests against the OpenAPI schema (schemathesis) run only with "
               "CITIES_NETWORK_SCHEMA_TESTS=1; see the README's 'Test it'")


def pytest_ignore_collect(collection_path, config):  # pylint: disable=unused-argument
    """Not collected by a plain ``pytest tests`` unless enabled; asked for by path, it reports itself skipped."""
    return None if ENABLED or asked_for(HERE, config) else True


def pytest_runtest_setup(item):  # pylint: disable=unused-argument
    if not ENABLED:
        pytest.skip(SKIP_REASON)


# The status codes answered, per caller: printed at the end, so a run shows it reached real objects (2xx).
ANSWERS: collections.Counter = collections.Counter()


def pytest_terminal_summary(terminalreporter):
    if not ANSWERS:
        return
    terminalreporter.section("generated requests against the OpenAPI schema: answers per caller")
    for caller in sorted({caller for caller, _ in ANSWERS}):
        counts = {status: n for (who, status), n in sorted(ANSWERS.items()) if who == caller}
        terminalreporter.write_line(f"{caller}: {sum(counts.values())} requests; "
                                    + ", ".join(f"{status}: {n}" for status, n in counts.items()))
