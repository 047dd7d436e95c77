"""
Settings of ``make demo``: the LMS host with a file database under ``.demo/`` and debug pages on.
"""
import os

from .lms_settings import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import

DEBUG = True
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("CITIES_NETWORK_DEMO_DB", str(REPO_ROOT / ".demo" / "demo.sqlite3")),  # noqa: F405
    }
}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
LOGGING["loggers"]["cities_network_plugin"]["level"] = "INFO"  # noqa: F405
