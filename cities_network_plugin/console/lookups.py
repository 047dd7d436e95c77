"""
Read-only questions several console pages ask: a city's courses, the targets a badge requirement may point at,
the badges a course counts towards, and the city's awards month by month.
"""
from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import formats, timezone

from .. import compat
from ..badges import api as badges_api
from ..badges import targets
from ..badges.models import Award, BadgeClass, BadgeStatus
from ..opportunities.models import Opportunity
from ..tenancy.models import City


@dataclass
class CourseRow:
    """A course of the city: its key, title, and its opportunity where it has one."""

    course_key: str
    title: str
    opportunity: Opportunity | None = None


def city_courses(city: City) -> list[CourseRow]:
    """
    The city's course-backed opportunities, then the platform's courses of the city's organisations that have no
    opportunity yet (an empty organisation list would mean "every course" to the platform, so it is not asked).
    """
    rows = [CourseRow(o.course_key, o.title, o) for o in
            Opportunity.objects.in_city(city).filter(course_key__isnull=False).order_by("title")]
    known = {row.course_key for row in rows}
    orgs = list(city.organizations.values_list("org", flat=True))
    if orgs:
        for info in compat.list_courses(orgs):
            key = str(info.course_key)
            if key not in known:
                rows.append(CourseRow(key, info.display_name or key))
                known.add(key)
    return rows


def requirement_targets(city: City, exclude: BadgeClass | None = None) -> dict[str, list[tuple[str, str]]]:
    """
    What a requirement of the city's badge may target, as ``{group: [(value, label), ...]}``: the choices offered
    are those of ``badges.targets``, the rule the domain applies to every write (archived badges left out).
    """
    opportunities = list(targets.usable_opportunities(city).order_by("title"))
    badges = targets.usable_badge_classes(city).exclude(status=BadgeStatus.ARCHIVED).order_by("name")
    if exclude is not None:
        badges = badges.exclude(pk=exclude.pk)
    return {
        "course": [(row.course_key, f"{row.title} ({row.course_key})") for row in city_courses(city)],
        "opportunity": [(str(o.uuid), o.title) for o in opportunities],
        "playlist": [(str(p.uuid), p.title) for p in targets.usable_playlists(city).order_by("title")],
        "badge": [(str(b.uuid), str(b)) for b in badges],
    }


def badges_for_course(course_key: str, opportunity: Opportunity | None):
    """Active classes that count the course (``badges.api.classes_counting_course``), with their requirements."""
    return badges_api.classes_counting_course(course_key, opportunity).prefetch_related("groups__requirements")


def month_bounds(city: City, now: datetime.datetime, months: int) -> list[datetime.datetime]:
    """The starts of the last ``months`` months in the city's time zone, and the start of the next month."""
    local = timezone.localtime(now, zoneinfo.ZoneInfo(city.timezone))
    first = local.year * 12 + local.month - 1 - (months - 1)
    bounds = []
    for offset in range(months + 1):
        year, month_index = divmod(first + offset, 12)
        bounds.append(datetime.datetime(year, month_index + 1, 1, tzinfo=local.tzinfo))
    return bounds


def awards_per_month(city: City, now: datetime.datetime | None = None, months: int = 12) -> list[tuple[str, int]]:
    """
    Awards of the city's badges in each of the last ``months`` months (the current one last), counted in one
    query; months follow the city's calendar (its time zone). Revoked awards are left out, as in the network
    report: a withdrawn badge was not an achievement.
    """
    bounds = month_bounds(city, now or timezone.now(), months)
    counts = Award.objects.filter(badge_class__issuer_city=city, revoked=False).aggregate(**{
        f"m{index}": Count("pk", filter=Q(issued_at__gte=bounds[index], issued_at__lt=bounds[index + 1]))
        for index in range(months)
    })
    return [(formats.date_format(bounds[index], "M y"), counts[f"m{index}"]) for index in range(months)]
