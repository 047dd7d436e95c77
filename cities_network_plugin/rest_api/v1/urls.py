"""URLs of API v1, mounted at ``cities-network/api/v1/``."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from ... import __version__
from . import views

api_patterns = [
    path("cities/", views.CityListView.as_view(), name="api-v1-cities"),
    path("cities/<slug:slug>/", views.CityDetailView.as_view(), name="api-v1-city"),
    path("cities/<slug:slug>/team/", views.CityTeamView.as_view(), name="api-v1-city-team"),
    path("cities/<slug:slug>/team/<str:username>/", views.CityTeamMemberView.as_view(), name="api-v1-city-team-member"),
    path("cities/<slug:slug>/organizations/", views.CityOrganizationsView.as_view(), name="api-v1-city-orgs"),
    path(
        "cities/<slug:slug>/organizations/<str:org>/",
        views.CityOrganizationDetailView.as_view(),
        name="api-v1-city-org",
    ),
]

urlpatterns = api_patterns + [
    path(
        "schema/",
        SpectacularAPIView.as_view(
            permission_classes=[AllowAny],
            authentication_classes=[],
            serve_public=True,
            # Only our own endpoints, under the prefix the plugin API mounts them at.
            patterns=[path("cities-network/api/v1/", include(api_patterns))],
            custom_settings={
                "TITLE": "Cities Network API",
                "DESCRIPTION": "City tenancy, onboarding, learning opportunities and badges of the Cities of "
                               "Learning Network, served by the cities-network-plugin for Open edX.",
                "VERSION": f"v1 ({__version__})",
                "SCHEMA_PATH_PREFIX": r"/cities-network/api/v1",
                "COMPONENT_SPLIT_REQUEST": True,
            },
        ),
        name="api-v1-schema",
    ),
]
