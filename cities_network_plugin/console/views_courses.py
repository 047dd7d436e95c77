"""
Courses in the console: a city's courses, and one course's page — the cities that show it and the badges it
counts towards.

A course page is not under a city: a course may be shown in several cities. It is open to network managers and
to the team of any city that shows the course (or owns its organisation). Saving its cities goes through
``opportunities.api.set_cities``, which writes the course's "Cities" tags in Studio back to match; a course
without an opportunity gets one first from ``opportunities.api.sync_course``.
"""
from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from ..opportunities import api as opportunities_api
from ..opportunities import course_scope
from ..tenancy import permissions
from . import describe, lookups, studio_link
from .context import city_view, console_view, render_page
from .forms import CourseCitiesForm


@city_view(methods=("GET", "HEAD"))
def courses(request, city):
    """The city's courses, each linked to its course page and to its outline in Studio."""
    rows = lookups.city_courses(city)
    for row in rows:
        row.studio_url = studio_link.studio_outline_url(row.course_key)
    return render_page(request, "courses.html", city, {"courses": rows}, nav="console-courses")


def _course_scope(user, course_key: str) -> course_scope.CourseScope:
    """The course as the person sees it (``opportunities.course_scope``), or 404 when they may not see it."""
    scope = course_scope.course_scope(user, course_key)
    if scope is None:
        raise Http404("No such course.")
    return scope


def _save_cities(user, key, opportunity, owner, wanted):
    """Create the course's opportunity if needed, then show it in exactly ``wanted`` (tags written back)."""
    with transaction.atomic():
        if opportunity is None:
            new_owner = owner or sorted(wanted, key=lambda city: city.pk)[0]
            opportunities_api.check_city_changes(user, new_owner, {new_owner}, wanted)
            opportunity = opportunities_api.sync_course(key, tagged=wanted)
        else:
            opportunities_api.check_city_changes(user, opportunity.city, set(opportunity.cities.all()), wanted)
        opportunities_api.set_cities(opportunity, wanted)
    return opportunity


@console_view()
def course(request, course_key):
    """A course's cities (change those you work for) and the badges it counts towards."""
    scope = _course_scope(request.user, course_key)
    key, info, opportunity, owner, shown_in = scope.key, scope.info, scope.opportunity, scope.owner, scope.shown_in
    workable = course_scope.taggable_cities(request.user, scope)
    form = CourseCitiesForm(request.POST if request.method == "POST" else None, workable=workable,
                            initial={"cities": [city.pk for city in shown_in]})
    if request.method == "POST" and form.is_valid():
        kept = {city for city in shown_in if not permissions.can(request.user, permissions.WORK, city)}
        wanted = set(form.cleaned_data["cities"]) | kept | ({owner} if owner else set())
        if not wanted:
            form.add_error("cities", _("Choose at least one city to show the course in."))
        else:
            opportunity = _save_cities(request.user, key, opportunity, owner, wanted)
            messages.success(request, _("The cities of the course were saved."))
            return redirect("cities_network_plugin:console-course", str(key))
    # The page wears the frame (navigation) of a city of the course the person belongs to, the owner first.
    frame_city = next((city for city in ([owner] if owner else []) + sorted(shown_in, key=lambda c: c.name)
                       if permissions.can(request.user, permissions.VIEW, city)), None)
    badge_classes = list(lookups.badges_for_course(str(key), opportunity))
    # Titles of the requirements as that city's pages may show them (badges.targets).
    described = describe.describe_classes(badge_classes, frame_city)
    for badge_class in badge_classes:
        badge_class.described = described[badge_class.pk]
    return render_page(request, "course.html", frame_city, {
        "course_key": str(key), "title": (opportunity.title if opportunity else None) or (
            info.display_name if info else str(key)),
        "opportunity": opportunity, "owner": owner, "shown_in": sorted(shown_in, key=lambda c: c.name),
        "form": form, "badge_classes": badge_classes, "studio_url": studio_link.studio_outline_url(key),
        "catalogue_city": opportunity.city if opportunity and permissions.can(
            request.user, permissions.VIEW, opportunity.city) else None,
    }, status=400 if form.errors else 200, nav="console-courses")
