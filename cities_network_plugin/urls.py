"""
URLs of the plugin, mounted by the plugin API under ``cities-network/`` (namespace ``cities_network_plugin``)
in both the LMS and Studio.
"""
from django.urls import include, path

from .web import claim, join, learner, wallet

app_name = "cities_network_plugin"

urlpatterns = [
    path("api/v1/", include("cities_network_plugin.rest_api.v1.urls")),
    path("ob/", include("cities_network_plugin.openbadges.urls")),
    path("join/", join.join, name="join"),
    # Learner pages (LMS)
    path("c/<slug:slug>/", learner.city_page, name="city"),
    path("o/<uuid:uuid>/", learner.opportunity_page, name="opportunity"),
    path("p/<uuid:uuid>/", learner.playlist_page, name="playlist"),
    path("claim/<str:code>/", claim.claim_page, name="claim"),
    # The learner's badges (LMS)
    path("badges/", wallet.wallet, name="wallet"),
    path("badges/<uuid:uuid>/", wallet.public_award, name="award"),
    path("courses/<str:course_key>/badges/", wallet.course_badges, name="course-badges"),
    path("console/", include("cities_network_plugin.console.urls")),
]
