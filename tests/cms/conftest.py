"""Fixtures of the Studio tests."""
import pytest

from cities_network_plugin.tenancy import api as tenancy_api
from cities_network_plugin.tenancy.models import CityRoleName


@pytest.fixture
def both(make_user, city_a, city_b):
    """Someone on the teams of Alpha (admin) and Beta (core team)."""
    user = make_user("both", is_staff=True)
    tenancy_api.set_member(city_a, user, CityRoleName.ADMIN)
    tenancy_api.set_member(city_b, user, CityRoleName.CORE_TEAM)
    return user
