"""
The seam between the plugin and edx-platform.

Everything that exists only inside edx-platform (course overviews, enrollments, grades, certificates, course
roles, Studio's tagging wrapper) is reached through the backend named by ``CITIES_NETWORK_PLATFORM_BACKEND``.
The default backend imports edx-platform lazily, inside each method, so the plugin imports and runs without
the platform; the test host and the demo select a stand-in backend with the same methods.

Every method returns plain data (``CourseInfo``, tuples, strings), never platform model instances, so nothing
outside this module depends on the platform's models.
"""
from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from opaque_keys.edx.keys import CourseKey

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CourseInfo:
    """What the plugin needs to know of a course."""

    course_key: CourseKey
    display_name: str
    org: str
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None


@dataclass(frozen=True)
class CourseOutcome:
    """A learner's standing in a course, as used to backfill awards."""

    user_id: int
    course_key: CourseKey
    passed: bool | None  # None: not known (a certificate record says nothing of the grade)
    grade: float | None = None
    certificate_mode: str | None = None  # set when the learner holds a valid certificate


class PlatformBackend(Protocol):
    """The operations the plugin asks of the platform."""

    def get_course(self, course_key: CourseKey) -> CourseInfo | None:
        """The course, or None when it does not exist."""

    def list_courses(self, orgs: Iterable[str] | None = None) -> list[CourseInfo]:
        """Courses, optionally only those of the given organisations (compared case-insensitively; none: none)."""

    def is_enrolled(self, user, course_key: CourseKey) -> bool:
        """Whether ``user`` holds an active enrollment in the course."""

    def is_course_staff(self, user, course_key: CourseKey) -> bool:
        """Whether ``user`` is staff or instructor of the course."""

    def iter_course_outcomes(self, course_keys: Iterable[CourseKey] | None = None) -> Iterator[CourseOutcome]:
        """Every learner's current passing state and downloadable certificate, for backfills."""

    def create_taxonomy(self, name: str, description: str, export_id: str):
        """Create a content-tagging taxonomy that course authors of every organisation may use."""

    def tag_object(self, object_id: str, taxonomy, values: list[str]) -> None:
        """Replace the object's tags of ``taxonomy`` with ``values``, as Studio does."""

    def user_language(self, user) -> str | None:
        """The language the user chose for the platform (their ``pref-lang`` preference), or None."""


class EdxPlatformBackend:
    """The backend used inside edx-platform. Each import is local: the modules exist only there."""

    def get_course(self, course_key: CourseKey) -> CourseInfo | None:
        """
        ``CourseOverview.get_from_id`` raises ``DoesNotExist`` for an unknown course and ``OSError`` when the module
        store cannot load it (``load_from_module_store``, ``openedx/core/djangoapps/content/course_overviews/
        models.py``): for the plugin both mean there is no course to show.
        """
        from openedx.core.djangoapps.content.course_overviews.models import (  # pylint: disable=import-error,import-outside-toplevel
            CourseOverview,
        )

        try:
            overview = CourseOverview.get_from_id(course_key)
        except CourseOverview.DoesNotExist:
            return None
        except OSError as exc:
            log.warning("cities_network: the course %s could not be loaded from the module store: %s", course_key, exc)
            return None
        return _course_info(overview)

    def list_courses(self, orgs: Iterable[str] | None = None) -> list[CourseInfo]:
        """
        ``CourseOverview.get_all_courses`` matches ``orgs`` case-insensitively and reads an empty list as no filter
        (``if orgs:``, same file as above): no organisations means no courses here, so it is not asked.
        """
        from openedx.core.djangoapps.content.course_overviews.models import (  # pylint: disable=import-error,import-outside-toplevel
            CourseOverview,
        )

        if orgs is not None:
            orgs = list(orgs)
            if not orgs:
                return []
        return [_course_info(overview) for overview in CourseOverview.get_all_courses(orgs=orgs)]

    def is_enrolled(self, user, course_key: CourseKey) -> bool:
        from common.djangoapps.student.models import CourseEnrollment  # pylint: disable=import-error,import-outside-toplevel

        return bool(CourseEnrollment.is_enrolled(user, course_key))

    def is_course_staff(self, user, course_key: CourseKey) -> bool:
        from common.djangoapps.student.roles import (  # pylint: disable=import-error,import-outside-toplevel
            CourseInstructorRole,
            CourseStaffRole,
        )

        return CourseStaffRole(course_key).has_user(user) or CourseInstructorRole(course_key).has_user(user)

    def iter_course_outcomes(self, course_keys: Iterable[CourseKey] | None = None) -> Iterator[CourseOutcome]:
        """
        The grade rows (``lms/djangoapps/grades/models.py``) and the downloadable certificates
        (``lms/djangoapps/certificates/models.py``, ``data.py``), read by ``read_course_outcomes``.
        """
        from lms.djangoapps.certificates.data import CertificateStatuses  # pylint: disable=import-error,import-outside-toplevel
        from lms.djangoapps.certificates.models import GeneratedCertificate  # pylint: disable=import-error,import-outside-toplevel
        from lms.djangoapps.grades.models import PersistentCourseGrade  # pylint: disable=import-error,import-outside-toplevel

        return read_course_outcomes(
            PersistentCourseGrade.objects.all(),
            GeneratedCertificate.eligible_certificates.filter(status=CertificateStatuses.downloadable),
            course_keys)

    def create_taxonomy(self, name: str, description: str, export_id: str):
        from openedx.core.djangoapps.content_tagging import api as tagging  # pylint: disable=import-error,import-outside-toplevel

        taxonomy = tagging.create_taxonomy(name=name, description=description, allow_multiple=True,
                                           allow_free_text=False, export_id=export_id)
        tagging.set_taxonomy_orgs(taxonomy, all_orgs=True)
        return taxonomy

    def tag_object(self, object_id: str, taxonomy, values: list[str]) -> None:
        from openedx.core.djangoapps.content_tagging import api as tagging  # pylint: disable=import-error,import-outside-toplevel

        tagging.tag_object(object_id, taxonomy, values)

    def user_language(self, user) -> str | None:
        from openedx.core.djangoapps.lang_pref import LANGUAGE_KEY  # pylint: disable=import-error,import-outside-toplevel
        from openedx.core.djangoapps.user_api.preferences.api import (  # pylint: disable=import-error,import-outside-toplevel
            get_user_preference,
        )

        return get_user_preference(user, LANGUAGE_KEY) or None


