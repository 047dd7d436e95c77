"""
The course endpoint that Studio's course outline widget reads (``/cities-network/api/v1/courses/<key>/``): the
console's scope exactly (``opportunities.course_scope``), nothing of a city the caller may not see, the console's
links, and whether the caller may tag the course. The micro-frontends' JWT cookie is accepted.
"""
import pytest
from django.conf import settings
from opaque_keys.edx.keys import CourseKey
from rest_framework.test import APIClient

from cities_network_plugin import compat
from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.opportunities import api as opportunities_api

from .console_data import badge, url
from tests.host.platform_standin import jwt_cookies

pytestmark = [pytest.mark.cms, pytest.mark.django_db]
KEY = "course-v1:AlphaX+Bikes+2026"
BETA_KEY = "course-v1:BetaX+Code+2026"
HOST = "http://testserver"


def endpoint(key=KEY):
    return url("api-v1-course", key)


def passing(key):
    return [{"requirements": [{"kind": "course_passed", "target": key}]}]


@pytest.fixture
def alpha_course(city_a, city_b):
    """Alpha's course, shown in Beta too, counted by an Alpha badge, a Beta badge and a network badge."""
    compat.add_demo_course(CourseKey.from_string(KEY), "Bike repair")
    opportunity = opportunities_api.sync_course(KEY)
    opportunities_api.set_cities(opportunity, {city_a, city_b})
    return {
        "alpha": badge(city_a, "Bike mechanic", groups=passing(KEY)),
        "beta": badge(city_b, "Beta cyclist", groups=passing(KEY)),
        "draft": badge(city_a, "Draft mechanic", status="draft", groups=passing(KEY)),
        "network": badges_api.create_class(None, {
            "name": "Network rider", "description": "Rides.", "criteria_narrative": "Ride.", "status": "active",
            "groups": passing(KEY)}),
    }


def get(user, key=KEY):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client.get(endpoint(key))


def test_a_city_admin_sees_their_citys_side_of_the_course(admin_a, alpha_course):
    response = get(admin_a)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["course_key"] == KEY and body["title"] == "Bike repair"
    assert body["cities"] == [{"slug": "alpha", "name": "Alpha", "owner": True,
                               "console_url": HOST + url("console-dashboard", "alpha")}]
    assert [(b["name"], b["issuer"]) for b in body["badges"]] == [("Bike mechanic", "Alpha"),
                                                                 ("Network rider", settings.CITIES_NETWORK_NAME)]
    alpha_badge, network_badge = body["badges"]
    assert alpha_badge["console_url"] == HOST + url("console-badge", "alpha", alpha_course["alpha"].uuid)
    assert network_badge["console_url"] is None  # the network's badges have no console page
    assert body["console_url"] == HOST + url("console-course", KEY)
    # Alpha owns the course and always shows it, and admin_a works for no other city: nothing to tag.
    assert body["can_tag"] is False and body["tag_url"] is None


def test_nothing_of_a_city_the_caller_may_not_see(admin_a, alpha_course):
    text = get(admin_a).content.decode()
    assert "Beta" not in text and "beta" not in text
    assert str(alpha_course["beta"].uuid) not in text and "Draft mechanic" not in text


def test_a_member_of_another_city_of_the_course_may_tag_it(both, alpha_course):
    body = get(both).json()
    assert [city["slug"] for city in body["cities"]] == ["alpha", "beta"]
    assert [city["owner"] for city in body["cities"]] == [True, False]
    assert {b["name"] for b in body["badges"]} == {"Bike mechanic", "Beta cyclist", "Network rider"}
    assert body["can_tag"] is True
    assert body["tag_url"] == HOST + url("console-course", KEY) + "#cities-heading"


def test_a_network_manager_sees_every_city_and_may_tag(network_manager, alpha_course):
    body = get(network_manager).json()
    assert [city["slug"] for city in body["cities"]] == ["alpha", "beta"]
    assert len(body["badges"]) == 3 and body["can_tag"] is True


def test_an_attackers_course_key_of_another_city_is_not_found(admin_b, city_a, city_b):
    """admin_b (Beta) asks for Alpha's course, shown in Alpha only: the same 404 as for no course at all."""
    compat.add_demo_course(CourseKey.from_string(KEY), "Bike repair")
    opportunities_api.sync_course(KEY)
    badge(city_a, "Bike mechanic", groups=passing(KEY))
    answers = [get(admin_b, key) for key in (KEY, "course-v1:AlphaX+Nothing+2026", "not-a-course-key")]
    assert [answer.status_code for answer in answers] == [404, 404, 404]
    assert answers[0].content == answers[1].content
    assert b"Alpha" not in answers[0].content and b"Bike" not in answers[0].content


def test_a_course_of_a_city_without_an_opportunity_yet(admin_b, city_b):
    """Before the course has an opportunity, the city owning its organisation sees it, as in the console."""
    compat.add_demo_course(CourseKey.from_string(BETA_KEY), "Code club")
    body = get(admin_b, BETA_KEY).json()
    assert body["title"] == "Code club" and [city["slug"] for city in body["cities"]] == ["beta"]
    assert body["badges"] == [] and body["can_tag"] is False


def test_learners_and_the_signed_out_get_nothing(learner, alpha_course):
    assert get(learner).status_code == 404
    assert get(None).status_code in (401, 403)


def jwt_cookie_client(user, forge=False) -> APIClient:
    """A client holding the two JWT cookies the platform sets (``tests.host.platform_standin.jwt_cookies``)."""
    client = APIClient()
    header_and_payload, _, signature = jwt_cookies.create_jwt(user, 300).rpartition(".")
    client.cookies["edx-jwt-cookie-header-payload"] = header_and_payload
    client.cookies["edx-jwt-cookie-signature"] = signature[::-1] if forge else signature
    return client


def test_the_micro_frontends_jwt_cookies_are_accepted(admin_a, alpha_course):
    """What ``getAuthenticatedHttpClient`` sends: the split JWT cookies and USE-JWT-COOKIE, no session."""
    response = jwt_cookie_client(admin_a).get(endpoint(), HTTP_USE_JWT_COOKIE="true")
    assert response.status_code == 200, response.content
    assert response.json()["cities"][0]["slug"] == "alpha"
    assert jwt_cookie_client(admin_a, forge=True).get(endpoint(), HTTP_USE_JWT_COOKIE="true").status_code == 401
