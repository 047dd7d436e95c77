"""
Once a badge class has awards its issuer is fixed: the Open Badges documents of past awards name that issuer, and
moving the class would re-attribute credentials already issued (a network manager could make Alpha's badges the
network's, or Beta's). The admin refuses the change on the form with nothing saved, the API refuses a body naming
another issuer (it never moves a class), and the console has no way to move one.
"""
import pytest
from rest_framework.test import APIClient

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges.models import Award, BadgeClass
from cities_network_plugin.console import forms_badges

from tests.test_admin_references import ADMIN, MANUAL, WORDS, class_form, errors_in

pytestmark = pytest.mark.django_db
FIXED = ("This badge class has been awarded, so its issuer cannot change: the credentials already issued name it. "
         "Make a new badge class for the other issuer.")
API = "/cities-network/api/v1/cities/alpha/badges/"


@pytest.fixture
def held(city_a, admin_a, learner):
    badge = badges_api.create_class(city_a, {**WORDS, "status": "active", "groups": MANUAL})
    badges_api.manual_award(badge, learner, "Helped.", awarded_by=admin_a)
    return badge


def assert_unmoved(badge, city, name="Helper"):
    badge.refresh_from_db()
    assert (badge.issuer_city, badge.name) == (city, name)
    assert {award.badge_class.issuer_city for award in Award.objects.filter(badge_class=badge)} <= {city}


@pytest.mark.parametrize(("who", "to"), [("network_manager", None), ("network_manager", "city_b"), ("both", "city_b")])
def test_the_admin_refuses_to_move_a_held_class(request, client, held, city_a, who, to):
    client.force_login(request.getfixturevalue(who))
    issuer = request.getfixturevalue(to) if to else None
    response = client.post(f"{ADMIN}/badgeclass/{held.pk}/change/", class_form(issuer, name="Moved",
                                                                               status="active"))
    assert FIXED in errors_in(response).replace("&#x27;", "'")
    assert_unmoved(held, city_a)


def test_the_admin_saves_a_held_class_that_keeps_its_issuer(client, network_manager, held, city_a):
    client.force_login(network_manager)
    response = client.post(f"{ADMIN}/badgeclass/{held.pk}/change/", class_form(city_a, name="Helper of the year",
                                                                               status="active"))
    assert response.status_code == 302, errors_in(response)
    assert_unmoved(held, city_a, "Helper of the year")


def test_the_admin_still_moves_a_class_nobody_holds(client, network_manager, city_a, city_b):
    draft = badges_api.create_class(city_a, {**WORDS, "groups": MANUAL})
    client.force_login(network_manager)
    response = client.post(f"{ADMIN}/badgeclass/{draft.pk}/change/", class_form(city_b))
    assert response.status_code == 302, errors_in(response)
    draft.refresh_from_db()
    assert draft.issuer_city == city_b


@pytest.fixture
def api(admin_a):
    client = APIClient()
    client.force_authenticate(admin_a)
    return client


@pytest.mark.parametrize("issuer", ["beta", None, ""])
def test_the_api_refuses_a_body_that_moves_a_held_class(api, held, city_a, city_b, issuer):  # noqa: ARG001
    response = api.patch(f"{API}{held.uuid}/", {"issuer": issuer, "name": "Moved"}, format="json")
    assert response.status_code == 400, response.content
    assert response.json() == {"issuer": [FIXED]}
    assert_unmoved(held, city_a)


def test_the_api_refuses_a_body_that_moves_a_class_nobody_holds(api, city_a, city_b):  # noqa: ARG001
    draft = badges_api.create_class(city_a, {**WORDS, "groups": MANUAL})
    response = api.patch(f"{API}{draft.uuid}/", {"issuer": "beta"}, format="json")
    assert response.status_code == 400, response.content
    assert response.json() == {"issuer": [
        "The API does not move a badge class to another issuer; a network manager can, in the Django admin, "
        "while nobody holds it."]}
    assert_unmoved(draft, city_a)


def test_the_api_takes_the_issuer_it_answered_sent_back(api, held, city_a):
    body = api.get(f"{API}{held.uuid}/").json()
    response = api.patch(f"{API}{held.uuid}/", {"issuer": body["issuer"], "name": "Helper of the year"},
                         format="json")
    assert response.status_code == 200, response.content
    assert_unmoved(held, city_a, "Helper of the year")


def test_the_console_has_no_way_to_move_a_class():
    assert not {"issuer", "issuer_city"} & set(forms_badges.BadgeClassForm.base_fields)
    assert not BadgeClass.objects.exists()
