"""The Cities taxonomy of the real openedx_tagging app, kept in sync both ways, and the Studio receivers."""
import datetime
import io

import pytest
from django.core.management import call_command
from opaque_keys.edx.keys import CourseKey
from openedx_events.content_authoring.data import (
    ContentObjectChangedData,
    CourseCatalogData,
    CourseData,
    CourseScheduleData,
)
from openedx_events.content_authoring.signals import (
    CONTENT_OBJECT_ASSOCIATIONS_CHANGED,
    COURSE_CATALOG_INFO_CHANGED,
    COURSE_CREATED,
)

from cities_network_plugin.opportunities import api, tagging
from cities_network_plugin.opportunities.models import Opportunity
from cities_network_plugin.tenancy.models import City

from tests.host.platform_standin.models import StandinCourse

pytest.importorskip("openedx_tagging")
from openedx_tagging import api as tagging_api  # noqa: E402
from openedx_tagging.models import Tag  # noqa: E402

KEY = "course-v1:AlphaX+Bikes+2026"


@pytest.fixture
def taxonomy(city_a, city_b):
    taxonomy, _ = tagging.ensure_taxonomy()
    return taxonomy


@pytest.mark.django_db
def test_ensure_taxonomy_is_idempotent_and_follows_renames(city_a, city_b):
    out = io.StringIO()
    call_command("cities_network_ensure_taxonomy", stdout=out)
    assert "has 2 city tags; 2 added or renamed" in out.getvalue()
    call_command("cities_network_ensure_taxonomy", stdout=out)
    assert "has 2 city tags; 0 added or renamed" in out.getvalue()
    taxonomy = tagging.get_taxonomy()
    assert (taxonomy.name, taxonomy.allow_free_text, taxonomy.allow_multiple) == ("Cities", False, True)
    city_a.name = "Alpha City"
    city_a.save()
    assert tagging.sync_city_tag(city_a) == 1
    assert Tag.objects.get(taxonomy=taxonomy, external_id="alpha").value == "Alpha City"


@pytest.mark.django_db
def test_new_and_renamed_cities_get_their_tag_after_commit(taxonomy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        city = City.objects.create(slug="gamma", name="Gamma", country="PT")
    assert Tag.objects.get(taxonomy=taxonomy, external_id="gamma").value == "Gamma"
    with django_capture_on_commit_callbacks(execute=True):
        city.name = "Gamma Town"
        city.save()
    assert Tag.objects.get(taxonomy=taxonomy, external_id="gamma").value == "Gamma Town"


@pytest.mark.django_db
def test_studio_tags_set_the_course_cities(taxonomy, city_a, city_b, django_capture_on_commit_callbacks):
    StandinCourse.objects.create(course_key=KEY, display_name="Bikes", org="AlphaX")
    with django_capture_on_commit_callbacks(execute=True):
        # What Studio does when an author tags the course: tag it, then announce the change.
        tagging_api.tag_object(KEY, taxonomy, ["Beta"])
        CONTENT_OBJECT_ASSOCIATIONS_CHANGED.send_event(
            content_object=ContentObjectChangedData(object_id=KEY, changes=["tags"]))
    opportunity = Opportunity.objects.get(course_key=KEY)
    assert set(opportunity.cities.all()) == {city_a, city_b}  # the org's city and the tagged one
    with django_capture_on_commit_callbacks(execute=True):
        tagging_api.tag_object(KEY, taxonomy, [])
        CONTENT_OBJECT_ASSOCIATIONS_CHANGED.send_event(content_object=ContentObjectChangedData(object_id=KEY))
    assert list(opportunity.cities.all()) == [city_a]


@pytest.mark.django_db
def test_our_city_changes_are_written_back_to_studio(taxonomy, city_a, city_b, django_capture_on_commit_callbacks):
    opportunity = api.create_opportunity(city_a, {"title": "Bikes", "course_key": KEY})
    with django_capture_on_commit_callbacks(execute=True):
        api.set_cities(opportunity, [city_b])
    values = sorted(t.value for t in tagging_api.get_object_tags(KEY, taxonomy_id=taxonomy.pk))
    assert values == ["Alpha", "Beta"]
    assert set(opportunity.cities.all()) == {city_a, city_b}


@pytest.mark.django_db
def test_block_and_library_tags_are_ignored(taxonomy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        CONTENT_OBJECT_ASSOCIATIONS_CHANGED.send_event(content_object=ContentObjectChangedData(
            object_id="block-v1:AlphaX+Bikes+2026+type@vertical+block@abc", changes=["tags"]))
        CONTENT_OBJECT_ASSOCIATIONS_CHANGED.send_event(content_object=ContentObjectChangedData(
            object_id=KEY, changes=["collections"]))
    assert not Opportunity.objects.exists()


@pytest.mark.django_db
def test_course_created_and_catalog_changes_sync_the_opportunity(city_a, django_capture_on_commit_callbacks):
    key = CourseKey.from_string(KEY)
    StandinCourse.objects.create(course_key=KEY, display_name="Bikes", org="AlphaX")
    with django_capture_on_commit_callbacks(execute=True):
        COURSE_CREATED.send_event(course=CourseData(course_key=key))
    assert Opportunity.objects.get(course_key=KEY).title == "Bikes"
    start = datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC)
    with django_capture_on_commit_callbacks(execute=True):
        COURSE_CATALOG_INFO_CHANGED.send_event(catalog_info=CourseCatalogData(
            course_key=key, name="Bicycle repair", schedule_data=CourseScheduleData(start=start, pacing="self"),
            hidden=False))
    opportunity = Opportunity.objects.get(course_key=KEY)
    assert (opportunity.title, opportunity.start) == ("Bicycle repair", start)


@pytest.mark.django_db
def test_a_broken_payload_never_reaches_the_sender(city_a, caplog):
    # A receiver gets the wrong data type: it logs and returns; Studio's request goes on.
    from cities_network_plugin.opportunities import receivers  # pylint: disable=import-outside-toplevel

    receivers.course_catalog_changed(signal=None, sender=None, catalog_info={"course_key": "x"})
    receivers.content_tags_changed(signal=None, sender=None, content_object="course-v1:AlphaX+B+1")
    assert "without CourseCatalogData" in caplog.text
    assert "without ContentObjectChangedData" in caplog.text
    assert not Opportunity.objects.exists()


def test_without_openedx_tagging_the_feature_is_off(monkeypatch, caplog):
    from django.apps import apps  # pylint: disable=import-outside-toplevel

    monkeypatch.setattr(apps, "is_installed", lambda name: False)
    tagging._warned.cache_clear()  # pylint: disable=protected-access
    caplog.set_level("INFO", logger="cities_network_plugin")
    assert tagging.available() is False
    assert tagging.get_taxonomy() is None
    assert tagging.cities_tagged_on(KEY) == set()
    assert tagging.available() is False
    assert caplog.text.count("openedx_tagging is not installed") == 1  # said once
