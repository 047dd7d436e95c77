"""
Settings shared by the LMS and Studio test hosts: a minimal Django project shaped like edx-platform.

The database is SQLite by default; ``CITIES_NETWORK_TEST_DB=mysql`` switches to the MariaDB server on
127.0.0.1:3306 (user ``root``, empty password), the way Open edX runs in production.
"""
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "test-host-only-not-a-secret"  # noqa: S105 - a throwaway key for tests and the local demo
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
# The languages the plugin ships catalogues for (cities_network_plugin/locale); LocaleMiddleware picks one from the
# request's Accept-Language, as the platform's language preference does (Open edX names Lithuanian "lt-lt").
LANGUAGES = [("en", "English"), ("lt", "Lietuvių")]
SITE_ID = 1
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

_DB = os.environ.get("CITIES_NETWORK_TEST_DB", "sqlite")
# The test database's collation: utf8mb4_unicode_ci (as many operators create theirs) unless the tier asks for another,
# or for "server", the server's default (utf8mb4_general_ci on MariaDB 10.11, the driver's connection collation too).
_MYSQL_COLLATION = os.environ.get("CITIES_NETWORK_MYSQL_COLLATION", "utf8mb4_unicode_ci")
_MYSQL_COLLATION = None if _MYSQL_COLLATION == "server" else _MYSQL_COLLATION
if _DB == "mysql":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.mysql",
            "NAME": os.environ.get("CITIES_NETWORK_MYSQL_DB", "cities_network"),
            "USER": os.environ.get("CITIES_NETWORK_MYSQL_USER", "root"),
            "PASSWORD": os.environ.get("CITIES_NETWORK_MYSQL_PASSWORD", ""),
            "HOST": os.environ.get("CITIES_NETWORK_MYSQL_HOST", "127.0.0.1"),
            "PORT": os.environ.get("CITIES_NETWORK_MYSQL_PORT", "3306"),
            "OPTIONS": {"charset": "utf8mb4"},
            "TEST": {"CHARSET": "utf8mb4", "COLLATION": _MYSQL_COLLATION},
        }
    }
elif _DB == "sqlite":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("CITIES_NETWORK_SQLITE_PATH", ":memory:"),
        }
    }
else:
    raise RuntimeError(f"CITIES_NETWORK_TEST_DB must be 'sqlite' or 'mysql', not {_DB!r}")

# What edx-platform itself installs before the plugins.
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.staticfiles",
    "rest_framework",
    # openedx-events, as edx-platform installs it: its ready() connects the event bus producer to the signals
    # named in EVENT_BUS_PRODUCER_CONFIG (none here; the real-parts tier's workers set it, see docs/event-bus.md).
    "openedx_events",
    "tests.host.platform_standin",
]
# Studio's content tagging (openedx-core), where installed, as on a current platform.
try:
    import openedx_tagging  # noqa: F401

    INSTALLED_APPS.append("openedx_tagging")
except ImportError:
    pass

MIDDLEWARE = [
    # Clears edx-django-utils' request cache for each request, first of all, as in the platform (lms/envs/common.py):
    # edx-drf-extensions keeps what it decoded from a JWT there.
    "edx_django_utils.cache.middleware.RequestCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Joins the two JWT cookies the micro-frontends' client sends into the one JwtAuthentication reads, as in the
    # platform's MIDDLEWARE (lms/envs/common.py).
    "edx_rest_framework_extensions.auth.jwt.middleware.JwtAuthCookieMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.contrib.sites.middleware.CurrentSiteMiddleware",
]
# CORS for the micro-frontends' origin, as the platform answers it: django-cors-headers' middleware after the CSRF
# one and 'use-jwt-cookie' among the allowed headers (lms/envs/common.py), credentials allowed (lms/envs/production.py
# with ENABLE_CORS_HEADERS), the MFE host whitelisted (tutor-mfe's openedx-lms-production-settings patch). The
# browser tests add the origin they serve the widgets from.
try:
    from corsheaders.defaults import default_headers as corsheaders_default_headers

    INSTALLED_APPS.append("corsheaders")
    MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware") + 1,
                      "corsheaders.middleware.CorsMiddleware")
    CORS_ALLOW_CREDENTIALS = True
    CORS_ORIGIN_WHITELIST = ["http://apps.local.openedx.io"]
    CORS_ALLOW_HEADERS = (*corsheaders_default_headers, "use-jwt-cookie", "content-range", "content-disposition")
