"""
A playlist item names an opportunity shown in the playlist's city; any other uuid, of another city's opportunity or
of none, gets one answer that names it by its uuid, never by its title, and nothing is written.
"""
import uuid

import pytest
from django.core.exceptions import ValidationError

from cities_network_plugin.opportunities import api
from cities_network_plugin.opportunities.models import Playlist

from tests.badges.test_badges_api import client_for

API = "/cities-network/api/v1/cities/alpha/playlists/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(city_b):
    return api.create_opportunity(city_b, {"title": "Beta's secret draft", "kind": "event", "status": "draft"})


def test_an_item_of_another_city_is_answered_as_an_unknown_one(admin_a, city_a, secret):
    client = client_for(admin_a)
    answers = []
    for target in (str(secret.uuid), str(uuid.uuid4())):
        response = client.post(API, {"title": "Mixed", "items": [{"opportunity": target}]}, format="json")
        assert response.status_code == 400, response.content
        assert response.json() == {"items": [{"opportunity": [
            f"There is no opportunity '{target}' shown in Alpha."]}]}
        answers.append(response.content.decode().replace(target, "?"))
    assert answers[0] == answers[1] and "secret" not in answers[0]
    assert not Playlist.objects.exists()
    playlist = Playlist.objects.create(city=city_a, title="Mine")
    response = client.patch(f"{API}{playlist.uuid}/", {"items": [{"opportunity": str(secret.uuid)}]}, format="json")
    assert response.status_code == 400 and "secret" not in response.content.decode()
    assert not playlist.items.exists()


def test_the_domain_names_a_foreign_item_by_its_uuid(city_a, secret):
    mine = api.create_opportunity(city_a, {"title": "Mine", "kind": "event"})
    playlist = Playlist.objects.create(city=city_a, title="Mixed")
    with pytest.raises(ValidationError) as info:
        api.set_playlist_items(playlist, [(mine, True), (secret, True), (secret, True), (mine, True)])
    assert info.value.message_dict["items"] == [
        f"Item 2: There is no opportunity '{secret.uuid}' shown in Alpha.",
        f"Item 3: There is no opportunity '{secret.uuid}' shown in Alpha.",
        "Item 4: 'Mine' is already in the playlist."]
    assert not playlist.items.exists()
