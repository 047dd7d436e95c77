"""The course view of the console: a course's cities (written back as Studio tags) and the badges it counts."""
import pytest
from django.apps import apps
from opaque_keys.edx.keys import CourseKey

from cities_network_plugin import compat
from cities_network_plugin.console import studio_link
from cities_network_plugin.opportunities import api as opportunities_api
from cities_network_plugin.opportunities import tagging
from cities_network_plugin.opportunities.models import Opportunity

from .console_data import badge, errors_of, opportunity, playlist, url

pytestmark = [pytest.mark.cms, pytest.mark.django_db]
KEY = "course-v1:AlphaX+Bikes+2026"
TAGGING = apps.is_installed("openedx_tagging")


def course(key=KEY, title="Bike repair"):
    return compat.add_demo_course(CourseKey.from_string(key), title)


def tags_of(key):
    from openedx_tagging import api as tagging_api  # pylint: disable=import-outside-toplevel

    return sorted(tag.value for tag in tagging_api.get_object_tags(key, taxonomy_id=tagging.get_taxonomy().pk))


def test_the_course_console_url_is_what_studio_links_to():
    assert studio_link.course_console_url(KEY) == f"/cities-network/console/courses/{KEY}/"
    assert url("console-course", KEY) == studio_link.course_console_url(KEY)
    assert studio_link.studio_outline_url(KEY) == f"/course/{KEY}"


def test_changing_a_courses_cities_writes_the_studio_tags_back(client, both, city_a, city_b):
    if TAGGING:
        tagging.ensure_taxonomy()
    course()
    existing = opportunities_api.sync_course(KEY)
    assert set(existing.cities.all()) == {city_a}
    client.force_login(both)
    page = client.get(url("console-course", KEY))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bike repair" in html and "Managed by Alpha" in html and f'value="{city_b.pk}"' in html
    assert f'value="{city_a.pk}"' not in html  # the owner always stays: no box to untick
    response = client.post(url("console-course", KEY), {"cities": [city_b.pk]}, follow=True)
    assert "The cities of the course were saved." in response.content.decode()
    assert set(Opportunity.objects.get(course_key=KEY).cities.all()) == {city_a, city_b}
    if TAGGING:
        assert tags_of(KEY) == ["Alpha", "Beta"]
    response = client.post(url("console-course", KEY), {})
    assert response.status_code == 302
    assert set(Opportunity.objects.get(course_key=KEY).cities.all()) == {city_a}
    if TAGGING:
        assert tags_of(KEY) == ["Alpha"]


def test_a_course_without_an_opportunity_gets_one(client, both, city_a, city_b):
    if TAGGING:
        tagging.ensure_taxonomy()
    course()
    assert not Opportunity.objects.exists()
    client.force_login(both)
    response = client.post(url("console-course", KEY), {"cities": [city_b.pk]})
    assert response.status_code == 302
    created = Opportunity.objects.get(course_key=KEY)
    assert (created.city, created.title, created.status) == (city_a, "Bike repair", "draft")
    assert set(created.cities.all()) == {city_a, city_b}
    if TAGGING:
        assert tags_of(KEY) == ["Alpha", "Beta"]


def test_a_course_no_city_claims_is_for_network_managers_and_needs_a_city(client, network_manager, admin_a, city_a):
    free = "course-v1:FreeX+Open+2026"
    course(free, "Open course")
    client.force_login(admin_a)
    assert client.get(url("console-course", free)).status_code == 404
    assert client.post(url("console-course", free), {"cities": [city_a.pk]}).status_code == 404
    assert not Opportunity.objects.exists()
    client.force_login(network_manager)
    response = client.post(url("console-course", free), {})
    assert response.status_code == 400
    assert errors_of(response, "id_cities") == ["Choose at least one city to show the course in."]
    assert not Opportunity.objects.exists()
    assert client.post(url("console-course", free), {"cities": [city_a.pk]}).status_code == 302
    assert Opportunity.objects.get(course_key=free).city == city_a


def test_another_citys_course_is_not_found(client, admin_a, city_a, city_b):
    course("course-v1:BetaX+Code+2026", "Code club")
    opportunities_api.sync_course("course-v1:BetaX+Code+2026")
    client.force_login(admin_a)
    assert client.get(url("console-course", "course-v1:BetaX+Code+2026")).status_code == 404
    assert client.post(url("console-course", "course-v1:BetaX+Code+2026"), {"cities": [city_a.pk]}).status_code == 404
    assert set(Opportunity.objects.get().cities.all()) == {city_b}
    assert client.get(url("console-course", "not-a-course-key")).status_code == 404
    assert client.get(url("console-course", "course-v1:AlphaX+Nothing+2026")).status_code == 404


def test_the_course_page_lists_the_badges_it_counts_towards(client, admin_a, city_a):
    course()
    backed = opportunities_api.sync_course(KEY)
    route = playlist(city_a, [backed], title="Cycling basics")
    other = opportunity(city_a, "Unrelated event")
    badge(city_a, "Passed it", groups=[{"requirements": [{"kind": "course_passed", "target": KEY}]}])
    badge(city_a, "Attended it",
          groups=[{"requirements": [{"kind": "opportunity_attended", "target": str(backed.uuid)}]}])
    badge(city_a, "Whole route", groups=[{"requirements": [{"kind": "playlist_completed", "target": str(route.uuid)}]}])
    badge(city_a, "Draft one", status="draft", groups=[{"requirements": [{"kind": "course_passed", "target": KEY}]}])
    badge(city_a, "Elsewhere",
          groups=[{"requirements": [{"kind": "opportunity_attended", "target": str(other.uuid)}]}])
    client.force_login(admin_a)
    html = client.get(url("console-course", KEY)).content.decode()
    section = html.split("Badges it counts towards", 1)[1]
    for name in ("Passed it", "Attended it", "Whole route"):
        assert name in section
    assert "Draft one" not in section and "Elsewhere" not in section
    assert "Complete the playlist “Cycling basics”" in section


def test_the_courses_page_lists_the_citys_courses(client, admin_a, city_a):
    course()
    course("course-v1:AlphaX+Code+2026", "Code club")
    opportunities_api.sync_course(KEY)
    client.force_login(admin_a)
    html = client.get(url("console-courses", "alpha")).content.decode()
    assert f'href="{url("console-course", KEY)}"' in html
    assert f'href="{url("console-course", "course-v1:AlphaX+Code+2026")}"' in html
    assert "Code club" in html and "not yet" in html and f'href="/course/{KEY}"' in html
