"""REST API v1: cities, their organisations and teams, scoped by role."""
import datetime

import jwt
import pytest
from django.conf import settings
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from cities_network_plugin.tenancy.models import City, CityRole

CITIES = "/cities-network/api/v1/cities/"


@pytest.fixture
def api():
    return APIClient()


def _slugs(response):
    return [city["slug"] for city in response.json()["results"]]


@pytest.mark.django_db
def test_list_shows_only_what_the_caller_may_see(api, network_manager, admin_a, learner, city_a, city_b):
    api.force_authenticate(network_manager)
    assert _slugs(api.get(CITIES)) == ["alpha", "beta"]
    api.force_authenticate(admin_a)
    assert _slugs(api.get(CITIES)) == ["alpha"]
    api.force_authenticate(learner)
    assert _slugs(api.get(CITIES)) == []
    api.force_authenticate(None)
    assert api.get(CITIES).status_code in (401, 403)


@pytest.mark.django_db
def test_list_filters_by_status_and_country(api, network_manager, city_a, city_b):
    api.force_authenticate(network_manager)
    assert _slugs(api.get(CITIES, {"status": "onboarding"})) == ["beta"]
    assert _slugs(api.get(CITIES, {"country": "lt"})) == ["alpha"]


@pytest.mark.django_db
def test_detail_of_another_city_is_not_found(api, admin_a, city_a, city_b):
    api.force_authenticate(admin_a)
    body = api.get(f"{CITIES}alpha/").json()
    assert body["name"] == "Alpha"
    assert body["organizations"] == [{"org": "AlphaX", "name": "Alpha University"}]
    assert api.get(f"{CITIES}beta/").status_code == 404


@pytest.mark.django_db
def test_network_manager_creates_and_updates_cities(api, network_manager):
    api.force_authenticate(network_manager)
    response = api.post(CITIES, {"slug": "gamma", "name": "Gamma", "country": "pt", "timezone": "Europe/Lisbon",
                                 "languages": ["pt", "en", "pt"]}, format="json")
    assert response.status_code == 201, response.content
    city = City.objects.get(slug="gamma")
    assert (city.country, city.languages, city.status) == ("PT", ["pt", "en"], "prospect")
    response = api.patch(f"{CITIES}gamma/", {"status": "onboarding"}, format="json")
    assert response.status_code == 200
    city.refresh_from_db()
    assert city.status == "onboarding"


@pytest.mark.django_db
def test_invalid_city_payload_is_rejected_with_reasons(api, network_manager):
    api.force_authenticate(network_manager)
    response = api.post(CITIES, {"slug": "bad slug", "name": "", "country": "Lithuania", "timezone": "Nowhere/City",
                                 "languages": "lt"}, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) >= {"slug", "name", "country", "timezone", "languages"}
    assert "not a known time zone" in errors["timezone"][0]
    assert not City.objects.exists()


@pytest.mark.django_db
def test_city_admin_may_not_create_or_edit_cities(api, admin_a, city_a):
    api.force_authenticate(admin_a)
    assert api.post(CITIES, {"slug": "x", "name": "X", "country": "LT"}, format="json").status_code == 403
    assert api.patch(f"{CITIES}alpha/", {"status": "paused"}, format="json").status_code == 403
    city_a.refresh_from_db()
    assert city_a.status == "member"


