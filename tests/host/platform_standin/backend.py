"""The ``compat`` backend the test host and the demo use in place of edx-platform."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import Q
from opaque_keys.edx.keys import CourseKey

from cities_network_plugin.compat import CourseInfo, CourseOutcome, read_course_outcomes

from .models import (
    StandinCertificate,
    StandinCourse,
    StandinCourseGrade,
    StandinCourseStaff,
    StandinEnrollment,
    StandinUserPreference,
)


def _info(course: StandinCourse) -> CourseInfo:
    return CourseInfo(
        course_key=CourseKey.from_string(course.course_key),
        display_name=course.display_name,
        org=course.org,
        start=course.start,
        end=course.end,
    )


class StandinBackend:
    """Answers from the stand-in tables, with the same signatures as ``EdxPlatformBackend``."""

    def get_course(self, course_key: CourseKey) -> CourseInfo | None:
        course = StandinCourse.objects.filter(course_key=str(course_key)).first()
        return _info(course) if course else None

    def list_courses(self, orgs: Iterable[str] | None = None) -> list[CourseInfo]:
        """
        Organisations compared case-insensitively, as ``CourseOverview.get_all_courses`` does (one ``org__iexact``
        per org, ``openedx/core/djangoapps/content/course_overviews/models.py``); no organisations, no courses.
        """
        courses = StandinCourse.objects.order_by("course_key")
        if orgs is not None:
            matching = Q(pk__in=[])
            for org in orgs:
                matching |= Q(org__iexact=org)
            courses = courses.filter(matching)
        return [_info(course) for course in courses]

    def add_course(self, course_key: CourseKey, display_name: str, start=None, end=None) -> CourseInfo:
        """Create or update a course (the demo's way of having courses without Studio)."""
        course, _ = StandinCourse.objects.update_or_create(
            course_key=str(course_key),
            defaults={"display_name": display_name, "org": course_key.org, "start": start, "end": end},
        )
        return _info(course)

    def create_taxonomy(self, name: str, description: str, export_id: str):
        """Studio's wrapper also opens the taxonomy to every organisation; the stand-in has no org rules."""
        from openedx_tagging import api as tagging_api  # pylint: disable=import-outside-toplevel

        return tagging_api.create_taxonomy(name=name, description=description, allow_multiple=True,
                                           allow_free_text=False, export_id=export_id)

    def tag_object(self, object_id: str, taxonomy, values: list[str]) -> None:
        """Tag through openedx_tagging and announce it, as Studio's tagging views do."""
        from openedx_events.content_authoring.data import ContentObjectChangedData  # pylint: disable=import-outside-toplevel
        from openedx_events.content_authoring.signals import (  # pylint: disable=import-outside-toplevel
            CONTENT_OBJECT_ASSOCIATIONS_CHANGED,
        )
        from openedx_tagging import api as tagging_api  # pylint: disable=import-outside-toplevel

        tagging_api.tag_object(object_id, taxonomy, values)
        CONTENT_OBJECT_ASSOCIATIONS_CHANGED.send_event(
            content_object=ContentObjectChangedData(object_id=object_id, changes=["tags"])
        )

    def user_language(self, user) -> str | None:
        """The stand-in of the platform's ``pref-lang`` user preference."""
        return StandinUserPreference.objects.filter(user_id=user.pk, key="pref-lang").values_list(
            "value", flat=True).first()

    def is_enrolled(self, user, course_key: CourseKey) -> bool:
        return StandinEnrollment.objects.filter(user_id=user.pk, course_key=str(course_key), is_active=True).exists()

    def is_course_staff(self, user, course_key: CourseKey) -> bool:
        return StandinCourseStaff.objects.filter(user_id=user.pk, course_key=str(course_key)).exists()

    def iter_course_outcomes(self, course_keys: Iterable[CourseKey] | None = None) -> Iterator[CourseOutcome]:
        """The platform backend's reading (``compat.read_course_outcomes``) of the stand-in's tables."""
        return read_course_outcomes(
            StandinCourseGrade.objects.order_by("pk"),
            StandinCertificate.eligible_certificates.filter(status="downloadable").order_by("pk"),
            course_keys)
