"""
Who sees a course through which cities, and who may tag it: the one rule that the console's course page and the
API's course endpoint (what Studio's course outline shows, see docs/decisions/0014-mfe-widgets.md) both follow.

A course may be shown in several cities, so it is under no city: it is open to network managers and to the team
of any city that shows it (or that owns its organisation, before it has an opportunity). Tagging it means choosing,
among the cities one works for, where it is shown; the city that owns it always stays, so it is never offered.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from opaque_keys.edx.keys import CourseKey

from .. import compat
from ..tenancy import api as tenancy_api
from ..tenancy import permissions
from ..tenancy.models import City
from .models import Opportunity


@dataclass
class CourseScope:
    """A course someone may see: its key, the platform's record, its opportunity, owner and cities."""

    key: CourseKey
    info: compat.CourseInfo | None
    opportunity: Opportunity | None
    owner: City | None
    shown_in: set[City] = field(default_factory=set)


def course_scope(user, course_key) -> CourseScope | None:
    """
    The course as ``user`` may see it, or None: a bad key, a course neither the platform nor the catalogue knows,
    or one whose cities are none of the person's (the console answers 404 for each, not saying which).
    """
    try:
        key = tenancy_api.as_course_key(course_key)
    except ValidationError:
        return None
    opportunity = Opportunity.objects.filter(course_key=str(key)).select_related("city").first()
    owner = opportunity.city if opportunity else tenancy_api.city_for_course(key)
    shown_in = set(opportunity.cities.all()) if opportunity else ({owner} if owner else set())
    visible = permissions.is_network_manager(user) or any(
        permissions.can(user, permissions.VIEW, city) for city in shown_in)
    if not visible:
        return None
    info = compat.get_course(key)
    if opportunity is None and info is None:
        return None
    return CourseScope(key, info, opportunity, owner, shown_in)


def visible_cities(user, scope: CourseScope) -> list[City]:
    """The course's cities that ``user`` may see, by name (network managers: all of them)."""
    return sorted((city for city in scope.shown_in if permissions.can(user, permissions.VIEW, city)),
                  key=lambda city: city.name)


def taggable_cities(user, scope: CourseScope) -> QuerySet:
    """The cities ``user`` may show the course in or take it out of: those they work for, less its owner."""
    workable = permissions.cities_for(user, permissions.WORK)
    return workable.exclude(pk=scope.owner.pk) if scope.owner is not None else workable