except ImportError:  # until the test requirements have it; tests/test_mfe_client.py says so
    pass

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [str(Path(__file__).resolve().parent / "templates")],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

STATIC_URL = "/static/"
STATIC_ROOT = str(REPO_ROOT / ".demo" / "static")
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/cities-network/api/v1/cities/"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests; never in production

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
}


def _jwt_signing_keys() -> tuple[str, str]:
    """
    A throwaway RSA key for the run, as the platform's JWT_PUBLIC_SIGNING_JWK_SET and JWT_PRIVATE_SIGNING_JWK (JSON
    strings). edx-drf-extensions checks a JWT against the asymmetric keys first, and with none configured that first
    check passes without verifying anything: a host without them would accept any signature, unlike the platform.
    """
    import json  # pylint: disable=import-outside-toplevel

    from cryptography.hazmat.primitives.asymmetric import rsa  # pylint: disable=import-outside-toplevel
    from jwt.algorithms import RSAAlgorithm  # pylint: disable=import-outside-toplevel

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public, private = (dict(json.loads(RSAAlgorithm.to_jwk(k)), kid="test-host") for k in (key.public_key(), key))
    return json.dumps({"keys": [public]}), json.dumps(private)


_JWT_PUBLIC_KEYS, _JWT_PRIVATE_KEY = _jwt_signing_keys()
# edx-drf-extensions' JWT settings, as the platform sets them.
JWT_AUTH = {
    "JWT_ISSUERS": [{"ISSUER": "http://127.0.0.1/oauth2", "AUDIENCE": "lms-key",
                     "SECRET_KEY": "lms-secret-for-tests-only-0123456789"}],
    "JWT_DECODE_HANDLER": "edx_rest_framework_extensions.auth.jwt.decoder.jwt_decode_handler",
    "JWT_AUTH_HEADER_PREFIX": "JWT",
    "JWT_ISSUER": "http://127.0.0.1/oauth2",
    "JWT_AUDIENCE": "lms-key",
    "JWT_SECRET_KEY": "lms-secret-for-tests-only-0123456789",
    "JWT_ALGORITHM": "HS256",
    "JWT_AUTH_COOKIE": "edx-jwt-cookie",
    "JWT_PUBLIC_SIGNING_JWK_SET": _JWT_PUBLIC_KEYS,
    "JWT_PRIVATE_SIGNING_JWK": _JWT_PRIVATE_KEY,
    "JWT_SIGNING_ALGORITHM": "RS512",
}

# The host's stand-in for edx-platform. Set before the plugin's settings run, which must keep it.
CITIES_NETWORK_PLATFORM_BACKEND = "tests.host.platform_standin.backend.StandinBackend"
# Tests run a real HTTP server on 127.0.0.1 as the webhook endpoint; production accepts only public HTTPS hosts.
CITIES_NETWORK_WEBHOOKS_ALLOW_LOCAL_HTTP = True
# Open Badges 3.0 signing keys are encrypted with a key derived from this throwaway secret (production sets its own).
CITIES_NETWORK_KEY_ENCRYPTION_SECRET = "test-host-only-key-encryption-secret"  # noqa: S105 - tests and the demo only
# JSON-LD contexts for the eddsa-rdfc-2022 proofs, written from npm packages by scripts/install_test_js.sh (never
# fetched while a test runs); the tests that need them skip, or fail under CI=true, when the directory is empty.
CITIES_NETWORK_JSONLD_CONTEXTS_DIR = os.environ.get("CITIES_NETWORK_JSONLD_CONTEXTS_DIR",
                                                    str(REPO_ROOT / ".cache" / "jsonld-contexts"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"cities_network_plugin": {"handlers": ["console"], "level": "WARNING"}},
}

# Celery: tasks run in-process in the default tiers; the worker tier points at the real Redis broker.
CELERY_BROKER_URL = os.environ.get("CITIES_NETWORK_CELERY_BROKER", "redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CITIES_NETWORK_CELERY_EAGER", "1") == "1"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
