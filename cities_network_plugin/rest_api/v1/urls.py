"""URLs of API v1, mounted at ``cities-network/api/v1/``."""
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from ... import __version__, url_converters
from .views import attendance, badges, courses, onboarding, opportunities, reports, tenancy, webhooks
from .views.base import not_found

CITY = "cities/<slug:slug>/"
ID = url_converters.NAME  # ids: <cities_network_id:pk>, never past the largest id

api_patterns = [
    path("cities/", tenancy.CityListView.as_view(), name="api-v1-cities"),
    path(CITY, tenancy.CityDetailView.as_view(), name="api-v1-city"),
    path(f"{CITY}team/", tenancy.CityTeamView.as_view(), name="api-v1-city-team"),
    path(f"{CITY}team/<str:username>/", tenancy.CityTeamMemberView.as_view(), name="api-v1-city-team-member"),
    path(f"{CITY}organizations/", tenancy.CityOrganizationsView.as_view(), name="api-v1-city-orgs"),
    path(f"{CITY}organizations/<str:org>/", tenancy.CityOrganizationDetailView.as_view(), name="api-v1-city-org"),
    # Onboarding
    path(f"{CITY}onboarding/", onboarding.OnboardingView.as_view(), name="api-v1-onboarding"),
    path(f"{CITY}onboarding/<slug:step_key>/", onboarding.OnboardingStepView.as_view(), name="api-v1-onboarding-step"),
    path(f"{CITY}onboarding/<slug:step_key>/history/", onboarding.OnboardingStepHistoryView.as_view(),
         name="api-v1-onboarding-step-history"),
    path(f"{CITY}stakeholders/", onboarding.StakeholderListView.as_view(), name="api-v1-stakeholders"),
    path(f"{CITY}stakeholders/<{ID}:pk>/", onboarding.StakeholderDetailView.as_view(), name="api-v1-stakeholder"),
    path(f"{CITY}introductory-meetings/", onboarding.IntroductoryMeetingListView.as_view(),
         name="api-v1-introductory-meetings"),
    path(f"{CITY}impact-reviews/", onboarding.ImpactReviewListView.as_view(), name="api-v1-impact-reviews"),
    # Opportunities and playlists
    path(f"{CITY}opportunities.geojson", opportunities.OpportunitiesGeoJSONView.as_view(),
         name="api-v1-opportunities-geojson"),
    path(f"{CITY}opportunities/", opportunities.OpportunityListView.as_view(), name="api-v1-opportunities"),
    path(f"{CITY}opportunities/<uuid:uuid>/", opportunities.OpportunityDetailView.as_view(),
         name="api-v1-opportunity"),
    path(f"{CITY}opportunities/<uuid:uuid>/attendance/", attendance.AttendanceView.as_view(),
         name="api-v1-attendance"),
    path(f"{CITY}opportunities/<uuid:uuid>/attendance/import/", attendance.AttendanceImportView.as_view(),
         name="api-v1-attendance-import"),
    path(f"{CITY}opportunities/<uuid:uuid>/claim-codes/", attendance.ClaimCodeListView.as_view(),
         name="api-v1-claim-codes"),
    path("claim/", attendance.ClaimView.as_view(), name="api-v1-claim"),
    path(f"{CITY}playlists/", opportunities.PlaylistListView.as_view(), name="api-v1-playlists"),
    path(f"{CITY}playlists/<uuid:uuid>/", opportunities.PlaylistDetailView.as_view(), name="api-v1-playlist"),
    # Webhooks (the city's admins)
    path(f"{CITY}webhooks/", webhooks.WebhookListView.as_view(), name="api-v1-webhooks"),
    path(f"{CITY}webhooks/<{ID}:pk>/", webhooks.WebhookDetailView.as_view(), name="api-v1-webhook"),
    path(f"{CITY}webhooks/<{ID}:pk>/deliveries/", webhooks.WebhookDeliveryListView.as_view(),
         name="api-v1-webhook-deliveries"),
    path(f"{CITY}webhooks/<{ID}:pk>/deliveries/<{ID}:delivery_id>/redeliver/", webhooks.WebhookRedeliverView.as_view(),
         name="api-v1-webhook-redeliver"),
    # Badges
    path(f"{CITY}badges/", badges.BadgeClassListView.as_view(), name="api-v1-badges"),
    path(f"{CITY}badges/<uuid:uuid>/", badges.BadgeClassDetailView.as_view(), name="api-v1-badge"),
    path(f"{CITY}badges/<uuid:uuid>/image/", badges.BadgeImageView.as_view(), name="api-v1-badge-image"),
    path(f"{CITY}badges/<uuid:uuid>/new-version/", badges.BadgeNewVersionView.as_view(),
         name="api-v1-badge-new-version"),
    path(f"{CITY}badges/<uuid:uuid>/awards/", badges.BadgeAwardListView.as_view(), name="api-v1-badge-awards"),
    path(f"{CITY}awards/<uuid:uuid>/revoke/", badges.AwardRevokeView.as_view(), name="api-v1-award-revoke"),
    # One course as the console sees it (Studio's course outline shows it)
    path("courses/<str:course_key>/", courses.CourseView.as_view(), name="api-v1-course"),
    path("me/badge-progress/", badges.MyProgressView.as_view(), name="api-v1-my-progress"),
    path("me/awards/", badges.MyAwardsView.as_view(), name="api-v1-my-awards"),
    path("community-calls/", onboarding.CommunityCallListView.as_view(), name="api-v1-community-calls"),
    path(f"community-calls/<{ID}:pk>/", onboarding.CommunityCallDetailView.as_view(), name="api-v1-community-call"),
    path("reports/network/", reports.NetworkReportView.as_view(), name="api-v1-report-network"),
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
                "PATH_CONVERTER_OVERRIDES": {
                    url_converters.NAME: {"type": "integer", "minimum": 1, "maximum": url_converters.MAX_ID},
                },
                "COMPONENT_SPLIT_REQUEST": True,
                "ENUM_NAME_OVERRIDES": {
                    "CityStatusEnum": "cities_network_plugin.tenancy.models.CityStatus",
                    "StepStatusEnum": "cities_network_plugin.onboarding.models.StepStatus",
                    "PublicationStatusEnum": "cities_network_plugin.opportunities.models.PublicationStatus",
                    "WebhookEventEnum": "cities_network_plugin.webhooks.models.WebhookEvent",
                    "DeliveryStateEnum": "cities_network_plugin.webhooks.models.DeliveryState",
                    "BadgeStatusEnum": "cities_network_plugin.badges.models.BadgeStatus",
                },
            },
        ),
        name="api-v1-schema",
    ),
    # Last: any other path under the prefix answers 404 in JSON (views.base.not_found).
    re_path(r"^[\s\S]*$", not_found, name="api-v1-not-found"),
]
