"""Imports every domain's models so that Django finds them under the ``cities_network_plugin`` label."""
from .tenancy.models import City, CityOrganization, CityRole, NetworkManager  # noqa: F401
