"""
The learner's wallet (``/cities-network/badges/``), the public verification page of an award
(``/cities-network/badges/<uuid>/``) for employers, and a course's badges (``/cities-network/courses/<key>/badges/``).
"""
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404

from ..badges import api as badges_api
from ..badges import presentation
from ..badges.models import Award, BadgeStatus
from ..opportunities.models import Opportunity
from ..tenancy import api as tenancy_api
from .frame import render_page


@login_required
def wallet(request):
    """Every award of the learner with its status and downloads, and the badges under way."""
    awards = presentation.awards_of(request.user)
    for item in awards:
        item.linkedin = item.linkedin_url(request)
    under_way = (badges_api.progress_of(request.user).filter(requirements_met__gt=0,
                                                             badge_class__status=BadgeStatus.ACTIVE)
                 .order_by("-updated_at"))
    return render_page(request, "cities_network_plugin/wallet/wallet.html", {"awards": awards, "under_way": under_way})


def public_award(request, uuid):
    """
    What an employer sees from a shared link: valid, expired or revoked and why; the learner's display name and
    nothing else personal.
    """
    award = get_object_or_404(Award.objects.select_related("badge_class__issuer_city"), uuid=uuid)
    shown = presentation.view(award)
    return render_page(request, "cities_network_plugin/wallet/award.html", {
        "view": shown, "award": award, "badge_class": award.badge_class,
        "linkedin_url": shown.linkedin_url(request),
        "assertion_url": shown.absolute(shown.assertion_path, request),
        "credential_url": shown.absolute(shown.credential_path, request),
    })


def course_badges(request, course_key):
    """The badges a course counts towards — directly, through its opportunity, or its playlists — and progress."""
    try:
        key = str(tenancy_api.as_course_key(course_key))
    except Exception as exc:  # pylint: disable=broad-except
        raise Http404("No such course.") from exc
    opportunity = Opportunity.objects.filter(course_key=key).first()
    classes = list(badges_api.classes_counting_course(key, opportunity))
    progress, held = {}, set()
    if request.user.is_authenticated:
        progress = {p.badge_class_id: p for p in badges_api.progress_of(request.user, classes)}
        held = set(presentation.engine.valid_awards().filter(user=request.user, badge_class__in=classes).values_list(
            "badge_class_id", flat=True))
    rows = [{"badge_class": c, "image_path": presentation.class_image_path(c), "progress": progress.get(c.pk),
             "held": c.pk in held, "issuer": presentation.issuer_name(c)} for c in classes]
    return render_page(request, "cities_network_plugin/wallet/course_badges.html",
                  {"course_key": key, "opportunity": opportunity, "rows": rows})
