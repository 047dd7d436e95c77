"""The Django admin follows the same city scope as the API."""
import pytest

from cities_network_plugin.tenancy.models import CityOrganization, CityRole, NetworkManager

ADMIN = "/admin/cities_network_plugin"


@pytest.fixture
def member_b(make_user, city_b):
    user = make_user("member_b")
    return CityRole.objects.create(city=city_b, user=user, role="core_team")


@pytest.mark.django_db
def test_city_admin_sees_only_their_city_in_changelists(client, admin_a, admin_b, city_a, city_b, member_b):
    client.force_login(admin_a)
    page = client.get(f"{ADMIN}/city/").content.decode()
    assert "Alpha" in page and ">Beta<" not in page
    page = client.get(f"{ADMIN}/cityrole/").content.decode()
    assert "admin_a" in page and "member_b" not in page and "admin_b" not in page
    page = client.get(f"{ADMIN}/cityorganization/").content.decode()
    assert "AlphaX" in page and "BetaX" not in page


@pytest.mark.django_db
def test_city_admin_of_a_gets_403_or_404_on_every_admin_object_of_b(client, admin_a, city_a, city_b, member_b):
    org_b = CityOrganization.objects.get(org="BetaX")
    client.force_login(admin_a)
    urls = []
    for model, pk in (("city", city_b.pk), ("cityrole", member_b.pk), ("cityorganization", org_b.pk)):
        urls += [f"{ADMIN}/{model}/{pk}/change/", f"{ADMIN}/{model}/{pk}/delete/", f"{ADMIN}/{model}/{pk}/history/"]
    for url in urls:
        assert client.get(url).status_code in (403, 404), url
        assert client.post(url, {"post": "yes", "name": "Hacked"}).status_code in (403, 404), url
    assert CityRole.objects.filter(pk=member_b.pk).exists()
    city_b.refresh_from_db()
    assert city_b.name == "Beta"
    # Network managers' own table is out of reach altogether.
    assert client.get(f"{ADMIN}/networkmanager/").status_code == 403


@pytest.mark.django_db
def test_city_admin_cannot_add_a_role_in_another_city(client, admin_a, learner, city_a, city_b):
    client.force_login(admin_a)
    response = client.post(f"{ADMIN}/cityrole/add/", {"city": city_b.pk, "user": learner.pk, "role": "admin"})
    assert response.status_code == 200  # the form comes back with an error
    assert "Select a valid choice" in response.content.decode()
    assert not CityRole.objects.filter(user=learner).exists()
    response = client.post(f"{ADMIN}/cityrole/add/", {"city": city_a.pk, "user": learner.pk, "role": "core_team"})
    assert response.status_code == 302
    role = CityRole.objects.get(user=learner)
    assert (role.city, role.created_by) == (city_a, admin_a)


@pytest.mark.django_db
def test_city_admin_views_but_does_not_edit_the_city_profile(client, admin_a, city_a):
    client.force_login(admin_a)
    assert client.get(f"{ADMIN}/city/{city_a.pk}/change/").status_code == 200  # read-only view
    client.post(f"{ADMIN}/city/{city_a.pk}/change/", {"name": "Renamed", "slug": "alpha"})
    city_a.refresh_from_db()
    assert city_a.name == "Alpha"
    assert client.get(f"{ADMIN}/city/add/").status_code == 403


@pytest.mark.django_db
def test_core_team_cannot_manage_the_team(client, core_a, learner, city_a):
    client.force_login(core_a)
    assert client.get(f"{ADMIN}/cityrole/").status_code == 200
    assert client.get(f"{ADMIN}/cityrole/add/").status_code == 403


@pytest.mark.django_db
def test_network_manager_sees_everything(client, network_manager, city_a, city_b, make_user):
    client.force_login(network_manager)
    page = client.get(f"{ADMIN}/city/").content.decode()
    assert "Alpha" in page and "Beta" in page
    other = make_user("other")
    response = client.post(f"{ADMIN}/networkmanager/add/", {"user": other.pk})
    assert response.status_code == 302
    assert NetworkManager.objects.filter(user=other).exists()


@pytest.mark.django_db
def test_people_without_a_role_see_no_city_admin(client, make_user, city_a):
    staff = make_user("staffer", is_staff=True)
    client.force_login(staff)
    assert client.get(f"{ADMIN}/city/").status_code == 403
    assert "Cities of Learning" not in client.get("/admin/").content.decode()
