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
# Emails the demo sends (stage reached, join requests) are written as files an operator can open.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = str(REPO_ROOT / ".demo" / "emails")  # noqa: F405
LOGGING["loggers"]["cities_network_plugin"]["level"] = "INFO"  # noqa: F405
# Links in emails and in Open Badges documents point at the demo server.
LMS_ROOT_URL = os.environ.get("CITIES_NETWORK_DEMO_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