def read_course_outcomes(grades, certificates,
                         course_keys: Iterable[CourseKey] | None = None) -> Iterator[CourseOutcome]:
    """
    One outcome per learner and course from a queryset of ``PersistentCourseGrade`` rows and one of the downloadable
    ``GeneratedCertificate`` rows (or tables with their field names), in two queries whatever the number of
    learners. ``passed`` is the current state, ``letter_grade != ''`` (``CourseGradeFactory._read``,
    ``lms/djangoapps/grades/course_grade_factory.py``), which is what ``COURSE_PASSING_STATUS_UPDATED`` reports;
    not ``passed_timestamp``, which ``PersistentCourseGrade.update_or_create`` sets on the first pass and never
    clears. A certificate without a grade row is an outcome of its own, with ``passed`` unknown (None).
    """
    if course_keys is not None:
        course_keys = list(course_keys)
        grades = grades.filter(course_id__in=course_keys)
        certificates = certificates.filter(course_id__in=course_keys)
    held = {(user_id, str(course_id)): (course_id, mode)
            for user_id, course_id, mode in certificates.values_list("user_id", "course_id", "mode")}
    rows = grades.values_list("user_id", "course_id", "letter_grade", "percent_grade").iterator()
    for user_id, course_id, letter_grade, percent_grade in rows:
        certificate = held.pop((user_id, str(course_id)), None)
        yield CourseOutcome(user_id=user_id, course_key=course_id, passed=letter_grade != "", grade=percent_grade,
                            certificate_mode=certificate[1] if certificate else None)
    for (user_id, _), (course_id, mode) in held.items():
        yield CourseOutcome(user_id=user_id, course_key=course_id, passed=None, certificate_mode=mode)


def _course_info(overview) -> CourseInfo:
    return CourseInfo(
        course_key=overview.id,
        display_name=overview.display_name or str(overview.id),
        org=overview.org,
        start=overview.start,
        end=overview.end,
    )


@lru_cache(maxsize=8)
def _load_backend(path: str) -> PlatformBackend:
    return import_string(path)()


def backend() -> PlatformBackend:
    """The platform backend named by the ``CITIES_NETWORK_PLATFORM_BACKEND`` setting."""
    return _load_backend(settings.CITIES_NETWORK_PLATFORM_BACKEND)


def get_course(course_key: CourseKey) -> CourseInfo | None:
    """The course, or None when the platform does not know it."""
    return backend().get_course(course_key)


def list_courses(orgs: Iterable[str] | None = None) -> list[CourseInfo]:
    """Courses known to the platform, optionally only those of ``orgs``."""
    return backend().list_courses(orgs)


