"""
Settings for the platform's own test runs.

edx-platform applies the ``test`` settings after ``common``, so a test value replaces our common default, but
never a value the operator (or the platform's test settings) chose: only names still holding our default change.
"""
from .common import DEFAULTS, apply_defaults

TEST_VALUES = {
    # Tests never write to the real network address book.
    "CITIES_NETWORK_CONTACT_EMAIL": "network-managers@example.com",
}


def plugin_settings(settings) -> None:
    """Apply the defaults, then the test values wherever the default is still in place."""
    apply_defaults(settings, DEFAULTS)
    for name, value in TEST_VALUES.items():
        if getattr(settings, name) == DEFAULTS.get(name):
            setattr(settings, name, value)
