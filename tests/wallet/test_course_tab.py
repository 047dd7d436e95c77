"""
The "Badges" course tab, listed the way the LMS lists a course's tabs (``platform_standin.tabs``, after
``lms/djangoapps/courseware/tabs.py``): stored tabs plus the dynamic tab types of the ``openedx.course_tab`` entry
point, each kept when enabled for the learner.
"""
from importlib.metadata import entry_points

import pytest
from django.test import override_settings

from cities_network_plugin.badges.models import BadgeClass
from cities_network_plugin.course_tab import CityBadgesTab
from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.opportunities.models import Playlist

from tests.badges.conftest import COURSE
from tests.host.platform_standin import tabs
from tests.host.platform_standin.models import StandinCourse, StandinCourseStaff, StandinEnrollment

OTHER = "course-v1:AlphaX+Pottery+2026"
TAB = "cities_network_badges"


@pytest.fixture
def courses(db):  # pylint: disable=unused-argument
    for key, title in ((COURSE, "Bike repair"), (OTHER, "Pottery")):
        StandinCourse.objects.create(course_key=key, display_name=title, org="AlphaX")
    return tabs.course_overview(COURSE), tabs.course_overview(OTHER)


@pytest.fixture
def counting(make_class):
    """An active badge that counts the bike course (passing it)."""
    return make_class([{"requirements": [{"kind": "course_passed", "target": COURSE}]}])


def listed(user, course) -> list[str]:
    return [tab.type for tab in tabs.get_course_tab_list(user, course)]


@pytest.mark.django_db
def test_the_lms_lists_the_tab_for_enrolled_learners_where_a_badge_counts(client, learner, courses, counting):
    bikes, pottery = courses
    [entry] = [e for e in entry_points(group="openedx.course_tab") if e.name == TAB]
    assert entry.load() is CityBadgesTab
    StandinEnrollment.objects.create(user=learner, course_key=COURSE)
    StandinEnrollment.objects.create(user=learner, course_key=OTHER)
    assert listed(learner, bikes) == [TAB]
    assert listed(learner, pottery) == []  # no badge counts it
    [shown] = tabs.serialize(tabs.get_course_tab_list(learner, bikes), bikes)
    assert shown == {"tab_id": TAB, "title": "Badges", "url": f"/cities-network/courses/{COURSE}/badges/"}
    client.force_login(learner)
    assert "Bike mechanic" in client.get(shown["url"]).content.decode()


@pytest.mark.django_db
def test_the_tab_follows_the_platforms_enrolled_tab(learner, make_user, courses, counting):
    """As ``EnrolledTab``: enrolled learners and the course's staff, not visitors or other learners."""
    from django.contrib.auth.models import AnonymousUser  # pylint: disable=import-outside-toplevel

    bikes, _ = courses
    assert listed(AnonymousUser(), bikes) == [] and listed(None, bikes) == []
    assert listed(learner, bikes) == []  # not enrolled
    StandinEnrollment.objects.create(user=learner, course_key=COURSE, is_active=False)
    assert listed(learner, bikes) == []  # unenrolled
    staff = make_user("teacher")
    StandinCourseStaff.objects.create(user=staff, course_key=COURSE)
    assert listed(staff, bikes) == [TAB]
    assert listed(make_user("admin", is_staff=True), bikes) == [TAB]  # global staff have staff access everywhere


@pytest.mark.django_db
def test_a_badge_counting_the_course_through_its_opportunity_or_a_playlist_shows_the_tab(
        learner, city_a, courses, make_class):
    """The tab appears where the course's badge page has something to show (``classes_counting_course``)."""
    bikes, pottery = courses
    StandinEnrollment.objects.create(user=learner, course_key=COURSE)
    StandinEnrollment.objects.create(user=learner, course_key=OTHER)
    repair = opportunities_api.create_opportunity(city_a, {"title": "Bike repair", "course_key": COURSE,
                                                           "status": "published"})
    wheel = opportunities_api.create_opportunity(city_a, {"title": "Pottery", "course_key": OTHER,
                                                          "status": "published"})
    visitor = make_class([{"requirements": [{"kind": "opportunity_attended", "target": str(repair.uuid)}]}],
                         name="Visitor")
    playlist = Playlist.objects.create(city=city_a, title="Makers", status="published")
    opportunities_api.set_playlist_items(playlist, [(wheel, True)])
    make_class([{"requirements": [{"kind": "playlist_completed", "target": str(playlist.uuid)}]}], name="Maker")
    assert listed(learner, bikes) == [TAB] and listed(learner, pottery) == [TAB]
    BadgeClass.objects.filter(pk=visitor.pk).update(status="archived")
    assert listed(learner, bikes) == []  # only active badges count


@pytest.mark.django_db
def test_a_copy_stored_in_the_course_by_an_earlier_release_does_not_show_the_tab_twice(learner, courses, counting):
    """Studio stored plugin tabs that were not dynamic when an author saved the advanced settings."""
    StandinCourse.objects.filter(course_key=COURSE).update(tabs=[{"type": TAB, "name": "Badges"}])
    StandinEnrollment.objects.create(user=learner, course_key=COURSE)
    bikes = tabs.course_overview(COURSE)
    assert [tab.type for tab in bikes.tabs] == [TAB]
    assert listed(learner, bikes) == [TAB]


@pytest.mark.django_db
def test_the_operator_may_show_the_tab_in_every_course(learner, courses):
    bikes, pottery = courses
    StandinEnrollment.objects.create(user=learner, course_key=OTHER)
    with override_settings(CITIES_NETWORK_COURSE_TAB_ALWAYS=True):
        assert listed(learner, pottery) == [TAB]
        assert listed(learner, bikes) == []  # still for enrolled learners only


@pytest.mark.django_db
def test_the_tab_costs_two_short_queries_of_ours(learner, courses, counting, django_assert_num_queries):
    """It runs on every course page for every learner: the enrollment check (the platform's) and ours."""
    bikes, _ = courses
    StandinEnrollment.objects.create(user=learner, course_key=COURSE)
    with django_assert_num_queries(3):  # the enrollment, the course's opportunity and playlists, the badges
        assert CityBadgesTab.is_enabled(bikes, user=learner)
    with override_settings(CITIES_NETWORK_COURSE_TAB_ALWAYS=True), django_assert_num_queries(1):
        assert CityBadgesTab.is_enabled(bikes, user=learner)
