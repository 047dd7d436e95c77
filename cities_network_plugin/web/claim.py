"""
The page a learner opens from an event's QR code (``/cities-network/claim/<code>/``): sign in, confirm, and
the attendance is recorded. Confirming (a POST) keeps link previews and prefetchers from claiming for anyone.

Opening the page says whether a code is known, so it counts against the claim limits as a claim does (per account
and per client address, ``ratelimit.claim_limited``); over them the page looks nothing up and answers the same
for every code.
"""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from ..opportunities import attendance
from .frame import render_page
from .ratelimit import claim_limited

TEMPLATE = "cities_network_plugin/claim.html"


@login_required
@csrf_protect
@require_http_methods(["GET", "POST"])
def claim_page(request, code):
    """Show what the code is for; on POST record the attendance."""
    if claim_limited(request):
        error = _("Too many attempts. Please wait a few minutes.")
        return render_page(request, TEMPLATE, {"code": "", "error": error}, status=429)
    claim_code = attendance.find_claim_code(code)
    context = {"code": code, "claim_code": claim_code,
               "opportunity": claim_code.opportunity if claim_code else None}
    if request.method == "POST":
        try:
            completion = attendance.claim(request.user, code)
        except ValidationError as exc:
            return render_page(request, TEMPLATE, {**context, "error": exc.messages[0]}, status=400)
        return render_page(request, TEMPLATE, {**context, "completion": completion})
    if claim_code is None:
        error = _("This code is not known. Check it with the organiser.")
        return render_page(request, TEMPLATE, {**context, "error": error}, status=404)
    return render_page(request, TEMPLATE, context)
