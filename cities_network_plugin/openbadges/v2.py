"""
Open Badges 2.0 documents for hosted verification: the issuer profile, badge class, assertion and revocation list.

Hosted verification means a verifier trusts whatever our LMS answers at an assertion's ``id``, so every id is an
absolute URL on the LMS (``issuers.base_url``) and the paths are the public contract of DESIGN §2: they are
written out here rather than reversed, so that building a document (in a task, an email, a webhook) needs no
request and no URL configuration. Public documents carry no personal data: the recipient is a salted hash and
evidence is described from what earned the badge, never from the learner's account.
"""
from __future__ import annotations

import datetime
import hashlib
import re
import uuid as uuid_lib

from ..badges.models import Award, BadgeClass, BadgeStatus
from ..opportunities.models import Opportunity, Playlist, PublicationStatus
from .issuers import NETWORK_SLUG, absolute, issuer_of
from .models import IssuerProfile

CONTEXT = "https://w3id.org/openbadges/v2"
PREFIX = "/cities-network/ob/v2"
PNG, SVG = "image/png", "image/svg+xml"
ALIGNMENT_FIELDS = ("targetName", "targetUrl", "targetDescription", "targetFramework", "targetCode")


# --- Where each document lives -------------------------------------------------------------------------------------

def issuer_url(profile: IssuerProfile, request=None) -> str:
    return absolute(f"{PREFIX}/issuers/{profile.slug}", request)


def issuer_image_url(profile: IssuerProfile, request=None) -> str:
    return absolute(f"{PREFIX}/issuers/{profile.slug}/image", request)


def revocation_list_url(profile: IssuerProfile, request=None) -> str:
    return absolute(f"{PREFIX}/issuers/{profile.slug}/revocations", request)


def badge_class_url(badge_class: BadgeClass, request=None) -> str:
    return absolute(f"{PREFIX}/badges/{badge_class.uuid}", request)


def badge_image_url(badge_class: BadgeClass, request=None) -> str:
    """The class's own image (a placeholder while it has none, so that the badge class stays valid)."""
    return absolute(f"{PREFIX}/badges/{badge_class.uuid}/image", request)


def assertion_url(award: Award, request=None) -> str:
    """The assertion's id: the URL a verifier fetches, and the text baked into the award's images."""
    return absolute(f"{PREFIX}/assertions/{award.uuid}", request)


def baked_extension(badge_class: BadgeClass) -> str:
    """An SVG class image is baked into an SVG; a PNG one (or the PNG placeholder) into a PNG."""
    return "svg" if badge_class.image_type == SVG else "png"


def baked_image_url(award: Award, request=None) -> str:
    """The award's baked image, in the format of its class image."""
    return absolute(f"{PREFIX}/assertions/{award.uuid}/image.{baked_extension(award.badge_class)}", request)


# --- Finding what is public ----------------------------------------------------------------------------------------

def _as_uuid(value) -> uuid_lib.UUID | None:
    try:
        return value if isinstance(value, uuid_lib.UUID) else uuid_lib.UUID(str(value))
    except ValueError:
        return None


def public_badge_class(value) -> BadgeClass | None:
    """A class by uuid unless it is a draft: drafts are work in progress. Archived classes stay public."""
    key = _as_uuid(value)
    if key is None:
        return None
    return BadgeClass.objects.select_related("issuer_city").exclude(status=BadgeStatus.DRAFT).filter(uuid=key).first()


def public_award(value) -> Award | None:
    """An award by uuid (revoked ones too: they answer 410), unless its class went back to draft."""
    key = _as_uuid(value)
    if key is None:
        return None
    return (Award.objects.select_related("badge_class", "badge_class__issuer_city", "user")
            .exclude(badge_class__status=BadgeStatus.DRAFT).filter(uuid=key).first())


# --- Documents -----------------------------------------------------------------------------------------------------

