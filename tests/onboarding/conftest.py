"""Fixtures for onboarding tests."""
import pytest

from cities_network_plugin.onboarding import api


@pytest.fixture
def journey(city_a):
    """A function returning city_a's fresh journey."""
    return lambda city=city_a: api.get_journey(city)
