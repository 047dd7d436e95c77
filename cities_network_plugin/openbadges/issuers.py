"""
Issuer profiles and the absolute URLs of Open Badges documents.

Profiles are created on first use from the city's own data (or, for the network, from settings), and can be
edited afterwards in the admin. Every id in an Open Badges document is an absolute URL on the LMS.
"""
from __future__ import annotations

from django.conf import settings

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


def network_profile() -> IssuerProfile:
    """The network's own issuer profile (created from settings on first use)."""
    profile, _ = IssuerProfile.objects.get_or_create(
        slug=NETWORK_SLUG, city=None,
        defaults={"name": settings.CITIES_NETWORK_NAME, "email": settings.CITIES_NETWORK_CONTACT_EMAIL,
                  "url": settings.CITIES_NETWORK_ISSUER_URL or absolute("/cities-network/"),
                  "description": f"The {settings.CITIES_NETWORK_NAME}."},
    )
    return profile


def city_profile(city: City) -> IssuerProfile:
    """A city's issuer profile (created from the city's data on first use)."""
    profile = IssuerProfile.objects.filter(city=city).first()
    if profile is None:
        slug = city.slug if city.slug != NETWORK_SLUG else f"city-{city.slug}"
        profile, _ = IssuerProfile.objects.get_or_create(
            city=city,
            defaults={"slug": slug, "name": city.name,
                      "email": city.contact_email or settings.CITIES_NETWORK_CONTACT_EMAIL,
                      "url": city.website or absolute(f"/cities-network/c/{city.slug}/"),
                      "description": f"{city.name}, a city of the {settings.CITIES_NETWORK_NAME}."},
        )
    return profile


def issuer_of(badge_class) -> IssuerProfile:
    """The profile that issues a badge class."""
    return city_profile(badge_class.issuer_city) if badge_class.issuer_city_id else network_profile()


def profile_by_slug(slug: str) -> IssuerProfile | None:
    """An issuer profile by its URL slug (creating the network's or a city's on first use)."""
    profile = IssuerProfile.objects.filter(slug=slug).first()
    if profile is not None:
        return profile
    if slug == NETWORK_SLUG:
        return network_profile()
    city = City.objects.filter(slug=slug).first()
    return city_profile(city) if city is not None else None
