"""
How an award is shown to people and linked to machines: its status in words, its images and documents, the
share and LinkedIn links. Pages, the API and emails use the same facts.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils import timezone

from ..openbadges.issuers import absolute
from . import engine
from .models import Award, BadgeClass

VALID, EXPIRED, REVOKED = "valid", "expired", "revoked"


def status_of(award: Award, now: datetime.datetime | None = None) -> str:
    now = now or timezone.now()
    if award.revoked:
        return REVOKED
    if award.expires_at is not None and award.expires_at <= now:
        return EXPIRED
    return VALID


def class_image_path(badge_class: BadgeClass) -> str | None:
    return f"/cities-network/ob/v2/badges/{badge_class.uuid}/image" if badge_class.image_type else None


def issuer_name(badge_class: BadgeClass) -> str:
    from ..openbadges.issuers import issuer_of  # pylint: disable=import-outside-toplevel

    return issuer_of(badge_class).name


@dataclass
class AwardView:
    """An award with everything a page or an API answer shows."""

    award: Award
    status: str
    issuer: str
    image_path: str | None
    public_path: str
    assertion_path: str
    baked_path: str | None
    credential_path: str
    credential_image_path: str
    linkedin: str = ""

    def absolute(self, path: str | None, request=None) -> str | None:
        return absolute(path, request) if path else None

    def linkedin_url(self, request=None) -> str:
        """LinkedIn's "add to profile" link for a certification, filled with the badge."""
        award = self.award
        params = {
            "startTask": "CERTIFICATION_NAME", "name": award.badge_class.name, "organizationName": self.issuer,
            "issueYear": award.issued_at.year, "issueMonth": award.issued_at.month,
            "certUrl": absolute(self.public_path, request), "certId": str(award.uuid),
        }
        if award.expires_at:
            params.update(expirationYear=award.expires_at.year, expirationMonth=award.expires_at.month)
        return "https://www.linkedin.com/profile/add?" + urlencode(params)


def view(award: Award, issuer: str | None = None, now=None) -> AwardView:
    badge_class = award.badge_class
    baked = {"image/png": "image.png", "image/svg+xml": "image.svg"}.get(badge_class.image_type)
    return AwardView(
        award=award, status=status_of(award, now), issuer=issuer or issuer_name(badge_class),
        image_path=class_image_path(badge_class), public_path=f"/cities-network/badges/{award.uuid}/",
        assertion_path=f"/cities-network/ob/v2/assertions/{award.uuid}",
        baked_path=f"/cities-network/ob/v2/assertions/{award.uuid}/{baked}" if baked else None,
        credential_path=f"/cities-network/ob/v3/credentials/{award.uuid}",
        credential_image_path=f"/cities-network/ob/v3/credentials/{award.uuid}/image.png",
    )


def awards_of(user) -> list[AwardView]:
    """The learner's awards, newest first, with their issuers looked up once per class."""
    awards = list(Award.objects.filter(user=user).select_related("badge_class__issuer_city").order_by("-issued_at"))
    issuers: dict[int, str] = {}
    now = timezone.now()
    views = []
    for award in awards:
        if award.badge_class_id not in issuers:
            issuers[award.badge_class_id] = issuer_name(award.badge_class)
        views.append(view(award, issuers[award.badge_class_id], now))
    return views


def holds_valid(user, badge_class: BadgeClass) -> bool:
    return engine.valid_awards().filter(user=user, badge_class=badge_class).exists()