def is_enrolled(user, course_key: CourseKey) -> bool:
    """Whether ``user`` is enrolled in the course."""
    return backend().is_enrolled(user, course_key)


def is_course_staff(user, course_key: CourseKey) -> bool:
    """Whether ``user`` is staff or instructor of the course."""
    return backend().is_course_staff(user, course_key)


class StandaloneCourseTab:
    """
    The base of our course tab outside edx-platform (tests, the demo), shaped like the platform's ``EnrolledTab``
    (``lms/djangoapps/courseware/tabs.py``) over ``CourseTab`` (``xmodule/tabs.py``): the same class attributes
    and defaults, ``__init__(tab_dict)``, the ``link_func`` property, ``validate``, ``to_json`` and the
    dictionary-style ``get``, so that code written against it runs unchanged on the platform's class.
    """

    type = ""
    title = None
    body_class = None
    online_help_token = None
    is_hideable = False
    is_hidden = False
    priority = None
    is_movable = False
    is_collection = False
    is_dynamic = False
    is_default = True
    allow_multiple = False
    view_name = None
    course_staff_only = False
    supports_preview_menu = False

    def __init__(self, tab_dict):
        self.name = tab_dict.get("name", self.title)
        self.tab_id = tab_dict.get("tab_id", getattr(self, "tab_id", self.type))
        self.course_staff_only = tab_dict.get("course_staff_only", False)
        self.is_hidden = tab_dict.get("is_hidden", False)
        self.tab_dict = tab_dict

    @property
    def link_func(self):
        """``link_func(course, reverse_func)``: the view named ``view_name`` with the course's id, by default."""
        view_name = self.view_name
        return self.tab_dict.get("link_func",
                                 lambda course, reverse_func: reverse_func(view_name, args=[str(course.id)]))

    @classmethod
    def is_enabled(cls, course, user=None) -> bool:
        """
        As ``EnrolledTab``: a signed-in user enrolled in the course, or with staff access to it (``has_access(user,
        'staff', course)``: global staff, or the course's staff).
        """
        if user is None or not user.is_authenticated:
            return False
        return is_enrolled(user, course.id) or bool(user.is_staff) or is_course_staff(user, course.id)

    @classmethod
    def validate(cls, tab_dict, raise_error=True) -> bool:
        """A stored tab needs its ``type`` (``CourseTab.validate``)."""
        if "type" in tab_dict:
            return True
        if raise_error:
            raise ValueError(f"Expected keys '['type']' are not present in the given dict: {tab_dict}")
        return False

    def to_json(self) -> dict:
        """What the course stores of the tab."""
        data = {"type": self.type, "name": self.name, "course_staff_only": self.course_staff_only}
        if self.is_hidden:
            data["is_hidden"] = True
        return data

    def get(self, key, default=None):
        """``tab.get("name")``, as the platform's serializers read tabs."""
        return getattr(self, key, default)


def course_tab_base() -> type:
    """The platform's tab class for enrolled learners, or the stand-in outside the platform."""
    try:
        from lms.djangoapps.courseware.tabs import EnrolledTab  # pylint: disable=import-error,import-outside-toplevel
    except ImportError:
        return StandaloneCourseTab
    return EnrolledTab


def create_taxonomy(name: str, description: str, export_id: str):
    """Create a taxonomy available to course authors of every organisation."""
    return backend().create_taxonomy(name, description, export_id)


def tag_object(object_id: str, taxonomy, values: list[str]) -> None:
    """Set an object's tags in ``taxonomy``, through Studio's tagging wrapper."""
    backend().tag_object(object_id, taxonomy, values)


def user_language(user) -> str | None:
    """The language ``user`` chose for the platform, or None (not chosen, or the platform cannot say)."""
    return backend().user_language(user)


def add_demo_course(course_key: CourseKey, display_name: str, start=None, end=None) -> CourseInfo:
    """
    Create a course, for the demo only. Only stand-in backends can; inside Open edX courses come from Studio,
    and the demo refuses to run there.
    """
    create = getattr(backend(), "add_course", None)
    if create is None:
        raise NotImplementedError("This platform backend cannot create courses; create them in Studio.")
    return create(course_key, display_name, start=start, end=end)


def iter_course_outcomes(course_keys: Iterable[CourseKey] | None = None) -> Iterator[CourseOutcome]:
    """Every learner's passing state and certificate, for backfills."""
    return backend().iter_course_outcomes(course_keys)
