"""The opportunity and playlist endpoints: public reads, team writes, city scope, filters, GeoJSON."""
import pytest
from rest_framework.test import APIClient

from cities_network_plugin.opportunities import api
from cities_network_plugin.opportunities.models import Opportunity, Playlist
from cities_network_plugin.tenancy.models import City

BASE = "/cities-network/api/v1/cities"
SKILL = {"uri": "http://data.europa.eu/esco/skill/abc", "label": "repair bicycles"}


@pytest.fixture
def client_for():
    def _client(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client
    return _client


@pytest.fixture
def published(city_a):
    return api.create_opportunity(city_a, {"title": "Bike repair", "kind": "workshop", "status": "published",
                                           "latitude": "54.6872", "longitude": "25.2797", "skills": [SKILL]})


@pytest.fixture
def draft(city_a):
    return api.create_opportunity(city_a, {"title": "Secret plan", "kind": "event"})


@pytest.mark.django_db
def test_anyone_reads_published_the_team_also_drafts(client_for, admin_a, published, draft):
    anonymous = client_for().get(f"{BASE}/alpha/opportunities/").json()
    assert [o["title"] for o in anonymous["results"]] == ["Bike repair"]
    team = client_for(admin_a).get(f"{BASE}/alpha/opportunities/").json()
    assert {o["title"] for o in team["results"]} == {"Bike repair", "Secret plan"}
    assert client_for().get(f"{BASE}/alpha/opportunities/{draft.uuid}/").status_code == 404
    body = client_for().get(f"{BASE}/alpha/opportunities/{published.uuid}/").json()
    assert body["skills"] == [SKILL] and body["cities"] == ["alpha"] and body["city"] == "alpha"


@pytest.mark.django_db
def test_prospect_cities_are_hidden_from_the_public(client_for, admin_b, city_b):
    City.objects.filter(pk=city_b.pk).update(status="prospect")
    assert client_for().get(f"{BASE}/beta/opportunities/").status_code == 404
    assert client_for(admin_b).get(f"{BASE}/beta/opportunities/").status_code == 200


@pytest.mark.django_db
def test_team_creates_with_validation(client_for, core_a, city_a):
    client = client_for(core_a)
    response = client.post(f"{BASE}/alpha/opportunities/", {
        "title": "Coding club", "kind": "activity", "online": True, "language": "en", "status": "published",
        "start": "2026-09-01T17:00:00Z", "end": "2026-09-01T19:00:00Z", "skills": [SKILL]}, format="json")
    assert response.status_code == 201, response.content
    assert Opportunity.objects.get(uuid=response.json()["uuid"]).created_by == core_a
    response = client.post(f"{BASE}/alpha/opportunities/", {
        "title": "Broken", "start": "2026-09-02T10:00:00Z", "end": "2026-09-01T10:00:00Z", "latitude": 54.1,
        "skills": [{"uri": "nope", "label": "x"}]}, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors["end"] == ["The end comes before the start."]
    assert "Give both latitude and longitude" in errors["latitude"][0]
    assert "is not an ESCO URI" in errors["skills"][0]
    assert Opportunity.objects.count() == 1


@pytest.mark.django_db
def test_sharing_with_other_cities_is_limited_to_the_ones_you_work_for(client_for, admin_a, network_manager,
                                                                        city_a, city_b, published):
    url = f"{BASE}/alpha/opportunities/{published.uuid}/"
    response = client_for(admin_a).patch(url, {"cities": ["alpha", "beta"]}, format="json")
    assert response.status_code == 403
    assert "Beta is not one" in response.json()["detail"]
    assert client_for(admin_a).patch(url, {"cities": ["atlantis"]}, format="json").status_code == 400
    assert client_for(network_manager).patch(url, {"cities": ["beta"]}, format="json").status_code == 200
    assert set(published.cities.values_list("slug", flat=True)) == {"alpha", "beta"}
    # Beta shows it but cannot change it; Alpha's admin cannot drop Beta.
    assert client_for().get(f"{BASE}/beta/opportunities/{published.uuid}/").status_code == 200
    assert client_for(admin_a).patch(url, {"cities": []}, format="json").status_code == 403


@pytest.mark.django_db
def test_a_city_that_only_shows_an_opportunity_cannot_change_it(client_for, admin_b, network_manager, published,
                                                                 city_b):
    api.set_cities(published, [city_b])
    url = f"{BASE}/beta/opportunities/{published.uuid}/"
    response = client_for(admin_b).patch(url, {"title": "Mine now"}, format="json")
    assert response.status_code == 403
    assert "managed by Alpha" in response.json()["detail"]
    assert client_for(admin_b).delete(url).status_code == 403
    assert Opportunity.objects.get(pk=published.pk).title == "Bike repair"


@pytest.mark.django_db
def test_city_admin_of_a_gets_403_or_404_on_b(client_for, admin_a, city_b):
    theirs = api.create_opportunity(city_b, {"title": "Beta draft"})
    playlist = Playlist.objects.create(city=city_b, title="Beta path")
    client = client_for(admin_a)
    for method, url in (("get", f"{BASE}/beta/opportunities/{theirs.uuid}/"),
                        ("patch", f"{BASE}/beta/opportunities/{theirs.uuid}/"),
                        ("delete", f"{BASE}/beta/opportunities/{theirs.uuid}/"),
                        ("post", f"{BASE}/beta/opportunities/"),
                        ("get", f"{BASE}/beta/playlists/{playlist.uuid}/"),
                        ("delete", f"{BASE}/beta/playlists/{playlist.uuid}/"),
                        ("post", f"{BASE}/beta/playlists/"),
                        ("get", f"{BASE}/alpha/opportunities/{theirs.uuid}/")):
        response = getattr(client, method)(url, {"title": "x"}, format="json")
        assert response.status_code in (403, 404), (method, url, response.status_code)
    assert Opportunity.objects.filter(city=city_b).count() == 1 and Playlist.objects.count() == 1
    assert "Beta draft" not in str(client.get(f"{BASE}/beta/opportunities/").json())


@pytest.mark.django_db
def test_filters_and_bad_filters(client_for, published, city_a):
    api.create_opportunity(city_a, {"title": "Online talk", "kind": "event", "online": True, "status": "published"})
    client = client_for()
    assert [o["title"] for o in client.get(f"{BASE}/alpha/opportunities/", {"mode": "online"}).json()["results"]] == [
        "Online talk"]
    assert [o["title"] for o in client.get(f"{BASE}/alpha/opportunities/", {"skill": "bicycles"}).json()[
        "results"]] == ["Bike repair"]
    response = client.get(f"{BASE}/alpha/opportunities/", {"kind": "party"})
    assert response.status_code == 400
    assert "'party' is not a kind" in response.json()["kind"][0]


@pytest.mark.django_db
def test_geojson_feature_collection(client_for, published, draft):
    response = client_for().get(f"{BASE}/alpha/opportunities.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["title"] for f in data["features"]] == ["Bike repair"]
    assert data["features"][0]["geometry"]["coordinates"] == [25.2797, 54.6872]
    assert client_for().get(f"{BASE}/nowhere/opportunities.geojson").status_code == 404


@pytest.mark.django_db
def test_playlists_with_items(client_for, admin_a, published, city_a):
    other = api.create_opportunity(city_a, {"title": "Extra", "status": "published"})
    client = client_for(admin_a)
    response = client.post(f"{BASE}/alpha/playlists/", {
        "title": "Makers", "min_optional": 1, "status": "published",
        "items": [{"opportunity": str(published.uuid), "mandatory": True},
                  {"opportunity": str(other.uuid), "mandatory": False}]}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(i["title"], i["mandatory"]) for i in body["items"]] == [("Bike repair", True), ("Extra", False)]
    url = f"{BASE}/alpha/playlists/{body['uuid']}/"
    response = client.patch(url, {"min_optional": 2}, format="json")
    assert response.status_code == 400
    assert "asks for 2 optional items but has 1" in response.json()["items"][0]
    assert Playlist.objects.get(uuid=body["uuid"]).min_optional == 1  # nothing half-written
    public = client_for().get(f"{BASE}/alpha/playlists/").json()["results"]
    assert [p["title"] for p in public] == ["Makers"]
