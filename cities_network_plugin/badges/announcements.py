"""
What an award or a revocation tells the world, once the transaction commits: the openedx-events signal
(``BADGE_AWARDED`` / ``BADGE_REVOKED``, which the event bus forwards where configured), the learner's email and
the city's webhooks; an award also gets its place in its issuer's Open Badges 3.0 status list, so that fetching
its credential writes nothing. Each is isolated: one failing never stops the others, and never undoes the award
(an award left without its place gets it from the sweeper).
"""
from __future__ import annotations

import logging
import uuid

from django.db import transaction
from openedx_events.learning.data import BadgeData, BadgeTemplateData, UserData, UserPersonalData
from openedx_events.learning.signals import BADGE_AWARDED, BADGE_REVOKED

from ..queueing import enqueue
from ..toggles import AWARD_EMAILS
from .models import Award

log = logging.getLogger(__name__)
ORIGIN = "cities_network"


def badge_data(award: Award) -> BadgeData:
    """The award as openedx-events ``BadgeData``."""
    user, badge_class = award.user, award.badge_class
    return BadgeData(
        uuid=str(award.uuid),
        user=UserData(id=user.pk, is_active=user.is_active,
                      pii=UserPersonalData(username=user.username, email=user.email, name=user.get_full_name())),
        template=BadgeTemplateData(uuid=str(badge_class.uuid), origin=ORIGIN, name=badge_class.name,
                                   description=badge_class.description, image_url=badge_image_url(badge_class)),
    )


def badge_image_url(badge_class) -> str:
    """The class image's public URL for the platform's event (empty while the class has no image of its own)."""
    from ..openbadges import v2  # pylint: disable=import-outside-toplevel

    return v2.badge_image_url(badge_class) if badge_class.image_type else ""


def _webhook_data(award: Award, kind: str) -> dict:
    """What a city's own systems hear about an award: no email address, the learner's username only."""
    badge_class = award.badge_class
    return {
        "award": str(award.uuid), "badge_class": str(badge_class.uuid), "badge_name": badge_class.name,
        "username": award.user.username, "issued_at": award.issued_at.isoformat(),
        "expires_at": award.expires_at.isoformat() if award.expires_at else None,
        "revoked": award.revoked, "revocation_reason": award.revocation_reason if kind == "badge.revoked" else "",
    }


def _safely(what: str, func, *args) -> None:
    try:
        func(*args)
    except Exception:  # pylint: disable=broad-except
        log.exception("cities_network: %s failed for an award", what)


def _load(award_id: int) -> Award:
    """The award with what every notice needs, read once (after the commit) for all of them."""
    return Award.objects.select_related("user", "badge_class__issuer_city").get(pk=award_id)


def _send_signal(signal, award: Award) -> None:
    signal.send_event(badge=badge_data(award))


def _notify_city(award: Award, kind: str) -> None:
    city_id = award.badge_class.issuer_city_id  # the id is enough: the webhooks are looked up with their city
    if city_id is None:
        return
    if getattr(award.badge_class, "issuer_has_webhooks", None) is False:
        return  # the lookup that found the class, in the awarding transaction, saw no active endpoint of the city
    try:
        from ..webhooks import api as webhooks  # pylint: disable=import-outside-toplevel
    except ImportError:  # pragma: no cover - the webhooks domain ships with the plugin
        return
    # One notice per award and kind, however often this runs: the id is derived, not random.
    event_id = uuid.uuid5(uuid.NAMESPACE_URL, f"cities-network:{award.uuid}:{kind}")
    webhooks.notify(city_id, kind, _webhook_data(award, kind), event_id=event_id, occurred_at=(
        award.revoked_at if kind == "badge.revoked" else award.issued_at))


def _give_status_position(award: Award) -> None:
    from ..openbadges import statuslists  # pylint: disable=import-outside-toplevel

    statuslists.allocate(award)


def _email_learner(award_id: int) -> None:
    if AWARD_EMAILS.is_enabled():
        from .tasks import send_award_email  # pylint: disable=import-outside-toplevel

        enqueue(send_award_email, award_id)


def announce_award(award_id: int, award: Award | None = None) -> None:
    """
    What follows an award, once it is committed; each part isolated from the others. ``award`` is the object the
    awarding transaction wrote (with its learner and class), used as it is; without it the award is read.
    """
    if award is None:
        try:
            award = _load(award_id)
        except Exception:  # pylint: disable=broad-except
            log.exception("cities_network: the award %s could not be read for its notices", award_id)
            return
    _safely("the credential status position", _give_status_position, award)
    _safely("BADGE_AWARDED", _send_signal, BADGE_AWARDED, award)
    _safely("the award email", _email_learner, award_id)
    _safely("the award webhooks", _notify_city, award, "badge.awarded")


def announce_revocation(award_id: int) -> None:
    """What follows a revocation, once it is committed."""
    try:
        award = _load(award_id)
    except Exception:  # pylint: disable=broad-except
        log.exception("cities_network: the award %s could not be read for its notices", award_id)
        return
    _safely("BADGE_REVOKED", _send_signal, BADGE_REVOKED, award)
    _safely("the revocation webhooks", _notify_city, award, "badge.revoked")


def awarded(award: Award) -> None:
    """
    Called inside the awarding transaction; everything happens after it commits, from the award as written (the
    row was just inserted with these values: reading it back would give the same).
    """
    award_id = award.pk
    transaction.on_commit(lambda: announce_award(award_id, award))


def revoked(award: Award, by=None) -> None:  # pylint: disable=unused-argument
    """Called inside the revoking transaction."""
    award_id = award.pk
    transaction.on_commit(lambda: announce_revocation(award_id))
