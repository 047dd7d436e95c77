"""The platform seam: the backend named by the setting answers; the default needs edx-platform."""
import pytest
from django.test import override_settings
from opaque_keys.edx.keys import CourseKey

from cities_network_plugin import compat

from tests.host.platform_standin.models import StandinCourse, StandinCourseGrade, StandinEnrollment

KEY = CourseKey.from_string("course-v1:AlphaX+Bikes101+2026")


@pytest.mark.django_db
def test_standin_backend_is_selected_by_setting(learner):
    StandinCourse.objects.create(course_key=str(KEY), display_name="Bike repair", org="AlphaX")
    StandinEnrollment.objects.create(user=learner, course_key=str(KEY))
    StandinCourseGrade.objects.create(user=learner, course_key=str(KEY), percent=0.9, passed=True,
                                      certificate_mode="verified")
    course = compat.get_course(KEY)
    assert (course.course_key, course.display_name, course.org) == (KEY, "Bike repair", "AlphaX")
    assert compat.get_course(CourseKey.from_string("course-v1:X+Y+Z")) is None
    assert [c.course_key for c in compat.list_courses(orgs=["AlphaX"])] == [KEY]
    assert compat.list_courses(orgs=["Other"]) == []
    assert compat.is_enrolled(learner, KEY)
    assert not compat.is_course_staff(learner, KEY)
    outcome = next(compat.iter_course_outcomes([KEY]))
    assert (outcome.user_id, outcome.passed, outcome.certificate_mode) == (learner.pk, True, "verified")


def test_default_backend_reaches_into_edx_platform_only_when_called():
    """Importing the plugin needs no platform; calling the platform backend outside one says so plainly."""
    with override_settings(CITIES_NETWORK_PLATFORM_BACKEND="cities_network_plugin.compat.EdxPlatformBackend"):
        backend = compat.backend()
        assert isinstance(backend, compat.EdxPlatformBackend)
        with pytest.raises(ModuleNotFoundError, match="openedx"):
            backend.get_course(KEY)