def _timestamp(value: datetime.datetime) -> str:
    """ISO 8601 in UTC with an explicit zone, which verifiers require."""
    return value.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def identity_hash(email: str, salt: str) -> str:
    """The recipient's identity as OB 2.0 hashes it: ``sha256$`` + hex SHA-256 of the address and the salt."""
    return "sha256$" + hashlib.sha256(f"{email}{salt}".encode()).hexdigest()


def issuer_document(profile: IssuerProfile, request=None) -> dict:
    document = {
        "@context": CONTEXT, "type": "Issuer", "id": issuer_url(profile, request), "name": profile.name,
        "url": profile.url, "email": profile.email, "revocationList": revocation_list_url(profile, request),
    }
    if profile.description:
        document["description"] = profile.description
    if profile.image and profile.image_type in (PNG, SVG):
        document["image"] = issuer_image_url(profile, request)
    return document


def _alignments(badge_class: BadgeClass) -> list[dict]:
    """Only well-formed alignments (a name and an http(s) URL, as the API checks): one bad entry must not make the
    whole class invalid for verifiers."""
    result = []
    for entry in badge_class.alignments if isinstance(badge_class.alignments, list) else []:
        if not isinstance(entry, dict) or not entry.get("targetName"):
            continue
        if not str(entry.get("targetUrl", "")).startswith(("http://", "https://")):
            continue
        result.append({key: str(entry[key]) for key in ALIGNMENT_FIELDS if entry.get(key)})
    return result


def badge_class_document(badge_class: BadgeClass, request=None) -> dict:
    tags = badge_class.tags if isinstance(badge_class.tags, list) else []
    return {
        "@context": CONTEXT, "type": "BadgeClass", "id": badge_class_url(badge_class, request),
        "name": badge_class.name, "description": badge_class.description,
        "image": badge_image_url(badge_class, request),
        "criteria": {"narrative": badge_class.criteria_narrative},
        "issuer": issuer_url(issuer_of(badge_class), request),
        "alignment": _alignments(badge_class),
        "tags": [str(tag) for tag in tags if str(tag).strip()],
    }


def assertion_document(award: Award, request=None) -> dict:
    """The assertion of a valid or expired award (a revoked one answers ``revoked_document``)."""
    document = {
        "@context": CONTEXT, "type": "Assertion", "id": assertion_url(award, request),
        "recipient": {"type": "email", "hashed": True, "salt": award.salt,
                      "identity": identity_hash(award.recipient_email, award.salt)},
        "badge": badge_class_url(award.badge_class, request),
        "issuedOn": _timestamp(award.issued_at),
        "verification": {"type": "hosted"},
        "image": baked_image_url(award, request),
    }
    if award.expires_at:
        document["expires"] = _timestamp(award.expires_at)
    evidence = evidence_for(award, request)
    if evidence:
        document["evidence"] = evidence
    manual = isinstance(award.evidence, dict) and award.evidence.get("manual")
    document["narrative"] = ("Awarded by the issuer's team; the evidence says what for." if manual else
                             "Awarded when the learner met every requirement of the badge, as the evidence shows.")
    return document


def revoked_document(award: Award, request=None) -> dict:
    """What a revoked assertion's URL answers, with HTTP 410, as OB 2.0 hosted verification asks."""
    return {"@context": CONTEXT, "id": assertion_url(award, request), "revoked": True,
            "revocationReason": award.revocation_reason or "Revoked by the issuer."}


def _awards_of(profile: IssuerProfile):
    """The awards a profile issued: ``issuers.issuer_of`` maps a class without a city to the network's profile."""
    if profile.city_id:
        return Award.objects.filter(badge_class__issuer_city_id=profile.city_id)
    if profile.slug == NETWORK_SLUG:
        return Award.objects.filter(badge_class__issuer_city__isnull=True)
    return Award.objects.none()


