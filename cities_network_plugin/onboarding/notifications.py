"""
Emails about onboarding: a city reached a new stage (to its admins and the network managers), and a city
expressed interest (to the network managers). Rendered from templates; switched off by the
``CITIES_NETWORK_ONBOARDING_EMAILS`` toggle.
"""
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from ..languages import language_for
from ..queueing import enqueue, enqueue_on_commit
from ..tenancy.models import City, CityRole, CityRoleName, NetworkManager
from ..toggles import ONBOARDING_EMAILS
from .models import CityOnboarding, OnboardingStage

TEMPLATE_DIR = "cities_network_plugin/emails"


def network_manager_recipients() -> dict[str, object]:
    """
    The network's contact address and every network manager's (superusers excepted: they are operators), as
    email address → user (None for the contact address, which has no account).
    """
    recipients: dict[str, object] = {}
    if settings.CITIES_NETWORK_CONTACT_EMAIL:
        recipients[settings.CITIES_NETWORK_CONTACT_EMAIL] = None
    for manager in NetworkManager.objects.exclude(user__email="").select_related("user"):
        recipients[manager.user.email] = manager.user
    return recipients


def city_admin_recipients(city: City) -> dict[str, object]:
    """The city's admins, as email address → user."""
    return {role.user.email: role.user for role in CityRole.objects.filter(
        city=city, role=CityRoleName.ADMIN).exclude(user__email="").select_related("user")}


def by_language(recipients: dict[str, object]) -> dict[str, list[str]]:
    """The recipients' addresses grouped by the language each is written to in (``languages.language_for``)."""
    groups: dict[str, list[str]] = {}
    for email, user in sorted(recipients.items()):
        groups.setdefault(language_for(user), []).append(email)
    return groups


def stage_reached(city_id: int, stage_id: int, completed: int) -> None:
    """Called after commit when a city completed another stage; the email goes out from a task."""
    if ONBOARDING_EMAILS.is_enabled():
        from .tasks import send_onboarding_email  # pylint: disable=import-outside-toplevel

        enqueue(send_onboarding_email, "stage_reached", city_id, stage_id or 0, completed)


def join_requested(city: City) -> None:
    """Queue the email that tells the network managers about a new prospective city."""
    if ONBOARDING_EMAILS.is_enabled():
        from .tasks import send_onboarding_email  # pylint: disable=import-outside-toplevel

        enqueue_on_commit(send_onboarding_email, "join_request", city.pk)


def _send(template: str, context: dict, recipients: dict[str, object]) -> None:
    """One email per language among the recipients, each rendered in that language."""
    for language, emails in by_language(recipients).items():
        with translation.override(language):
            subject = " ".join(render_to_string(f"{TEMPLATE_DIR}/{template}_subject.txt", context).split())
            text = render_to_string(f"{TEMPLATE_DIR}/{template}_body.txt", context)
            html = render_to_string(f"{TEMPLATE_DIR}/{template}_body.html", context)
        message = EmailMultiAlternatives(subject, text, settings.CITIES_NETWORK_CONTACT_EMAIL, emails)
        message.attach_alternative(html, "text/html")
        message.send()


def send(kind: str, city_id: int, stage_id: int = 0, completed: int = 0) -> None:
    """Render and send one email now (from the task)."""
    city = City.objects.filter(pk=city_id).first()
    if city is None:
        return
    context = {"city": city, "network_name": settings.CITIES_NETWORK_NAME}
    if kind == "stage_reached":
        summary = CityOnboarding.objects.filter(city=city).select_related("current_stage").first()
        stage = OnboardingStage.objects.filter(pk=stage_id).first()
        total = OnboardingStage.objects.count()
        context.update(stage=stage, completed=completed, total=total, journey_complete=completed >= total,
                       summary=summary, next_steps=_next_steps(city))
        _send("stage_reached", context, {**network_manager_recipients(), **city_admin_recipients(city)})
    elif kind == "join_request":
        context.update(evidence=city.onboarding_progress.filter(step__key="express-interest").first())
        _send("join_request", context, network_manager_recipients())
    else:
        raise ValueError(f"Unknown onboarding email {kind!r}")


def _next_steps(city: City) -> list:
    from .api import get_journey  # pylint: disable=import-outside-toplevel

    journey = get_journey(city)
    stage = journey.current_stage
    for state in journey.stages:
        if state.stage == stage:
            return [s.step for s in state.steps if not s.satisfied]
    return []


