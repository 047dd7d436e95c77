"""
Attendance of the city's events: record one learner, or a CSV of learners (checked first with a dry run), and
hand out claim codes whose QR images learners scan at the event. Each goes through
``opportunities.attendance``, so the badge engine hears about it as about any completion.
"""
from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..openbadges.issuers import absolute
from ..opportunities import attendance
from ..opportunities.models import Opportunity
from .context import apply_errors, city_view, render_page
from .forms import AttendanceCsvForm, AttendanceForm, ClaimCodeForm
from .qr import qr_svg


def _owned(city, uuid) -> Opportunity:
    return get_object_or_404(Opportunity, city=city, uuid=uuid)


@city_view()
def attendance_page(request, city, uuid):
    """Who attended; POST ``action=one`` records one learner, ``action=csv`` a file of learners."""
    opportunity = _owned(city, uuid)
    posted = request.POST if request.method == "POST" else None
    action = request.POST.get("action") if posted is not None else None
    one = AttendanceForm(posted if action == "one" else None, prefix="one")
    csv_form = AttendanceCsvForm(posted if action == "csv" else None, request.FILES if action == "csv" else None,
                                 prefix="csv")
    result = None
    if action == "one" and one.is_valid():
        learner = one.cleaned_data["user"]
        _completion, created = attendance.record_attendance(opportunity, learner, request.user)
        if created:
            messages.success(request, _("%(user)s's attendance was recorded.") % {"user": learner.username})
        else:
            messages.info(request, _("%(user)s's attendance was recorded already.") % {"user": learner.username})
        return redirect("cities_network_plugin:console-attendance", city.slug, opportunity.uuid)
    if action == "csv" and csv_form.is_valid():
        result = attendance.import_attendance(opportunity, csv_form.cleaned_data["file"], request.user,
                                              dry_run=csv_form.cleaned_data["dry_run"])
        if result.ok and not result.dry_run:
            messages.success(request, ngettext(
                "%(count)d attendance was recorded.", "%(count)d attendances were recorded.", len(result.added),
            ) % {"count": len(result.added)})
            return redirect("cities_network_plugin:console-attendance", city.slug, opportunity.uuid)
    failed = bool(posted is not None and action not in ("one", "csv")) or bool(
        one.errors or csv_form.errors or (result is not None and not result.ok))
    return render_page(request, "attendance.html", city, {
        "opportunity": opportunity, "one": one, "csv_form": csv_form, "result": result,
        "attendees": opportunity.completions.select_related("user", "recorded_by").order_by("-completed_at"),
    }, status=400 if failed else 200, nav="console-opportunities")


def claim_url(code: str, request) -> str:
    """The absolute link learners open (on the LMS) to claim with ``code``."""
    return absolute(reverse("cities_network_plugin:claim", args=[code]), request)


@city_view()
def claim_codes(request, city, uuid):
    """The opportunity's claim codes with their QR images; POST makes a new code for a time window."""
    opportunity = _owned(city, uuid)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = ClaimCodeForm(request.POST if request.method == "POST" else None,
                         initial={"valid_from": now, "valid_until": now + datetime.timedelta(days=1)})
    if request.method == "POST" and form.is_valid():
        try:
            code = attendance.create_claim_code(opportunity, form.cleaned_data["valid_from"],
                                                form.cleaned_data["valid_until"], created_by=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The claim code %(code)s was created.") % {"code": code.code})
            return redirect("cities_network_plugin:console-claim-codes", city.slug, opportunity.uuid)
    codes = []
    for code in opportunity.claim_codes.all():
        url = claim_url(code.code, request)
        codes.append({"code": code, "url": url, "qr": qr_svg(url, _("QR code of %(url)s") % {"url": url}),
                      "open": code.active and code.valid_from <= timezone.now() <= code.valid_until})
    return render_page(request, "claim_codes.html", city, {"opportunity": opportunity, "form": form, "codes": codes},
                       status=400 if form.errors else 200, nav="console-opportunities")
