"""
Issuer profiles and the absolute URLs of Open Badges documents.

A profile is made where its issuer starts to issue (``issuing.start_issuing``: a badge class of the city, or of the
network, becomes active; the keys command), from the city's own data (or, for the network, from settings), never
when someone reads a document: the lookups here that pages and documents use only read. Only an issuer that issues
has public documents (``public_profile``); a city that has only drafts, or a prospect that sent the join form,
answers as an unknown name does. Every id in an Open Badges document is an absolute URL on the LMS.
"""
from __future__ import annotations

from django.conf import settings

from ..badges.models import BadgeClass, BadgeStatus
from ..tenancy.models import City
from .models import IssuerProfile

NETWORK_SLUG = "network"


def base_url(request=None) -> str:
    """
    The LMS address documents are hosted at: ``CITIES_NETWORK_PUBLIC_URL``, else the platform's
    ``LMS_ROOT_URL``, else the address of the current request.
    """
    configured = settings.CITIES_NETWORK_PUBLIC_URL or getattr(settings, "LMS_ROOT_URL", "")
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return "http://localhost"


def absolute(path: str, request=None) -> str:
    """An absolute URL for a path of the plugin (``/cities-network/...``)."""
    return f"{base_url(request)}{path}"


def _network_defaults() -> dict:
    return {"name": settings.CITIES_NETWORK_NAME, "email": settings.CITIES_NETWORK_CONTACT_EMAIL,
            "url": settings.CITIES_NETWORK_ISSUER_URL or absolute("/cities-network/"),
            "description": f"The {settings.CITIES_NETWORK_NAME}."}


def _city_slug(city: City) -> str:
    return city.slug if city.slug != NETWORK_SLUG else f"city-{city.slug}"


def _city_defaults(city: City) -> dict:
    return {"slug": _city_slug(city), "name": city.name,
            "email": city.contact_email or settings.CITIES_NETWORK_CONTACT_EMAIL,
            "url": city.website or absolute(f"/cities-network/c/{city.slug}/"),
            "description": f"{city.name}, a city of the {settings.CITIES_NETWORK_NAME}."}


# --- Making profiles: only where an issuer starts to issue, never while a document is read --------------------------

def network_profile() -> IssuerProfile:
    """The network's own issuer profile, made from settings if it does not exist yet."""
    profile, _ = IssuerProfile.objects.get_or_create(slug=NETWORK_SLUG, city=None, defaults=_network_defaults())
    return profile


def city_profile(city: City) -> IssuerProfile:
    """A city's issuer profile, made from the city's data if it does not exist yet."""
    profile = IssuerProfile.objects.filter(city=city).first()
    if profile is None:
        profile, _ = IssuerProfile.objects.get_or_create(city=city, defaults=_city_defaults(city))
    return profile


def ensure_profile(slug: str) -> IssuerProfile | None:
    """The profile of the network (``network``) or of the city with this slug, made if missing (the keys command)."""
    if slug == NETWORK_SLUG:
        return network_profile()
    profile = IssuerProfile.objects.filter(slug=slug).first()
    if profile is not None:
        return profile
    city = City.objects.filter(slug=slug).first()
    return city_profile(city) if city is not None else None


# --- Reading: what documents and pages use ---------------------------------------------------------------------------

def issuer_of(badge_class) -> IssuerProfile:
    """
    The profile that issues a badge class, read only. A class whose issuer has no stored profile yet (made active
    by something that skipped the model's save) gets the profile that would be made, unsaved: its name and URLs
    are right, and it has no keys.
    """
    if badge_class.issuer_city_id:
        found = IssuerProfile.objects.filter(city_id=badge_class.issuer_city_id).first()
        return found or IssuerProfile(city=badge_class.issuer_city, **_city_defaults(badge_class.issuer_city))
    found = IssuerProfile.objects.filter(slug=NETWORK_SLUG, city__isnull=True).first()
    return found or IssuerProfile(slug=NETWORK_SLUG, **_network_defaults())


def issues(profile: IssuerProfile) -> bool:
    """
    Whether the profile's issuer issues badges: a city with an active or archived class (awards of archived classes
    still verify). The network's profile exists only once the network issues or its operator gave it a key.
    """
    if profile.city_id is None:
        return profile.slug == NETWORK_SLUG
    return BadgeClass.objects.filter(issuer_city_id=profile.city_id).exclude(status=BadgeStatus.DRAFT).exists()


def public_profile(slug: str) -> IssuerProfile | None:
    """The profile whose documents are public under this slug, or None; reads only."""
    profile = IssuerProfile.objects.filter(slug=slug).first()
    return profile if profile is not None and issues(profile) else None
