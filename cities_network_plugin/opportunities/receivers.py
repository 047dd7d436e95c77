"""
Receivers that keep opportunities in step with the platform. Each one checks the payload type, then queues a
task after commit; none raises into the sender (a course save in Studio must never fail because of us).
"""
import logging

from django.db.models.signals import post_save
from django.dispatch import receiver
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey
from openedx_events.content_authoring.data import ContentObjectChangedData, CourseCatalogData, CourseData
from openedx_events.content_authoring.signals import (
    CONTENT_OBJECT_ASSOCIATIONS_CHANGED,
    COURSE_CATALOG_INFO_CHANGED,
    COURSE_CREATED,
)

from ..queueing import enqueue_on_commit
from ..tenancy.models import City
from . import tasks

log = logging.getLogger(__name__)


@receiver(COURSE_CREATED, dispatch_uid="cities_network_course_created")
def course_created(signal, sender, course=None, **kwargs):  # pylint: disable=unused-argument
    """A new course in Studio: give it an opportunity if a city claims its organisation."""
    try:
        if not isinstance(course, CourseData):
            log.warning("COURSE_CREATED without CourseData (%r); ignored.", type(course).__name__)
            return
        enqueue_on_commit(tasks.sync_course_opportunity, str(course.course_key))
    except Exception:  # pylint: disable=broad-except
        log.exception("cities_network: COURSE_CREATED handling failed")


@receiver(COURSE_CATALOG_INFO_CHANGED, dispatch_uid="cities_network_course_catalog_changed")
def course_catalog_changed(signal, sender, catalog_info=None, **kwargs):  # pylint: disable=unused-argument
    """The course's name or schedule changed in Studio: the opportunity follows."""
    try:
        if not isinstance(catalog_info, CourseCatalogData):
            log.warning("COURSE_CATALOG_INFO_CHANGED without CourseCatalogData (%r); ignored.",
                        type(catalog_info).__name__)
            return
        schedule = catalog_info.schedule_data
        enqueue_on_commit(
            tasks.sync_course_opportunity, str(catalog_info.course_key), title=catalog_info.name,
            start=schedule.start.isoformat() if schedule and schedule.start else "",
            end=schedule.end.isoformat() if schedule and schedule.end else "",
            hidden=bool(catalog_info.hidden), from_catalog=True,
        )
    except Exception:  # pylint: disable=broad-except
        log.exception("cities_network: COURSE_CATALOG_INFO_CHANGED handling failed")


@receiver(CONTENT_OBJECT_ASSOCIATIONS_CHANGED, dispatch_uid="cities_network_content_tags_changed")
def content_tags_changed(signal, sender, content_object=None, **kwargs):  # pylint: disable=unused-argument
    """A course's tags changed in Studio: its cities follow the "Cities" tags. Blocks and libraries are skipped."""
    try:
        if not isinstance(content_object, ContentObjectChangedData):
            log.warning("CONTENT_OBJECT_ASSOCIATIONS_CHANGED without ContentObjectChangedData (%r); ignored.",
                        type(content_object).__name__)
            return
        if content_object.changes and "tags" not in content_object.changes:
            return
        try:
            key = CourseKey.from_string(content_object.object_id)
        except InvalidKeyError:
            return  # a block or a library item, not a course
        enqueue_on_commit(tasks.sync_course_opportunity, str(key))
    except Exception:  # pylint: disable=broad-except
        log.exception("cities_network: CONTENT_OBJECT_ASSOCIATIONS_CHANGED handling failed")


@receiver(post_save, sender=City, dispatch_uid="cities_network_city_tag")
def city_saved(sender, instance, **kwargs):  # pylint: disable=unused-argument
    """A new or renamed city: its tag in the Cities taxonomy follows."""
    if not kwargs.get("raw"):
        enqueue_on_commit(tasks.sync_city_tag, instance.pk)
