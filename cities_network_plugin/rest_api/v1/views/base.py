"""
What every v1 view shares. Views stay thin: permission checks ask ``tenancy.permissions``, writes call the
domain's ``api`` module.

A city the caller may not see answers 404 (not 403), so the API does not reveal which cities exist; a city
the caller sees but may not change answers 403.
"""
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated

from ....tenancy import permissions
from ..authentication import AUTHENTICATION_CLASSES
from ..parsers import PARSER_CLASSES
from ..permissions import CityPermission
from ..schema import AutoSchema


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


@csrf_exempt  # it writes nothing; a POST to a wrong address is told 404, not that its CSRF token is missing
def not_found(request, *args, **kwargs):  # pylint: disable=unused-argument
    """
    Any other address under the API's prefix answers 404 in JSON, as the API's own answers do (not the platform's
    HTML page): an id out of range (``url_converters``), a uuid that is none, a path that does not exist. This pattern
    matches every path, so Django's ``APPEND_SLASH`` no longer sees a missing slash; it redirects here as Django would.
    """
    if settings.APPEND_SLASH and not request.path_info.endswith("/"):
        try:
            match = resolve(f"{request.path_info}/", getattr(request, "urlconf", None))
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