def revocation_list_document(profile: IssuerProfile, request=None) -> dict:
    revoked = _awards_of(profile).filter(revoked=True).order_by("revoked_at", "pk").values_list(
        "uuid", "revocation_reason")
    return {
        "@context": CONTEXT, "type": "RevocationList", "id": revocation_list_url(profile, request),
        "issuer": issuer_url(profile, request),
        "revokedAssertions": [
            {"id": absolute(f"{PREFIX}/assertions/{key}", request),
             "revocationReason": reason or "Revoked by the issuer."}
            for key, reason in revoked
        ],
    }


# --- Evidence ------------------------------------------------------------------------------------------------------

def _item(narrative: str, path_or_url: str = "", request=None) -> dict:
    if not path_or_url:
        return {"narrative": narrative}
    return {"id": path_or_url if "://" in path_or_url else absolute(path_or_url, request), "narrative": narrative}


def _published(model, value=None, **lookup):
    """A published opportunity or playlist: only those have public pages worth linking as evidence."""
    if value is not None:
        key = _as_uuid(value)
        if key is None:
            return None
        lookup["uuid"] = key
    return model.objects.filter(status=PublicationStatus.PUBLISHED, **lookup).first()


def _requirement_evidence(award: Award, kind: str, target: str, request) -> dict | None:
    """One requirement the learner met, as evidence: what it was, and a public page of it where there is one."""
    if kind in ("course_passed", "certificate_earned"):
        found = _published(Opportunity, course_key=target)
        verb = "Passed the course" if kind == "course_passed" else "Earned a certificate in the course"
        return _item(f"{verb} {found.title if found else target}.", f"/cities-network/o/{found.uuid}/" if found else "",
                     request)
    if kind == "opportunity_attended":
        found = _published(Opportunity, target)
        return _item(f"Attended or completed {found.title if found else 'a learning opportunity'}.",
                     f"/cities-network/o/{found.uuid}/" if found else "", request)
    if kind == "playlist_completed":
        found = _published(Playlist, target)
        return _item(f"Completed the playlist {found.title}." if found else "Completed a playlist.",
                     f"/cities-network/p/{found.uuid}/" if found else "", request)
    if kind == "badge_earned":
        key = _as_uuid(target)
        held = key and Award.objects.select_related("badge_class").filter(
            user_id=award.user_id, badge_class__uuid=key, revoked=False).order_by("-attempt").first()
        if not held:
            return _item("Holds another badge.")
        return _item(f"Holds the badge {held.badge_class.name}.", assertion_url(held, request))
    return None


def _redact(text: str, award: Award) -> str:
    """A narrative written by a city team may name the learner; their address, username and name are removed."""
    user = award.user
    for value in (award.recipient_email, getattr(user, "email", ""), award.recipient_name,
                  getattr(user, "username", "")):
        if value and len(value) >= 3:
            text = re.sub(re.escape(value), "the learner", text, flags=re.IGNORECASE)
    return text


def evidence_for(award: Award, request=None) -> list[dict]:
    """
    Evidence from what earned the award: the requirements that held, or the team's words for a manual award.
    Grades, event ids and accounts stay out: they say more about the learner than a badge should.
    """
    facts = award.evidence if isinstance(award.evidence, dict) else {}
    items = []
    if facts.get("manual") and str(facts.get("narrative", "")).strip():
        items.append(_item(_redact(str(facts["narrative"]).strip(), award)))
    requirements = facts.get("requirements") or []
    if not requirements and facts.get("course_key"):
        kind = "certificate_earned" if facts.get("certificate_mode") else "course_passed"
        requirements = [{"kind": kind, "target": facts["course_key"]}]
    for requirement in requirements if isinstance(requirements, list) else []:
        if isinstance(requirement, dict):
            item = _requirement_evidence(award, str(requirement.get("kind", "")), str(requirement.get("target", "")),
                                         request)
            if item is not None and item not in items:
                items.append(item)
    return items
