"""Registers every domain's Django admin (Django's autodiscovery imports this module)."""
from .tenancy import admin as tenancy_admin  # noqa: F401
