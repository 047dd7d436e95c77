"""
The console's badge pages hold the domain's rule on requirement targets (badges.targets): a typed course key of
another city's organisation is refused, titles are looked up within what the city may use, and a new version that
cannot be made is said so, not a 500.
"""
import pytest

from cities_network_plugin.badges import api as badges_api
from cities_network_plugin.badges.models import BadgeClass, Requirement, RequirementGroup

from .console_data import badge, opportunity, url
from .test_console_badges import badge_form

pytestmark = [pytest.mark.cms, pytest.mark.django_db]


def test_a_typed_course_key_of_another_citys_organisation_is_refused(client, admin_a, city_a, city_b):
    client.force_login(admin_a)
    form = badge_form(**{"requirements-0-kind": "course_passed",
                         "requirements-0-course_key": "course-v1:BetaX+Secret+2026"})
    response = client.post(url("console-badge-new", "alpha"), form)
    assert response.status_code == 400
    assert ("Group 1, requirement 1: There is no course &#x27;course-v1:BetaX+Secret+2026&#x27; that Alpha may use."
            in response.content.decode())
    assert not BadgeClass.objects.exists()


def test_requirement_titles_are_those_the_city_may_see(client, admin_a, learner, city_a, city_b):
    secret = opportunity(city_b, "Beta's secret draft", status="draft")
    mine = badge(city_a)
    # Written before the rule: a requirement of Alpha's badge pointing at Beta's draft.
    Requirement.objects.create(group=RequirementGroup.objects.create(badge_class=mine, position=1),
                               kind="opportunity_attended", target=str(secret.uuid))
    client.force_login(admin_a)
    for page in (url("console-badges", "alpha"), url("console-dashboard", "alpha")):
        text = client.get(page).content.decode()
        assert f"(missing: {secret.uuid})" in text and "secret draft" not in text, page
    # The editor offers the city's own targets and shows the old one by its id alone.
    text = client.get(url("console-badge", "alpha", mine.uuid)).content.decode()
    assert str(secret.uuid) in text and "secret draft" not in text
    # Nor is it carried into a new version: the console says why, and makes none.
    badges_api.manual_award(mine, learner, "Helped.", awarded_by=admin_a)
    response = client.post(url("console-badge-new-version", "alpha", mine.uuid), follow=True)
    assert response.redirect_chain == [(url("console-badge", "alpha", mine.uuid), 302)]
    assert "that Alpha may use" in response.content.decode()
    assert BadgeClass.objects.count() == 1


def test_a_second_new_version_is_said_so(client, admin_a, learner, city_a):
    mine = badge(city_a)
    badges_api.manual_award(mine, learner, "Helped.", awarded_by=admin_a)
    client.force_login(admin_a)
    client.post(url("console-badge-new-version", "alpha", mine.uuid))
    response = client.post(url("console-badge-new-version", "alpha", mine.uuid), follow=True)
    assert response.redirect_chain == [(url("console-badge", "alpha", mine.uuid), 302)]
    assert "Version 2 of this badge exists already" in response.content.decode()
    assert BadgeClass.objects.filter(previous_version=mine).count() == 1
