"""The ``compat`` backend the test host and the demo use in place of edx-platform."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from opaque_keys.edx.keys import CourseKey

from cities_network_plugin.compat import CourseInfo, CourseOutcome

from .models import StandinCourse, StandinCourseGrade, StandinCourseStaff, StandinEnrollment, StandinUserPreference


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
        courses = StandinCourse.objects.order_by("course_key")
        if orgs is not None:
            courses = courses.filter(org__in=list(orgs))
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
        grades = StandinCourseGrade.objects.order_by("pk")
        if course_keys is not None:
            grades = grades.filter(course_key__in=[str(key) for key in course_keys])
        for grade in grades.iterator():
            yield CourseOutcome(
                user_id=grade.user_id,
                course_key=CourseKey.from_string(grade.course_key),
                passed=grade.passed,
                grade=grade.percent,
                certificate_mode=grade.certificate_mode or None,
            )
