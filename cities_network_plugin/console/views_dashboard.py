"""
The console's entry and a city's dashboard: where the city stands on its journey and what to do next, its
opportunities, playlists and badges, its awards over the last year, its team and its stakeholders.
"""
from __future__ import annotations

from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from ..badges.models import BadgeClass
from ..onboarding import api as onboarding_api
from ..opportunities.models import Opportunity, Playlist, PublicationStatus
from ..reporting import charts
from ..tenancy import api as tenancy_api
from ..tenancy import permissions
from ..tenancy.models import Stakeholder
from . import describe, lookups
from .context import city_view, console_view, render_page, switchable_cities

LIST_LIMIT = 8


@console_view(methods=("GET", "HEAD"))
def index(request):
    """
    Where the console starts: the city named by the switcher (``?city=``), else the person's city; network
    managers with several cities choose one first. People without any city role are told so (403).
    """
    cities = list(switchable_cities(request.user))
    wanted = request.GET.get("city", "").strip()
    if wanted:
        chosen = next((city for city in cities if city.slug == wanted), None)
        if chosen is None:
            raise Http404("No such city.")
        return redirect("cities_network_plugin:console-dashboard", chosen.slug)
    if not cities:
        return render_page(request, "no_city.html", status=403)
    if len(cities) > 1 and permissions.is_network_manager(request.user):
        return render_page(request, "index.html", context={"cities": cities})
    return redirect("cities_network_plugin:console-dashboard", cities[0].slug)


def checklist(journey) -> tuple[list[dict], list[dict]]:
    """
    The journey as stages of steps with their marks, and the next steps: the unmet requirements of the current
    stage (a requirement with alternatives lists each alternative).
    """
    current = journey.current_stage
    stages, next_steps = [], []
    for stage_state in journey.stages:
        is_current = current is not None and stage_state.stage.pk == current.pk
        stages.append({"stage": stage_state.stage, "complete": stage_state.complete, "current": is_current,
                       "met": stage_state.requirements_met, "total": len(stage_state.requirements()),
                       "steps": stage_state.steps})
        if is_current and not stage_state.complete:
            for group in stage_state.requirements():
                if not any(state.satisfied for state in group):
                    next_steps.append({"steps": group})
    return stages, next_steps


@city_view(methods=("GET", "HEAD"))
def dashboard(request, city):
    """The city's dashboard."""
    journey = onboarding_api.get_journey(city)
    stages, next_steps = checklist(journey)
    opportunities = Opportunity.objects.in_city(city).select_related("city")
    playlists = Playlist.objects.filter(city=city).annotate(item_count=Count("items")).order_by("title")
    badge_classes = list(BadgeClass.objects.filter(issuer_city=city).prefetch_related("groups__requirements")
                         .annotate(award_count=Count("awards", distinct=True)).order_by("status", "name"))
    requirements = describe.describe_classes(badge_classes, city)
    for badge_class in badge_classes:
        badge_class.described = requirements[badge_class.pk]
    monthly = lookups.awards_per_month(city)
    monthly_total = sum(count for _, count in monthly)
    return render_page(request, "dashboard.html", city, {
        "journey": journey, "stages": stages, "next_steps": next_steps,
        "opportunity_count": opportunities.count(),
        "published_count": opportunities.filter(status=PublicationStatus.PUBLISHED).count(),
        "opportunities": opportunities.order_by("-modified")[:LIST_LIMIT],
        "playlist_count": playlists.count(), "playlists": playlists[:LIST_LIMIT],
        "badge_classes": badge_classes,
        "monthly": monthly, "monthly_total": monthly_total,
        "chart": charts.vertical_bar_chart(
            "awards-chart", _("Badges awarded per month, last 12 months"),
            _("Badges this city awarded in each of the last 12 months; revoked awards are not counted."),
            [label for label, _count in monthly], [count for _label, count in monthly],
            _("Badges"), _("Month")) if monthly_total else "",
        "team": tenancy_api.team_of(city),
        "stakeholders": Stakeholder.objects.filter(city=city).order_by("name"),
    }, nav="console-dashboard")
