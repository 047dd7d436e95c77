"""Open Badges URLs under ``cities-network/ob/``: version 2.0 (hosted) and 3.0 (signed credentials)."""
from django.urls import include, path

urlpatterns = [
    path("v2/", include("cities_network_plugin.openbadges.urls_v2")),
    path("v3/", include("cities_network_plugin.openbadges.urls_v3")),
]
