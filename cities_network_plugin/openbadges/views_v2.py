"""
Open Badges 2.0 hosted verification endpoints: public, read-only (they write nothing), and answered to any origin.
Only issuers that issue have documents: any other name answers as an unknown one (``issuers.public_profile``).

Verifiers and backpacks fetch these URLs without credentials, often from a browser on another site, so every answer
allows any origin and may be cached only briefly: a revocation must show within minutes. Images are served from the
LMS's own domain, so an SVG goes out with a Content-Security-Policy that lets nothing in it run or load.
"""
from __future__ import annotations

import json

from django.http import HttpResponse
from django.views.decorators.http import require_safe

from ..badges.models import BadgeClass, BadgeStatus
from ..tenancy import permissions
from . import v2
from .baking_v2 import BakingError, bake_png, bake_svg, placeholder_png
from .issuers import public_profile

LD_JSON = "application/ld+json"
PUBLIC_CACHE = "public, max-age=300"
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _headers(response: HttpResponse, cache: str = PUBLIC_CACHE) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache
    return response


def _document(document: dict, status: int = 200) -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    return _headers(HttpResponse(body, content_type=LD_JSON, status=status))


def _not_found(message: str, **extra) -> HttpResponse:
    """A JSON 404 (not the site's HTML page): whoever asked is a program, and it should know why."""
    body = json.dumps({"error": message, **extra}, ensure_ascii=False).encode("utf-8")
    return _headers(HttpResponse(body, content_type="application/json", status=404), cache="no-store")


def _image(data: bytes, content_type: str, cache: str = PUBLIC_CACHE, filename: str = "") -> HttpResponse:
    response = _headers(HttpResponse(data, content_type=content_type), cache=cache)
    if content_type == v2.SVG:
        response["Content-Security-Policy"] = SVG_POLICY
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
def issuer(request, slug: str):
    profile = public_profile(slug)
    if profile is None:
        return _not_found("There is no issuer with this name.")
    return _document(v2.issuer_document(profile, request))


@require_safe
def issuer_image(request, slug: str):
    profile = public_profile(slug)
    if profile is None or not profile.image or profile.image_type not in (v2.PNG, v2.SVG):
        return _not_found("This issuer has no image.")
    return _image(bytes(profile.image), profile.image_type)


@require_safe
def revocations(request, slug: str):
    profile = public_profile(slug)
    if profile is None:
        return _not_found("There is no issuer with this name.")
    return _document(v2.revocation_list_document(profile, request))


@require_safe
def badge_class(request, uuid):
    found = v2.public_badge_class(uuid)
    if found is None:
        return _not_found("There is no published badge with this id.")
    return _document(v2.badge_class_document(found, request))


@require_safe
def badge_class_image(request, uuid):
    """
    The class image. A draft's image is shown only to the city's team (the Studio console previews it through
    this URL), and then never cached publicly.
    """
    found = BadgeClass.objects.filter(uuid=uuid).first()
    cache = PUBLIC_CACHE
    if found is not None and found.status == BadgeStatus.DRAFT:
        if not permissions.can(request.user, permissions.VIEW, found.issuer_city_id):
            found = None
        cache = "private, no-store"
    if found is None:
        return _not_found("There is no published badge with this id.")
    if not found.image:
        return _image(placeholder_png(), v2.PNG, cache)
    return _image(bytes(found.image), found.image_type, cache)


@require_safe
def assertion(request, uuid):
    award = v2.public_award(uuid)
    if award is None:
        return _not_found("There is no assertion with this id.")
    if award.revoked:
        return _document(v2.revoked_document(award, request), status=410)
    return _document(v2.assertion_document(award, request))


def _baked(request, uuid, extension: str):
    """
    The award's image with its assertion URL baked in, in the class image's own format only: a PNG is never
    rasterised from an SVG here, the other URL is named instead. A revoked award's image answers as its assertion
    does (410), so that nobody keeps showing it off.
    """
    award = v2.public_award(uuid)
    if award is None:
        return _not_found("There is no assertion with this id.")
    if award.revoked:
        return _document(v2.revoked_document(award, request), status=410)
    badge = award.badge_class
    if v2.baked_extension(badge) != extension:
        other = v2.baked_image_url(award, request)
        response = _not_found(f"This badge's image is {'an SVG' if extension == 'png' else 'a PNG'}; its baked "
                              f"image is at {other}", baked_image=other)
        response["Link"] = f'<{other}>; rel="alternate"; type="{v2.SVG if extension == "png" else v2.PNG}"'
        return response
    url = v2.assertion_url(award, request)
    try:
        data = bake_svg(bytes(badge.image), url) if extension == "svg" else bake_png(
            bytes(badge.image) if badge.image else placeholder_png(), url)
    except BakingError:
        return _not_found("This badge's image cannot be baked; the issuer should upload it again.")
    return _image(data, v2.SVG if extension == "svg" else v2.PNG, filename=f"badge-{award.uuid}.{extension}")


@require_safe
def assertion_png(request, uuid):
    return _baked(request, uuid, "png")


@require_safe
def assertion_svg(request, uuid):
    return _baked(request, uuid, "svg")
