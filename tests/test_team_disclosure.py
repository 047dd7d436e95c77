"""
Adding a person to a city's team tells the city admin no more about the account than its username: no email
address and no full name in any answer, and one message whether an address names no account or several.
"""
import pytest
from rest_framework.test import APIClient

from cities_network_plugin.tenancy import api as tenancy_api
from cities_network_plugin.tenancy.models import CityRole

TEAM = "/cities-network/api/v1/cities/alpha/team/"
SECRET_EMAIL = "ana.velosipedova@private.example"


@pytest.fixture
def api(admin_a):
    client = APIClient()
    client.force_authenticate(admin_a)
    return client


@pytest.fixture
def ana(make_user):
    return make_user("ana", email=SECRET_EMAIL, first_name="Ana", last_name="Velosipedova")


@pytest.mark.django_db
def test_adding_by_username_answers_with_the_username_only(api, ana):
    response = api.post(TEAM, {"user": "ana", "role": "core_team"}, format="json")
    assert response.status_code == 201, response.content
    body = response.content.decode()
    assert SECRET_EMAIL not in body, "the answer to adding a team member gave away the account's email address"
    assert "Velosipedova" not in body
    assert response.json()["username"] == "ana"
    for listed in (api.get(TEAM), api.get(f"{TEAM}ana/")):
        assert listed.status_code == 200
        assert SECRET_EMAIL not in listed.content.decode() and "Velosipedova" not in listed.content.decode()


@pytest.mark.django_db
def test_an_address_of_no_account_and_one_of_several_get_the_same_message(api, make_user, city_a):
    make_user("twin1", email="twin@example.org")
    make_user("twin2", email="Twin@example.org")  # email__iexact finds both
    answers = {}
    for address in ("twin@example.org", "ghost@example.org"):
        response = api.post(TEAM, {"user": address, "role": "core_team"}, format="json")
        assert response.status_code == 400
        answers[address] = [message.replace(address, "<value>") for message in response.json()["user"]]
    assert answers["twin@example.org"] == answers["ghost@example.org"], (
        "the message told an address with accounts from an address without")
    assert set(CityRole.objects.filter(city=city_a).values_list("user__username", flat=True)) == {"admin_a"}


@pytest.mark.django_db
def test_the_domain_lookup_has_one_message_for_both(make_user):
    make_user("twin1", email="twin@example.org")
    make_user("twin2", email="TWIN@example.org")
    messages = []
    for value in ("twin@example.org", "nobody@example.org", "nobody"):
        with pytest.raises(Exception) as caught:  # noqa: PT011 - Django's ValidationError, checked below
            tenancy_api.find_user(value)
        messages.append(caught.value.messages[0].replace(value, "<value>"))
    assert len(set(messages)) == 1, messages
