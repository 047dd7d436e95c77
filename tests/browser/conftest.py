"""
Browser tests on the LMS host: the learner's wallet and a public award page after a real completion event, a
city's public page, and the network report in the Django admin. See ``harness`` for how they run.
"""
from pathlib import Path

from tests.browser.harness import (  # noqa: F401 - fixtures
    browser,
    demo_network,
    ignore_unless_enabled,
    page,
    skip_unless_enabled,
    terminal_summary,
)

HERE = Path(__file__).resolve().parent


def pytest_ignore_collect(collection_path, config):
    """Not collected unless CITIES_NETWORK_BROWSER=1, or the folder is asked for by path (then skipped, with why)."""
    return ignore_unless_enabled(HERE, collection_path, config)


def pytest_runtest_setup(item):  # pylint: disable=unused-argument
    skip_unless_enabled()


def pytest_terminal_summary(terminalreporter):
    terminal_summary(terminalreporter)
