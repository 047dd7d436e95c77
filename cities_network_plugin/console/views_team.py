"""
The city's team (its admins and core-team members) and its stakeholders.

The whole team reads both; only the city's admins (and network managers) change the team, through
``tenancy.api``, while any team member records stakeholders, whom the onboarding detectors count.
"""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from ..tenancy import api as tenancy_api
from ..tenancy import permissions
from ..tenancy.models import CityRole, CityRoleName, Stakeholder
from .context import city_view, render_page
from .forms import StakeholderForm, TeamMemberForm


@city_view(write=permissions.ADMINISTER)
def team(request, city):
    """The team; POST (city admins) adds a person or changes their role."""
    form = TeamMemberForm(request.POST if request.method == "POST" else None,
                          initial={"role": CityRoleName.CORE_TEAM})
    if request.method == "POST" and form.is_valid():
        person, role = form.cleaned_data["user"], form.cleaned_data["role"]
        tenancy_api.set_member(city, person, role, acting_user=request.user)
        messages.success(request, _("%(user)s is now %(role)s of %(city)s.") % {
            "user": person.username, "role": CityRoleName(role).label, "city": city.name})
        return redirect("cities_network_plugin:console-team", city.slug)
    return render_page(request, "team.html", city, {"team": tenancy_api.team_of(city), "form": form},
                       status=400 if form.errors else 200, nav="console-team")


@city_view(write=permissions.ADMINISTER, methods=("POST",))
def team_remove(request, city, user_id):
    """Take a person off the team (city admins)."""
    member = get_object_or_404(CityRole.objects.select_related("user"), city=city, user_id=user_id)
    tenancy_api.remove_member(city, member.user)
    messages.success(request, _("%(user)s is no longer on the team of %(city)s.") % {
        "user": member.user.username, "city": city.name})
    permissions.forget(request.user)  # the memo of the request's own user object may be about the removed role
    if not permissions.can(request.user, permissions.VIEW, city):
        return redirect("cities_network_plugin:console-index")  # the person removed themselves
    return redirect("cities_network_plugin:console-team", city.slug)


@city_view()
def stakeholders(request, city):
    """The city's stakeholders; POST records a new one."""
    form = StakeholderForm(request.POST if request.method == "POST" else None, city=city,
                           instance=Stakeholder(city=city))
    if request.method == "POST" and form.is_valid():
        stakeholder = form.save()
        messages.success(request, _("The stakeholder “%(name)s” was added.") % {"name": stakeholder.name})
        return redirect("cities_network_plugin:console-stakeholders", city.slug)
    return render_page(request, "stakeholders.html", city, {
        "stakeholders": Stakeholder.objects.filter(city=city).order_by("name"), "form": form,
    }, status=400 if form.errors else 200, nav="console-stakeholders")


@city_view()
def stakeholder_edit(request, city, pk):
    """Change a stakeholder of the city."""
    stakeholder = get_object_or_404(Stakeholder, city=city, pk=pk)
    name = stakeholder.name  # the form changes the instance while it validates
    form = StakeholderForm(request.POST if request.method == "POST" else None, city=city, instance=stakeholder)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The stakeholder “%(name)s” was saved.") % {"name": stakeholder.name})
        return redirect("cities_network_plugin:console-stakeholders", city.slug)
    return render_page(request, "stakeholder_form.html", city, {"form": form, "stakeholder": stakeholder, "name": name},
                       status=400 if form.errors else 200, nav="console-stakeholders")
