"""
A playlist's ``items`` replace the whole list, also in a PATCH: each item names its opportunity (400 naming
``opportunity`` when it does not, nothing changed), and ``mandatory`` left out means mandatory, as the model says.
"""
import pytest
from rest_framework.test import APIClient

from cities_network_plugin.opportunities import api
from cities_network_plugin.opportunities.models import Playlist, PlaylistItem

pytestmark = pytest.mark.django_db
API = "/cities-network/api/v1/cities/alpha/playlists/"


@pytest.fixture
def client(admin_a):
    client = APIClient()
    client.force_authenticate(admin_a)
    return client


@pytest.fixture
def playlist(city_a):
    playlist = Playlist.objects.create(city=city_a, title="Fix it yourself", status="published")
    api.set_playlist_items(playlist, [(api.create_opportunity(city_a, {"title": "Repair café"}), True)])
    return playlist


def items_of(playlist) -> list:
    return list(playlist.items.order_by("position").values_list("opportunity__title", "mandatory"))


@pytest.mark.parametrize("item", [{"mandatory": True}, {}, {"opportunity": None, "mandatory": False}])
def test_a_patch_item_without_its_opportunity_is_refused(client, playlist, item):
    response = client.patch(f"{API}{playlist.uuid}/", {"title": "Renamed", "items": [item]}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["items"] and list(response.json()["items"][0]) == ["opportunity"]
    playlist.refresh_from_db()
    assert playlist.title == "Fix it yourself" and items_of(playlist) == [("Repair café", True)]


def test_an_item_without_mandatory_is_mandatory(client, city_a, playlist):
    workshop = api.create_opportunity(city_a, {"title": "Bike workshop"})
    response = client.patch(f"{API}{playlist.uuid}/", {"items": [{"opportunity": str(workshop.uuid)}]}, format="json")
    assert response.status_code == 200, response.content
    assert items_of(playlist) == [("Bike workshop", True)]
    response = client.post(API, {"title": "New", "items": [{"opportunity": str(workshop.uuid)}]}, format="json")
    assert response.status_code == 201, response.content
    assert PlaylistItem.objects.get(playlist__uuid=response.json()["uuid"]).mandatory is True
