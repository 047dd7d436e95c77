"""
Settings of ``make bench``: the LMS test host (the plugin loaded through the plugin API, Celery eager) on a file
database, so what is measured is what a platform runs, minus the network hop to a broker.

``CITIES_NETWORK_BENCH_DB`` picks the database: ``sqlite`` (default; ``.cache/bench.sqlite3``) or ``mysql``
(MariaDB on 127.0.0.1:3306, database ``CITIES_NETWORK_MYSQL_DB``, default ``cities_network_bench``, dropped and
created again by the run).
"""
import os

from tests.host.lms_settings import *  # noqa: F401,F403 pylint: disable=wildcard-import,unused-wildcard-import

BENCH_DB = os.environ.get("CITIES_NETWORK_BENCH_DB", "sqlite")
if BENCH_DB == "mysql":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.mysql",
            "NAME": os.environ.get("CITIES_NETWORK_MYSQL_DB", "cities_network_bench"),
            "USER": os.environ.get("CITIES_NETWORK_MYSQL_USER", "root"),
            "PASSWORD": os.environ.get("CITIES_NETWORK_MYSQL_PASSWORD", ""),
            "HOST": os.environ.get("CITIES_NETWORK_MYSQL_HOST", "127.0.0.1"),
            "PORT": os.environ.get("CITIES_NETWORK_MYSQL_PORT", "3306"),
            "OPTIONS": {"charset": "utf8mb4"},
        }
    }
elif BENCH_DB == "sqlite":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("CITIES_NETWORK_BENCH_SQLITE", str(REPO_ROOT / ".cache" / "bench.sqlite3")),  # noqa: F405
        }
    }
else:
    raise RuntimeError(f"CITIES_NETWORK_BENCH_DB must be 'sqlite' or 'mysql', not {BENCH_DB!r}")

# Award emails are rendered (that is part of the work) but go nowhere.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGGING["loggers"]["cities_network_plugin"]["level"] = "ERROR"  # noqa: F405
# Nothing may reach a broker: every task runs in the process, as in the test host.
CELERY_TASK_ALWAYS_EAGER = True
