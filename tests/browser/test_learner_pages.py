"""
A learner in the browser: a badge earned through a real completion event shows in the wallet as valid, its public
page says so to anyone with the link, and a city's public page lists what the city offers.
"""
from django.contrib.auth import get_user_model

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges.models import Award
from cities_network_plugin.demo.badges import svg_badge
from cities_network_plugin.tenancy.models import City

from tests.badges.conftest import send_passing

COURSE = "course-v1:VilniusX+CityCycling+2026"
BADGE = "City cyclist"


def test_wallet_shows_a_badge_earned_through_a_completion_event(page, demo_network):
    learner = get_user_model().objects.get(username="learner")
    badge_class = badges_api.create_class(City.objects.get(slug="vilnius"), {
        "name": BADGE, "description": "Rides safely through the city's traffic.",
        "criteria_narrative": "Pass the course 'Cycling in the city'.", "status": "active",
        "groups": [{"requirements": [{"kind": "course_passed", "target": COURSE}]}]})
    badges_api.set_image(badge_class, svg_badge("CC", "#0a3d62"), filename="cyclist.svg")

    # What the LMS sends when the learner passes; the host runs the pipeline's task eagerly, and after commit
    # (the test is transactional, so the commit is real).
    send_passing(learner, course=COURSE)
    award = Award.objects.get(user=learner, badge_class=badge_class)

    page.log_in("learner", "/cities-network/badges/", check_accessibility=True)
    card = next(card for card in page.find_all(".badge-card") if BADGE in card.text)
    assert "Valid" in card.find_element("css selector", ".status").text
    page.check_accessibility("wallet")
    page.screenshot("wallet")

    # The shared link, as an employer opens it: no sign-in needed.
    page.driver.delete_all_cookies()
    page.open(f"/cities-network/badges/{award.uuid}/")
    assert page.text("main h1") == BADGE
    assert "This badge is valid." in page.text("main")
    page.check_accessibility("public award page")
    page.screenshot("award-public")


def test_city_page_lists_the_city_offer(page, demo_network):
    page.open("/cities-network/c/vilnius/")
    assert "Vilnius" in page.text("main h1")
    assert page.find_all(".cards > .card"), "the city page lists no opportunity"
    page.check_accessibility("city page")
    page.screenshot("city-page")
