"""
Shared fixtures, and the rule for service-backed tiers: a missing service skips its tests with a clear
message on a developer's machine, and fails them under ``CI=true``.
"""
import os

import pytest
from django.contrib.auth import get_user_model

from cities_network_plugin import queueing
from cities_network_plugin.tenancy import api as tenancy_api
from cities_network_plugin.tenancy.models import City, CityRoleName, CityStatus, NetworkManager

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_service(available: bool, message: str) -> None:
    """Skip (locally) or fail (in CI) when a service a tier needs is missing."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{message} (CI=true: a missing service fails the run instead of skipping it)")
    pytest.skip(message)


def pytest_sessionstart(session):  # pylint: disable=unused-argument
    """On the MariaDB tier, say at once when the server cannot be reached."""
    if os.environ.get("CITIES_NETWORK_TEST_DB") != "mysql":
        return
    import MySQLdb  # pylint: disable=import-outside-toplevel

    try:
        MySQLdb.connect(host=os.environ.get("CITIES_NETWORK_MYSQL_HOST", "127.0.0.1"), user="root", passwd="",
                        port=int(os.environ.get("CITIES_NETWORK_MYSQL_PORT", "3306"))).close()
    except MySQLdb.OperationalError as exc:
        message = f"MariaDB is not reachable on 127.0.0.1:3306 ({exc}); start it or run the SQLite tier only."
        if IN_CI:
            raise pytest.UsageError(message) from exc
        pytest.exit(message, returncode=0)



@pytest.fixture(autouse=True)
def _queueing_not_paused():
    """
    Every test starts with queueing on: a broker failure pauses queueing for the whole process (``queueing``), which
    in a test run would carry over into the tests that follow.
    """
    queueing.resume()
    yield
    queueing.resume()

@pytest.fixture
def make_user(db):  # pylint: disable=unused-argument
    """Create a user: ``make_user("ana", is_staff=True)``."""
    def _make(username, **extra):
        extra.setdefault("email", f"{username}@example.com")
        return get_user_model().objects.create_user(username=username, password="pw", **extra)
    return _make


@pytest.fixture
def city_a(db):  # pylint: disable=unused-argument
    city = City.objects.create(slug="alpha", name="Alpha", country="LT", status=CityStatus.MEMBER,
                               timezone="Europe/Vilnius", languages=["lt", "en"])
    tenancy_api.add_organization(city, "AlphaX", "Alpha University")
    return city


@pytest.fixture
def city_b(db):  # pylint: disable=unused-argument
    city = City.objects.create(slug="beta", name="Beta", country="NL", status=CityStatus.ONBOARDING,
                               timezone="Europe/Amsterdam", languages=["nl"])
    tenancy_api.add_organization(city, "BetaX", "Beta College")
    return city


@pytest.fixture
def network_manager(make_user):
    user = make_user("manager", is_staff=True)
    NetworkManager.objects.create(user=user)
    return user


@pytest.fixture
def admin_a(make_user, city_a):
    user = make_user("admin_a", is_staff=True)
    tenancy_api.set_member(city_a, user, CityRoleName.ADMIN)
    return user


@pytest.fixture
def admin_b(make_user, city_b):
    user = make_user("admin_b", is_staff=True)
    tenancy_api.set_member(city_b, user, CityRoleName.ADMIN)
    return user


@pytest.fixture
def core_a(make_user, city_a):
    user = make_user("core_a", is_staff=True)
    tenancy_api.set_member(city_a, user, CityRoleName.CORE_TEAM)
    return user


@pytest.fixture
def learner(make_user):
    return make_user("learner")


@pytest.fixture
def both(make_user, city_a, city_b):
    """Someone on the teams of Alpha (admin) and Beta (core team)."""
    user = make_user("both", is_staff=True)
    tenancy_api.set_member(city_a, user, CityRoleName.ADMIN)
    tenancy_api.set_member(city_b, user, CityRoleName.CORE_TEAM)
    return user


def _settings_module() -> str:
    return os.environ.get("DJANGO_SETTINGS_MODULE", "")


# Studio tests run in their own pytest invocation with the CMS host settings (see the Makefile); the LMS
# tests are everything else.
_STUDIO_RUN = _settings_module().endswith("cms_settings")
collect_ignore_glob = ["host/*"] + (["test_*.py"] if _STUDIO_RUN else ["cms/*"])
