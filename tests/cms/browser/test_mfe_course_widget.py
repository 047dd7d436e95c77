"""
Studio's course outline widget (slot org.openedx.frontend.authoring.course_outline_sidebar.v1) in Chromium, against
the live Studio host's real API through the real ``@edx/frontend-platform`` client (see ``tests.browser.mfe_widgets``;
the Studio host also serves the LMS's ``/login_refresh``, so one live server does): a city team member's course
with its cities, badges and "Tag cities" leading into the console; a course no badge counts yet; nothing for a
course of another city; the error state when Studio does not answer. Each state is checked with axe.
Runs on the CMS host (``--ds=tests.host.cms_settings``).
"""
import pytest
from django.contrib.auth import get_user_model
from opaque_keys.edx.keys import CourseKey

from cities_network_plugin import compat
from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.tenancy import api as tenancy_api
from cities_network_plugin.tenancy.models import City, CityRoleName, CityStatus

from tests.browser.harness import DEMO_PASSWORD
from tests.browser.mfe_widgets import WIDGET, closed_port_url, mfe_origin, open_widget, settled_text  # noqa: F401

pytestmark = pytest.mark.cms
COURSE = "course-v1:AlphaX+Bikes+2026"
NO_BADGE = "course-v1:AlphaX+Code+2026"
BETA_ONLY = "course-v1:BetaX+Secret+2026"


def city(slug, name, org):
    created = City.objects.create(slug=slug, name=name, country="LT", status=CityStatus.MEMBER,
                                  timezone="Europe/Vilnius", languages=["en"])
    tenancy_api.add_organization(created, org, f"{name} University")
    return created


@pytest.fixture
def courses():
    """Alpha's course shown in Beta too and counted by a badge; one no badge counts; one of Beta alone."""
    alpha, beta = city("alpha", "Alpha", "AlphaX"), city("beta", "Beta", "BetaX")
    for key, title in ((COURSE, "Bike repair"), (NO_BADGE, "Code club"), (BETA_ONLY, "Beta's own")):
        compat.add_demo_course(CourseKey.from_string(key), title)
        opportunities_api.sync_course(key)
    opportunities_api.set_cities(opportunities_api.sync_course(COURSE), {alpha, beta})
    mechanic = badges_api.create_class(alpha, {
        "name": "Bike mechanic", "description": "Fixes bicycles.", "criteria_narrative": "Pass the course.",
        "status": "active", "groups": [{"requirements": [{"kind": "course_passed", "target": COURSE}]}]})
    ruta = get_user_model().objects.create_user("ruta", "ruta@example.com", DEMO_PASSWORD, is_staff=True)
    tenancy_api.set_member(alpha, ruta, CityRoleName.ADMIN)
    tenancy_api.set_member(beta, ruta, CityRoleName.CORE_TEAM)
    alpha_only = get_user_model().objects.create_user("aiste", "aiste@example.com", DEMO_PASSWORD, is_staff=True)
    tenancy_api.set_member(alpha, alpha_only, CityRoleName.ADMIN)
    return {"badge": mechanic}


def show(page, live_server, origin, key, name, studio=None):
    open_widget(page, origin, widget="course", courseId=key, courseName=name, lms=live_server.url,
                studio=studio or live_server.url)


def test_the_course_outline_leads_a_city_team_into_the_console(page, live_server, mfe_origin, courses):  # noqa: F811
    page.log_in("ruta", "/cities-network/console/alpha/")
    show(page, live_server, mfe_origin, COURSE, "Bike repair")
    text = settled_text(page)
    assert "Cities of Learning" in text and "Alpha (manages the course)" in text and "Beta" in text
    assert "Bike mechanic · Alpha" in text
    link = page.driver.find_element("link text", "Bike mechanic")
    console = f"{live_server.url}/cities-network/console"
    assert link.get_attribute("href") == f"{console}/alpha/badges/{courses['badge'].uuid}/"
    assert page.driver.find_element("link text", "Alpha").get_attribute("href") == f"{console}/alpha/"
    page.check_accessibility("course outline widget", WIDGET)
    page.screenshot("mfe-course-widget", full_page=False)
    page.click_and_wait(page.driver.find_element("link text", "Tag cities"))
    assert page.path == f"/cities-network/console/courses/{COURSE}/"
    assert page.find("form input[name=cities]") is not None  # the console's form that tags the course's cities


def test_a_course_no_badge_counts_and_nothing_to_tag(page, live_server, mfe_origin, courses):  # noqa: F811
    page.log_in("aiste", "/cities-network/console/alpha/")
    show(page, live_server, mfe_origin, NO_BADGE, "Code club")
    text = settled_text(page)
    assert "No active badge counts Code club yet." in text and "The course in the city console" in text
    assert not page.find_all(".cities-network-tag")  # Alpha owns it, and Aistė works for no other city
    page.check_accessibility("course outline widget, no badge", WIDGET)


def test_another_citys_course_shows_nothing(page, live_server, mfe_origin, courses):  # noqa: F811
    page.log_in("aiste", "/cities-network/console/alpha/")
    show(page, live_server, mfe_origin, BETA_ONLY, "Beta's own")
    page.wait(lambda d: d.execute_script(
        "return performance.getEntriesByType('resource').some(e => e.name.includes('/api/v1/courses/'))"
        " && document.getElementById('sidebar').childElementCount === 0"), "the widget did not hide itself")
    assert "Beta" not in page.text("#sidebar")


def test_the_error_state_when_studio_does_not_answer(page, live_server, mfe_origin, courses):  # noqa: F811
    page.log_in("ruta", "/cities-network/console/alpha/")
    show(page, live_server, mfe_origin, COURSE, "Bike repair", studio=closed_port_url())
    text = settled_text(page)
    assert "could not be loaded" in text
    page.check_accessibility("course outline widget, error", WIDGET)
