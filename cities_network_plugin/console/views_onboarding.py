"""
Updating one onboarding step: its status and evidence, with a reason where a detector owns the step.

Only the city's admins (and network managers) change steps, as in the REST API: the journey is the city's
commitment to the network, not day-to-day work. The whole team reads the step and its history.
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from ..onboarding import api as onboarding_api
from ..tenancy import permissions
from .context import apply_errors, city_view, render_page
from .forms import StepForm


@city_view(write=permissions.ADMINISTER)
def step(request, city, step_key):
    """A step of the city's journey: read it, or (admins) change it."""
    state = onboarding_api.get_journey(city).step(step_key)
    if state is None:
        raise Http404("No such step.")
    progress = state.progress
    initial = {"status": progress.status, "evidence_note": progress.evidence_note,
               "evidence_url": progress.evidence_url}
    form = StepForm(request.POST if request.method == "POST" else None, state=state, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            onboarding_api.update_step(
                city, step_key, user=request.user, status=data["status"], evidence_note=data["evidence_note"],
                evidence_url=data["evidence_url"], reason=data["reason"],
                override=False if data.get("lift_override") else None,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("“%(step)s” was saved.") % {"step": state.step.shown_title})
            return redirect("cities_network_plugin:console-step", city.slug, step_key)
    return render_page(request, "step.html", city, {
        "state": state, "form": form, "history": onboarding_api.history(city, step_key)[:20],
    }, status=400 if form.errors else 200, nav="console-dashboard")
