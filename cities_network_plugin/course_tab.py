"""
The "Badges" tab of a course in the LMS (entry point ``openedx.course_tab``), linking to the page that lists the
badges the course counts towards. Shown to enrolled learners when the course counts towards an active badge.
"""
from django.utils.translation import gettext_noop

from . import compat


class CityBadgesTab(compat.course_tab_base()):
    """A course tab that links to ``/cities-network/courses/<course_key>/badges/``."""

    type = "cities_network_badges"
    title = gettext_noop("Badges")
    priority = 80
    view_name = "cities_network_plugin:course-badges"

    @staticmethod
    def link_func(course, reverse_func):
        return reverse_func("cities_network_plugin:course-badges", args=[str(course.id)])

    @classmethod
    def is_enabled(cls, course, user=None):
        if not super().is_enabled(course, user=user):
            return False
        from .badges.models import BadgeClass, BadgeStatus, RequirementKind  # pylint: disable=import-outside-toplevel

        return BadgeClass.objects.filter(
            status=BadgeStatus.ACTIVE,
            groups__requirements__kind__in=[RequirementKind.COURSE_PASSED, RequirementKind.CERTIFICATE_EARNED],
            groups__requirements__target=str(course.id),
        ).exists()
