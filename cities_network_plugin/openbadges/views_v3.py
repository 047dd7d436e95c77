"""
Open Badges 3.0 endpoints: signed credentials, their baked images, the issuers' Profiles and keys, status lists.

All are public, read-only (a GET writes nothing: no profile, key or status position is made here) and answered to
any origin, like the OB 2.0 ones. A credential is signed afresh on each
request with the issuer's current key, so after a rotation the URL hands out credentials under the new key, while
credentials already held keep verifying against the retired key, which stays published. Status lists are computed
from the awards at each request and must not be cached: a revocation shows at once. Errors say what an operator
must do (set a secret, fetch the contexts), never anything about key material.
"""
from __future__ import annotations

import json

from django.http import HttpResponse
from django.views.decorators.http import require_safe

from . import credentials, dataintegrity, keys, statuslists, v2
from .baking import BakingError, bake_png
from .baking_v2 import placeholder_png
from .issuers import issues, public_profile
from .models import KeyAlgorithm, StatusList
from .signing import JWT_MEDIA_TYPE

VC_JSON_TYPES = ("application/vc+ld+json", "application/vc", "application/ld+json", "application/json")
JWT_TYPES = (JWT_MEDIA_TYPE, "application/jwt", "application/vc+ld+json+jwt")
JWKS_TYPE = "application/jwk-set+json"
PUBLIC_CACHE = "public, max-age=300"
NO_CACHE = "no-cache"


def _headers(response: HttpResponse, cache: str = PUBLIC_CACHE) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache
    return response


def _json(document: dict, content_type: str = "application/ld+json", status: int = 200,
          cache: str = PUBLIC_CACHE) -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    return _headers(HttpResponse(body, content_type=content_type, status=status), cache)


def _error(status: int, message: str, **extra) -> HttpResponse:
    return _json({"error": message, **extra}, "application/json", status, cache="no-store")


def _json_form(request) -> str:
    """
    The JSON media type the client asked for, or "" when it wants the VC-JWT (the default, and what a client
    naming a JWT type before any JSON one gets).
    """
    for part in request.headers.get("Accept", "").split(","):
        kind = part.split(";")[0].strip().lower()
        if kind in VC_JSON_TYPES:
            return kind
        if kind in JWT_TYPES:
            return ""
    return ""


def _signed(request, make_jwt, make_json, cache: str) -> HttpResponse:
    """The VC-JWT or, when asked for, the JSON with an embedded proof; 503 with the operator's task if impossible."""
    json_type = _json_form(request)
    try:
        if json_type:
            response = _json(make_json(), json_type, cache=cache)
        else:
            response = _headers(HttpResponse(make_jwt(), content_type=JWT_MEDIA_TYPE), cache)
    except (keys.KeyConfigurationError, dataintegrity.ContextsUnavailableError) as exc:
        return _error(503, str(exc))
    response["Vary"] = "Accept"
    return response


def _award_or_error(uuid):
    award = v2.public_award(uuid)
    if award is None:
        return None, _error(404, "There is no credential with this id.")
    if award.revoked:
        return None, _error(410, "This credential was revoked by its issuer.", revoked=True,
                            id=credentials.credential_url(award))
    if statuslists.entry_of(award) is None:  # given after the award commits, or by the sweeper: not by a GET
        if not keys.storage_mode():
            return None, _error(503, keys.NO_STORAGE_MESSAGE)
        response = _error(503, "This credential is being issued; try again in a few minutes.")
        response["Retry-After"] = "60"
        return None, response
    return award, None


@require_safe
def credential(request, uuid):
    award, error = _award_or_error(uuid)
    if error:
        return error
    return _signed(request, lambda: credentials.credential_jwt(award, request),
                   lambda: credentials.credential_with_proof(award, request), PUBLIC_CACHE)


@require_safe
def credential_image(request, uuid):
    """The class's PNG with the VC-JWT baked in; an SVG class image is not rasterised (its OB 2.0 image is SVG)."""
    award, error = _award_or_error(uuid)
    if error:
        return error
    badge = award.badge_class
    if badge.image and badge.image_type != v2.PNG:
        return _error(404, "This badge's image is not a PNG, so it has no Open Badges 3.0 baked PNG.")
    try:
        data = bake_png(bytes(badge.image) if badge.image else placeholder_png(),
                        credentials.credential_jwt(award, request))
    except keys.KeyConfigurationError as exc:
        return _error(503, str(exc))
    except BakingError:
        return _error(404, "This badge's image cannot be baked; the issuer should upload it again.")
    response = _headers(HttpResponse(data, content_type=v2.PNG))
    response["Content-Disposition"] = f'inline; filename="badge-{award.uuid}.png"'
    return response


@require_safe
def issuer(request, slug: str):
    profile = public_profile(slug)
    if profile is None:
        return _error(404, "There is no issuer with this name.")
    return _json(credentials.profile_document(profile, request))


@require_safe
def jwks(request, slug: str):
    """The issuer's public keys, retired ones included (its first key was made when it started to issue)."""
    profile = public_profile(slug)
    if profile is None:
        return _error(404, "There is no issuer with this name.")
    return _json(keys.jwks(profile), JWKS_TYPE)


@require_safe
def verification_method(request, slug: str, kid: str):
    """An Ed25519 key as a Multikey document: the ``verificationMethod`` of our Data Integrity proofs."""
    profile = public_profile(slug)
    key = profile and profile.keys.filter(kid=kid, algorithm=KeyAlgorithm.EDDSA).first()
    if not key:
        return _error(404, "This issuer has no Ed25519 key with this id.")
    return _json(dataintegrity.multikey_document(key, request))


@require_safe
def status_list(request, slug: str):
    found = StatusList.objects.select_related("issuer").filter(slug=slug).first()
    if found is None or not issues(found.issuer):
        return _error(404, "There is no status list with this name.")
    return _signed(request, lambda: credentials.status_list_jwt(found, request),
                   lambda: credentials.status_list_with_proof(found, request), NO_CACHE)
