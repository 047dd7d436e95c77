"""The email a learner receives when they earn a badge, in the language they chose on the platform."""
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from ..languages import language_for
from .models import Award


def send_award_email(award_pk: int) -> None:
    """Render and send the award email (from a task)."""
    # By primary key, without the model's ordering (an ORDER BY on a one-row lookup only costs the compiler).
    award = next(iter(Award.objects.select_related("user", "badge_class__issuer_city").filter(pk=award_pk).order_by()),
                 None)
    if award is None or award.revoked or not award.recipient_email:
        return
    base = getattr(settings, "LMS_ROOT_URL", "").rstrip("/")
    badge_class = award.badge_class
    context = {
        "award": award, "badge_class": badge_class, "learner_name": award.recipient_name or award.user.username,
        "issuer": badge_class.issuer_city.name if badge_class.issuer_city_id else settings.CITIES_NETWORK_NAME,
        "wallet_url": f"{base}/cities-network/badges/", "public_url": f"{base}/cities-network/badges/{award.uuid}/",
        "network_name": settings.CITIES_NETWORK_NAME,
    }
    folder = "cities_network_plugin/emails"
    with translation.override(language_for(award.user)):  # the learner's language, not the worker's
        subject = " ".join(render_to_string(f"{folder}/badge_awarded_subject.txt", context).split())
        message = EmailMultiAlternatives(
            subject, render_to_string(f"{folder}/badge_awarded_body.txt", context),
            settings.CITIES_NETWORK_CONTACT_EMAIL, [award.recipient_email],
        )
        message.attach_alternative(render_to_string(f"{folder}/badge_awarded_body.html", context), "text/html")
    message.send()
