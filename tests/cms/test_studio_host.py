"""Run under the Studio host settings (``pytest tests/cms --ds=tests.host.cms_settings``)."""
import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.cms


def test_studio_host_has_the_plugin_and_its_api(client, network_manager, city_a):
    assert settings.ROOT_URLCONF == "tests.host.urls_cms"
    client.force_login(network_manager)
    response = client.get(reverse("cities_network_plugin:api-v1-cities"))
    assert response.status_code == 200
    assert [city["slug"] for city in response.json()["results"]] == ["alpha"]


def test_studio_admin_is_scoped_too(client, admin_b, city_a):
    client.force_login(admin_b)
    response = client.get(f"/admin/cities_network_plugin/city/{city_a.pk}/change/")
    assert response.status_code == 404
