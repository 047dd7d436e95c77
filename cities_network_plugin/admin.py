"""Registers every domain's Django admin (Django's autodiscovery imports this module)."""
from .badges import admin as badges_admin  # noqa: F401
from .onboarding import admin as onboarding_admin  # noqa: F401
from .opportunities import admin as opportunities_admin  # noqa: F401
from .reporting import admin as reporting_admin  # noqa: F401
from .tenancy import admin as tenancy_admin  # noqa: F401
from .webhooks import admin as webhooks_admin  # noqa: F401
