"""DRF permission classes; each one asks ``tenancy.permissions``, never the models directly."""
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from ...tenancy import permissions


class IsNetworkManager(BasePermission):
    """Network managers only."""

    message = _("Only network managers may do this.")

    def has_permission(self, request, view):
        return permissions.is_network_manager(request.user)


class CityPermission(BasePermission):
    """
    Reads need a role in the city; writes need the action the view names in ``city_write_action``.

    Views resolve the city with ``get_city()``: a city the caller may not see answers 404, not 403, so that
    the API does not reveal which cities exist.
    """

    message = _("You do not have permission to change this city's records.")

    def has_permission(self, request, view):
        city = view.get_city()
        if request.method in SAFE_METHODS:
            return permissions.can(request.user, permissions.VIEW, city)
        return permissions.can(request.user, getattr(view, "city_write_action", permissions.ADMINISTER), city)
