"""
URLs of the plugin, mounted by the plugin API under ``cities-network/`` (namespace ``cities_network_plugin``)
in both the LMS and Studio.
"""
from django.urls import include, path

app_name = "cities_network_plugin"

urlpatterns = [
    path("api/v1/", include("cities_network_plugin.rest_api.v1.urls")),
]
