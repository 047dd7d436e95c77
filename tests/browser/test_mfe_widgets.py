"""
The learner dashboard's widget (slot org.openedx.frontend.learner_dashboard.widget_sidebar.v1) in Chromium, against
the live LMS host's real API through the real ``@edx/frontend-platform`` client (see ``mfe_widgets``): the latest
badges and badges under way, the empty state, and the error state when the learner is signed out or the API is
unreachable; each checked with axe.
"""
from django.contrib.auth import get_user_model

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.tenancy import api as tenancy_api
from cities_network_plugin.tenancy.models import City, CityStatus

from tests.badges.conftest import send_passing
from tests.browser.harness import DEMO_PASSWORD
from tests.browser.mfe_widgets import WIDGET, closed_port_url, mfe_origin, open_widget, settled_text  # noqa: F401

COURSE = "course-v1:AlphaX+Bikes+2026"
OTHER_COURSE = "course-v1:AlphaX+Code+2026"


def learner(username):
    return get_user_model().objects.create_user(username, f"{username}@example.com", DEMO_PASSWORD)


def badges_of(user):
    """One badge held (awarded by hand) and one under way (one of its two courses passed, through the pipeline)."""
    city = City.objects.create(slug="alpha", name="Alpha", country="LT", status=CityStatus.MEMBER,
                               timezone="Europe/Vilnius", languages=["en"])
    tenancy_api.add_organization(city, "AlphaX", "Alpha University")  # the city's badges may count its courses
    held = badges_api.create_class(city, {
        "name": "Bike mechanic", "description": "Fixes bicycles.", "criteria_narrative": "Fix three.",
        "status": "active", "groups": [{"requirements": [{"kind": "manual"}]}]})
    organiser = get_user_model().objects.create_user("organiser", "organiser@example.com", DEMO_PASSWORD)
    award = badges_api.manual_award(held, user, "Fixed three bicycles at the library.", awarded_by=organiser)
    badges_api.create_class(city, {
        "name": "Digital cyclist", "description": "Rides and codes.", "criteria_narrative": "Pass both courses.",
        "status": "active", "groups": [{"requirements": [{"kind": "course_passed", "target": COURSE}]},
                                       {"requirements": [{"kind": "course_passed", "target": OTHER_COURSE}]}]})
    send_passing(user, course=COURSE)
    return award


def test_the_learners_latest_badges_and_badges_under_way(page, live_server, mfe_origin):  # noqa: F811
    lena = learner("lena")
    award = badges_of(lena)
    page.log_in("lena", "/cities-network/badges/")
    open_widget(page, mfe_origin, widget="learner", lms=live_server.url)
    text = settled_text(page)
    assert "Latest badges" in text and "Bike mechanic" in text and "· Alpha" in text
    assert "Badges under way" in text and "Digital cyclist" in text and "1 of 2 requirements met" in text
    link = page.driver.find_element("link text", "Bike mechanic")
    assert link.get_attribute("href") == f"{live_server.url}/cities-network/badges/{award.uuid}/"
    wallet = page.driver.find_element("link text", "All my badges")
    assert wallet.get_attribute("href") == f"{live_server.url}/cities-network/badges/"
    page.check_accessibility("learner dashboard widget", WIDGET)
    page.screenshot("mfe-learner-widget", full_page=False)

    # The API takes the JWT cookies alone: without the session, the page still loads the learner's badges.
    assert page.driver.get_cookie("edx-jwt-cookie-header-payload") is not None
    page.driver.delete_cookie("sessionid")
    page.driver.refresh()
    assert "Bike mechanic" in settled_text(page)


def test_a_learner_without_badges_is_told_how_to_earn_one(page, live_server, mfe_origin):  # noqa: F811
    learner("newcomer")
    page.log_in("newcomer", "/cities-network/badges/")
    open_widget(page, mfe_origin, widget="learner", lms=live_server.url)
    text = settled_text(page)
    assert "No badges yet." in text and "All my badges" in text
    page.check_accessibility("learner dashboard widget, empty", WIDGET)


def test_the_error_state_keeps_the_wallet_link(page, live_server, mfe_origin):  # noqa: F811
    # Signed out: /login_refresh answers 401 and the API 401 (no JWT, no session).
    open_widget(page, mfe_origin, widget="learner", lms=live_server.url)
    text = settled_text(page)
    assert "Your badges could not be loaded." in text and "All my badges" in text
    page.check_accessibility("learner dashboard widget, error", WIDGET)
    # The LMS unreachable: frontend-platform retries the JWT refresh without end; the widget gives up after 15 s.
    open_widget(page, mfe_origin, widget="learner", lms=closed_port_url())
    assert "Your badges could not be loaded." in settled_text(page, seconds=40)
