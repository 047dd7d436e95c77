"""
The "Badges" tab of a course in the LMS (entry point ``openedx.course_tab``), linking to the page that lists the
badges the course counts towards.

The tab is dynamic: the LMS lists a course's stored tabs plus the dynamic tab types
(``lms/djangoapps/courseware/tabs.py``: ``get_course_tab_list`` → ``_get_dynamic_tabs``), and Studio stores plugin
tabs only when an author saves the advanced settings, so a stored tab would show in few courses and not follow
the badges. Asked on every course page for every learner, its own cost is two short queries (ADR 0013).
"""
from django.conf import settings
from django.utils.translation import gettext_noop

from . import compat


class CityBadgesTab(compat.course_tab_base()):
    """Links to ``/cities-network/courses/<course_key>/badges/`` for the course's learners and staff."""

    type = "cities_network_badges"
    title = gettext_noop("Badges")
    priority = 80
    view_name = "cities_network_plugin:course-badges"
    is_dynamic = True

    def __init__(self, tab_dict):
        super().__init__(tab_dict)
        # A copy stored in the course by Studio under an earlier release (the tab was not dynamic then) stays in
        # the course's tabs; hidden, so that the learner sees the tab once, from the dynamic type.
        if tab_dict.get("type") == self.type:
            self.is_hidden = True

    @classmethod
    def is_enabled(cls, course, user=None):
        """
        Enrolled learners and course staff (the platform's ``EnrolledTab``) see it where the course counts towards
        an active badge, or in every course when ``CITIES_NETWORK_COURSE_TAB_ALWAYS`` is on.
        """
        if not super().is_enabled(course, user=user):
            return False
        if settings.CITIES_NETWORK_COURSE_TAB_ALWAYS:
            return True
        from .badges import api as badges_api  # pylint: disable=import-outside-toplevel

        return badges_api.course_counts_towards_badge(str(course.id))
