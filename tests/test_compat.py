"""The platform seam: the backend named by the setting answers; the default needs edx-platform."""
import sys
import types
from types import SimpleNamespace

import pytest
from django.test import override_settings
from opaque_keys.edx.keys import CourseKey

from cities_network_plugin import compat

from tests.host.platform_standin import models as standin
from tests.host.platform_standin.backend import StandinBackend
from tests.host.platform_standin.models import (
    StandinCertificate,
    StandinCourse,
    StandinCourseGrade,
    StandinEnrollment,
)

KEY = CourseKey.from_string("course-v1:AlphaX+Bikes101+2026")
OVERVIEWS = "openedx.core.djangoapps.content.course_overviews.models"


@pytest.mark.django_db
def test_standin_backend_is_selected_by_setting(learner):
    StandinCourse.objects.create(course_key=str(KEY), display_name="Bike repair", org="AlphaX")
    StandinEnrollment.objects.create(user=learner, course_key=str(KEY))
    StandinCourseGrade.update_or_create(learner.pk, KEY, percent_grade=0.9, letter_grade="Pass", passed=True)
    StandinCertificate.objects.create(user=learner, course_id=KEY, mode="verified", status="downloadable")
    course = compat.get_course(KEY)
    assert (course.course_key, course.display_name, course.org) == (KEY, "Bike repair", "AlphaX")
    assert compat.get_course(CourseKey.from_string("course-v1:X+Y+Z")) is None
    assert [c.course_key for c in compat.list_courses(orgs=["AlphaX"])] == [KEY]
    assert compat.list_courses(orgs=["Other"]) == []
    assert compat.is_enrolled(learner, KEY)
    assert not compat.is_course_staff(learner, KEY)
    [outcome] = compat.iter_course_outcomes([KEY])
    assert (outcome.user_id, outcome.course_key, outcome.passed, outcome.grade, outcome.certificate_mode) == (
        learner.pk, KEY, True, 0.9, "verified")


def test_default_backend_reaches_into_edx_platform_only_when_called():
    """Importing the plugin needs no platform; calling the platform backend outside one says so plainly."""
    with override_settings(CITIES_NETWORK_PLATFORM_BACKEND="cities_network_plugin.compat.EdxPlatformBackend"):
        backend = compat.backend()
        assert isinstance(backend, compat.EdxPlatformBackend)
        with pytest.raises(ModuleNotFoundError, match="openedx"):
            backend.get_course(KEY)


@pytest.mark.django_db
def test_passing_is_the_current_grade_not_having_passed_once(learner, make_user):
    """The platform sets ``passed_timestamp`` on the first pass and keeps it; the letter grade follows the grade."""
    fell = make_user("fell")
    StandinCourseGrade.update_or_create(learner.pk, KEY, percent_grade=0.8, letter_grade="Pass", passed=True)
    StandinCourseGrade.update_or_create(fell.pk, KEY, percent_grade=0.8, letter_grade="Pass", passed=True)
    StandinCourseGrade.update_or_create(fell.pk, KEY, percent_grade=0.4, letter_grade="", passed=False)
    assert StandinCourseGrade.objects.get(user=fell).passed_timestamp is not None
    outcomes = {o.user_id: (o.passed, o.grade) for o in compat.iter_course_outcomes()}
    assert outcomes == {learner.pk: (True, 0.8), fell.pk: (False, 0.4)}


@pytest.mark.django_db
def test_a_certificate_without_a_grade_row_is_an_outcome(learner, make_user, django_assert_num_queries):
    """Granted by hand or on an allowlist: no grade row, the certificate alone (the platform's ``CourseOutcome``)."""
    other = make_user("other")
    StandinCertificate.objects.create(user=learner, course_id=KEY, mode="verified", status="downloadable")
    StandinCertificate.objects.create(user=other, course_id=KEY, mode="audit", status="audit_passing")
    StandinCertificate.objects.create(user=make_user("revoked"), course_id=KEY, status="notpassing")
    StandinCourseGrade.update_or_create(other.pk, KEY, percent_grade=0.2)
    with django_assert_num_queries(2):  # the certificates, then the grades: never a query per learner
        outcomes = list(compat.iter_course_outcomes([KEY]))
    assert [(o.user_id, o.passed, o.certificate_mode) for o in outcomes] == [
        (other.pk, False, None), (learner.pk, None, "verified")]
    assert list(compat.iter_course_outcomes([CourseKey.from_string("course-v1:X+Y+Z")])) == []


@pytest.mark.django_db
def test_organisations_match_case_insensitively_as_on_the_platform():
    StandinCourse.objects.create(course_key=str(KEY), display_name="Bike repair", org="AlphaX")
    assert [c.course_key for c in compat.list_courses(orgs=["alphax"])] == [KEY]
    assert [c.course_key for c in compat.list_courses(orgs=["ALPHAX", "Other"])] == [KEY]
    assert compat.list_courses(orgs=[]) == [] and len(compat.list_courses()) == 1


