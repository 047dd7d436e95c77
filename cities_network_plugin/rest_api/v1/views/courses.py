"""
One course as the city console sees it, for Studio's course outline (the authoring MFE's sidebar widget, see
docs/decisions/0014-mfe-widgets.md): its cities, the active badges it counts towards, the console's links, and
whether the caller may tag it.

The scope is the console's own (``opportunities.course_scope``): a course none of whose cities the caller may see
answers 404, and nothing of a city the caller may not see is in the answer.
"""
from django.conf import settings
from django.urls import reverse
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from ....badges import api as badges_api
from ....opportunities import course_scope
from ....tenancy import permissions
from ..schema import document
from ..serializers.courses import CourseSerializer
from .base import ApiViewMixin


def _console(request, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(f"cities_network_plugin:{name}", args=args))


class CourseView(ApiViewMixin, APIView):
    """A course's cities and badges, with links into the console; 404 when none of its cities is the caller's."""

    @document(responses={200: CourseSerializer})
    def get(self, request, course_key):
        user = request.user
        scope = course_scope.course_scope(user, course_key)
        if scope is None:
            raise NotFound()
        key = str(scope.key)
        opportunity = scope.opportunity
        cities = [{"slug": city.slug, "name": city.name, "owner": city == scope.owner,
                   "console_url": _console(request, "console-dashboard", city.slug)}
                  for city in course_scope.visible_cities(user, scope)]
        badges = []
        for badge_class in badges_api.classes_counting_course(key, opportunity):
            issuer = badge_class.issuer_city
            if issuer is not None and not permissions.can(user, permissions.VIEW, issuer):
                continue  # another city's badge: nothing of a city the caller may not see
            badges.append({
                "uuid": badge_class.uuid, "name": badge_class.name,
                "issuer": issuer.name if issuer else settings.CITIES_NETWORK_NAME,
                "console_url": _console(request, "console-badge", issuer.slug, badge_class.uuid) if issuer else None,
            })
        console_url = _console(request, "console-course", key)
        can_tag = course_scope.taggable_cities(user, scope).exists()
        return Response(CourseSerializer({
            "course_key": key,
            "title": (opportunity.title if opportunity else None) or (
                scope.info.display_name if scope.info else None) or key,
            "cities": cities, "badges": badges, "console_url": console_url, "can_tag": can_tag,
            "tag_url": f"{console_url}#cities-heading" if can_tag else None,
        }).data)

