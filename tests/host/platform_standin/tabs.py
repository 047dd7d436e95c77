"""
How the LMS lists a course's tabs for a learner, so that tests see a course tab the way a learner would.

Follows ``lms/djangoapps/courseware/tabs.py`` (``get_course_tab_list``, ``_get_dynamic_tabs``), ``xmodule/tabs.py``
(``CourseTab.from_json``, ``CourseTabList.iterate_displayable``), ``openedx/core/lib/course_tabs.py``
(``CourseTabPluginManager``) and ``lms/djangoapps/course_home_api/course_metadata/serializers.py``
(``CourseTabSerializer``, what the learning MFE receives). Tab types come from the ``openedx.course_tab`` entry
point through edx-django-utils' ``PluginManager``, as in the platform. Not modelled: entrance exams (the platform
then hides every tab but the courseware), tab collections (textbooks) and staff-only static tabs, since the
stand-in has no such tab types.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from django.urls import reverse
from edx_django_utils.plugins import PluginError, PluginManager
from opaque_keys.edx.keys import CourseKey

from .models import StandinCourse

log = logging.getLogger(__name__)


class CourseTabPluginManager(PluginManager):
    """The course tab types installed (``openedx/core/lib/course_tabs.py``)."""

    NAMESPACE = "openedx.course_tab"

    @classmethod
    def get_tab_types(cls) -> list[type]:
        """By priority (None last), then by type, as the platform's ``compare_tabs``."""
        return sorted(cls.get_available_plugins().values(),
                      key=lambda tab_type: (tab_type.priority is None, tab_type.priority or 0, tab_type.type))


def tab_from_json(tab_dict: dict):
    """A tab of the stored dictionary's type, or None when no installed type has that name (``CourseTab.from_json``)."""
    type_name = tab_dict.get("type")
    if type_name is None:
        log.error("No type included in tab_dict: %r", tab_dict)
        return None
    try:
        tab_type = CourseTabPluginManager.get_plugin(type_name)
    except PluginError:
        log.warning("Unknown tab type %r.", type_name)
        return None
    tab_type.validate(tab_dict)
    return tab_type(tab_dict=tab_dict)


@dataclass(frozen=True)
class CourseOverview:
    """What ``get_course_tab_list`` is handed: the course's key as ``id``, and its stored tabs."""

    id: CourseKey  # noqa: A003 — the platform's name
    org: str
    display_name: str
    stored_tabs: tuple[dict, ...] = ()

    @property
    def tabs(self):
        """The stored tabs as tab objects, unknown types left out (``CourseOverview.tabs``)."""
        for tab_dict in self.stored_tabs:
            tab = tab_from_json(dict(tab_dict))
            if tab is not None:
                yield tab


def course_overview(course_key: CourseKey | str) -> CourseOverview | None:
    """The stand-in course as a course overview, or None."""
    course = StandinCourse.objects.filter(course_key=str(course_key)).first()
    if course is None:
        return None
    return CourseOverview(id=CourseKey.from_string(course.course_key), org=course.org,
                          display_name=course.display_name, stored_tabs=tuple(course.tabs or ()))


def get_course_tab_list(user, course) -> list:
    """
    The tabs the learner sees: the course's stored tabs that are enabled for them and not hidden
    (``CourseTabList.iterate_displayable``), then the dynamic tab types enabled for them, all by priority.
    """
    tabs = [tab for tab in course.tabs
            if tab.is_enabled(course, user=user) and not (user and tab.is_hidden)]
    tabs += _get_dynamic_tabs(course, user)
    tabs.sort(key=lambda tab: tab.priority or float("inf"))
    return tabs


def _get_dynamic_tabs(course, user) -> list:
    """Tab types marked ``is_dynamic``: never stored in a course, added for each learner they are enabled for."""
    dynamic_tabs = []
    for tab_type in CourseTabPluginManager.get_tab_types():
        if getattr(tab_type, "is_dynamic", False):
            tab = tab_type({})
            if tab.is_enabled(course, user=user):
                dynamic_tabs.append(tab)
    dynamic_tabs.sort(key=lambda tab: tab.name)
    return dynamic_tabs


def serialize(tabs: list, course) -> list[dict]:
    """The tabs as the course home metadata API gives them to the learning MFE (``CourseTabSerializer``)."""
    return [{"tab_id": tab.tab_id, "title": str(tab.title or tab.get("name", "")),
             "url": tab.link_func(course, reverse)} for tab in tabs]