# --- EdxPlatformBackend against small stand-ins of the platform's modules ------------------------------------------
# The platform cannot be installed here; each fake below follows the platform file named beside it.

def _install(monkeypatch, name: str, **attributes) -> None:
    """Put a module ``name`` (and its parent packages) into ``sys.modules`` for the test."""
    parts = name.split(".")
    for depth in range(1, len(parts) + 1):
        dotted = ".".join(parts[:depth])
        if dotted not in sys.modules:
            monkeypatch.setitem(sys.modules, dotted, types.ModuleType(dotted))
    for key, value in attributes.items():
        monkeypatch.setattr(sys.modules[name], key, value, raising=False)


class FakeCourseOverview:
    """``CourseOverview`` (openedx/core/djangoapps/content/course_overviews/models.py), as far as compat asks."""

    class DoesNotExist(Exception):  # noqa: N818 - the name Django gives it
        pass

    courses: dict = {}
    asked: list = []

    @classmethod
    def get_from_id(cls, course_id):
        """Raises DoesNotExist for an unknown course, OSError when the module store cannot load it."""
        found = cls.courses.get(course_id)
        if found is None:
            raise cls.DoesNotExist()
        if isinstance(found, Exception):
            raise found
        return found

    @classmethod
    def get_all_courses(cls, orgs=None):
        """``if orgs:`` then ``org__iexact`` per org: an empty list filters nothing."""
        cls.asked.append(orgs)
        return [c for c in cls.courses.values() if not isinstance(c, Exception)
                and (not orgs or c.org.lower() in {o.lower() for o in orgs})]


def _overview(key: CourseKey):
    return SimpleNamespace(id=key, display_name="Bike repair", org=key.org, start=None, end=None)


@pytest.fixture
def platform_overviews(monkeypatch):
    broken = CourseKey.from_string("course-v1:AlphaX+Broken+2026")
    monkeypatch.setattr(FakeCourseOverview, "courses", {KEY: _overview(KEY), broken: OSError("no such xml")})
    monkeypatch.setattr(FakeCourseOverview, "asked", [])
    _install(monkeypatch, OVERVIEWS, CourseOverview=FakeCourseOverview)
    return broken


def test_a_course_the_module_store_cannot_load_is_no_course(platform_overviews, caplog):
    backend = compat.EdxPlatformBackend()
    assert backend.get_course(KEY).display_name == "Bike repair"
    assert backend.get_course(CourseKey.from_string("course-v1:X+Y+Z")) is None
    assert backend.get_course(platform_overviews) is None
    assert "could not be loaded from the module store: no such xml" in caplog.text


def test_the_platform_backend_leaves_org_matching_to_the_platform_and_never_asks_for_no_org(platform_overviews):
    backend = compat.EdxPlatformBackend()
    assert [c.course_key for c in backend.list_courses(orgs=("alphax",))] == [KEY]
    assert backend.list_courses(orgs=[]) == []  # the platform would answer every course
    assert FakeCourseOverview.asked == [["alphax"]]


@pytest.mark.django_db
def test_the_platform_backend_reads_grades_and_certificates_by_the_platforms_field_names(monkeypatch, learner,
                                                                                       make_user):
    """
    The stand-in's tables carry the platform's model and field names (``PersistentCourseGrade``,
    ``GeneratedCertificate`` and its ``eligible_certificates``, ``CertificateStatuses``), so the platform backend's
    own queries run on them.
    """
    _install(monkeypatch, "lms.djangoapps.grades.models", PersistentCourseGrade=standin.StandinCourseGrade)
    _install(monkeypatch, "lms.djangoapps.certificates.models", GeneratedCertificate=standin.StandinCertificate)
    _install(monkeypatch, "lms.djangoapps.certificates.data",
             CertificateStatuses=SimpleNamespace(downloadable="downloadable"))
    fell = make_user("fell")
    StandinCourseGrade.update_or_create(fell.pk, KEY, percent_grade=0.9, letter_grade="Pass", passed=True)
    StandinCourseGrade.update_or_create(fell.pk, KEY, percent_grade=0.3, letter_grade="", passed=False)
    StandinCertificate.objects.create(user=learner, course_id=KEY, mode="honor", status="downloadable")
    platform = list(compat.EdxPlatformBackend().iter_course_outcomes([KEY]))
    assert platform == list(StandinBackend().iter_course_outcomes([KEY]))
    assert [(o.user_id, o.passed, o.certificate_mode) for o in platform] == [(fell.pk, False, None),
                                                                            (learner.pk, None, "honor")]
