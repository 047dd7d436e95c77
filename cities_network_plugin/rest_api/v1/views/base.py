"""
What every v1 view shares. Views stay thin: permission checks ask ``tenancy.permissions``, writes call the
domain's ``api`` module.

A city the caller may not see answers 404 (not 403), so the API does not reveal which cities exist; a city
the caller sees but may not change answers 403.
"""
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.openapi import AutoSchema
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated

from ....tenancy import permissions
from ..authentication import AUTHENTICATION_CLASSES
from ..parsers import PARSER_CLASSES
from ..permissions import CityPermission


class Pagination(PageNumberPagination):
    """Page-numbered lists; ``?page_size=`` up to 200."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        self.page_size = settings.CITIES_NETWORK_API_PAGE_SIZE
        return super().get_page_size(request)


class ApiViewMixin:
    """What every v1 view shares: authentication, parsers (JSON nesting bounded), OpenAPI schema and pagination."""

    authentication_classes = AUTHENTICATION_CLASSES
    parser_classes = PARSER_CLASSES
    permission_classes = (IsAuthenticated,)
    pagination_class = Pagination
    schema = AutoSchema()


class CityScopedMixin(ApiViewMixin):
    """Views under ``cities/<slug>/``: the city is resolved once, among the cities the caller may see."""

    permission_classes = (IsAuthenticated, CityPermission)
    city_write_action = permissions.ADMINISTER

    def get_city(self):
        if not hasattr(self, "_city"):
            self._city = get_object_or_404(  # pylint: disable=attribute-defined-outside-init
                permissions.cities_for(self.request.user, permissions.VIEW), slug=self.kwargs["slug"]
            )
        return self._city


def raise_as_drf(exc: DjangoValidationError):
    """Turn a domain function's ValidationError into a 400 answer with its messages."""
    if hasattr(exc, "message_dict"):
        raise ValidationError(exc.message_dict) from exc
    raise ValidationError({"detail": exc.messages}) from exc