@pytest.mark.django_db
def test_city_admin_manages_their_team(api, admin_a, make_user, city_a):
    newcomer = make_user("newcomer", email="newcomer@alpha.example")
    api.force_authenticate(admin_a)
    response = api.post(f"{CITIES}alpha/team/", {"user": "newcomer@alpha.example", "role": "core_team"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["username"] == "newcomer"
    response = api.post(f"{CITIES}alpha/team/", {"user": "newcomer", "role": "admin"}, format="json")
    assert response.status_code == 200
    assert CityRole.objects.get(user=newcomer).role == "admin"
    team = api.get(f"{CITIES}alpha/team/").json()["results"]
    assert {m["username"] for m in team} == {"admin_a", "newcomer"}
    assert api.delete(f"{CITIES}alpha/team/newcomer/").status_code == 204
    assert not CityRole.objects.filter(user=newcomer).exists()


@pytest.mark.django_db
def test_team_errors_are_clear(api, admin_a, city_a):
    api.force_authenticate(admin_a)
    response = api.post(f"{CITIES}alpha/team/", {"user": "ghost", "role": "wizard"}, format="json")
    assert response.status_code == 400
    assert "'ghost' does not name one account. Check it with the person, or give their username." in response.json()[
        "user"]
    assert "role" in response.json()
    response = api.delete(f"{CITIES}alpha/team/admin_a/")
    assert response.status_code == 400
    assert "only admin" in response.json()["detail"][0]


@pytest.mark.django_db
def test_core_team_reads_the_team_but_cannot_change_it(api, core_a, city_a, learner):
    api.force_authenticate(core_a)
    assert api.get(f"{CITIES}alpha/team/").status_code == 200
    assert api.post(f"{CITIES}alpha/team/", {"user": "learner", "role": "admin"}, format="json").status_code == 403
    assert not CityRole.objects.filter(user=learner).exists()


@pytest.mark.django_db
def test_organizations_are_claimed_by_network_managers(api, network_manager, admin_a, city_a, city_b):
    api.force_authenticate(admin_a)
    assert api.post(f"{CITIES}alpha/organizations/", {"org": "AlphaLab"}, format="json").status_code == 403
    api.force_authenticate(network_manager)
    assert api.post(f"{CITIES}alpha/organizations/", {"org": "AlphaLab"}, format="json").status_code == 201
    response = api.post(f"{CITIES}alpha/organizations/", {"org": "BetaX"}, format="json")
    assert response.status_code == 400
    assert "already belongs to Beta" in response.json()["detail"][0]
    assert api.delete(f"{CITIES}alpha/organizations/alphalab/").status_code == 204


@pytest.mark.django_db
def test_city_admin_of_a_gets_403_or_404_on_every_object_of_b(api, admin_a, admin_b, make_user, city_a, city_b):
    member_b = make_user("member_b")
    CityRole.objects.create(city=city_b, user=member_b, role="core_team")
    api.force_authenticate(admin_a)
    attempts = [
        ("get", f"{CITIES}beta/", None),
        ("patch", f"{CITIES}beta/", {"name": "Hacked"}),
        ("put", f"{CITIES}beta/", {"slug": "beta", "name": "Hacked", "country": "NL"}),
        ("get", f"{CITIES}beta/team/", None),
        ("post", f"{CITIES}beta/team/", {"user": "admin_a", "role": "admin"}),
        ("get", f"{CITIES}beta/team/member_b/", None),
        ("delete", f"{CITIES}beta/team/member_b/", None),
        ("get", f"{CITIES}beta/organizations/", None),
        ("post", f"{CITIES}beta/organizations/", {"org": "Sneaky"}),
        ("get", f"{CITIES}beta/organizations/BetaX/", None),
        ("delete", f"{CITIES}beta/organizations/BetaX/", None),
    ]
    for method, url, data in attempts:
        response = getattr(api, method)(url, data, format="json")
        assert response.status_code in (403, 404), (method, url, response.status_code)
        assert b"Beta College" not in response.content
    city_b.refresh_from_db()
    assert city_b.name == "Beta"
    assert CityRole.objects.filter(city=city_b).count() == 2
    assert list(city_b.organizations.values_list("org", flat=True)) == ["BetaX"]


@pytest.mark.django_db
def test_schema_is_public_and_lists_our_endpoints(api, capsys):
    response = api.get("/cities-network/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)  # the OpenAPI 3 JSON schema, as drf-spectacular ships it
    assert "Warning" not in capsys.readouterr().err  # every view and authenticator is described
    assert schema["openapi"].startswith("3.")
    assert "/cities-network/api/v1/cities/" in schema["paths"]
    assert "/cities-network/api/v1/cities/{slug}/team/" in schema["paths"]
    assert all(path.startswith("/cities-network/api/v1/") for path in schema["paths"])


@pytest.mark.django_db
def test_session_writes_need_a_csrf_token(admin_a, city_a, learner):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(admin_a)
    response = client.post(f"{CITIES}alpha/team/", {"user": "learner", "role": "core_team"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.django_db
def test_platform_jwts_are_accepted(admin_a, city_a):
    now = datetime.datetime.now(tz=datetime.UTC)
    token = jwt.encode(
        {
            "iss": settings.JWT_AUTH["JWT_ISSUER"], "aud": settings.JWT_AUTH["JWT_AUDIENCE"],
            "exp": now + datetime.timedelta(minutes=5), "iat": now, "preferred_username": "admin_a",
            "email": admin_a.email, "administrator": False, "version": "1.2.0", "scopes": ["profile", "email"],
            "filters": [],
        },
        settings.JWT_AUTH["JWT_SECRET_KEY"],
        algorithm="HS256",
    )
    client = APIClient()
    response = client.get(CITIES, HTTP_AUTHORIZATION=f"JWT {token}")
    assert response.status_code == 200, response.content
    assert _slugs(response) == ["alpha"]
    assert client.get(CITIES, HTTP_AUTHORIZATION="JWT not-a-token").status_code == 401
