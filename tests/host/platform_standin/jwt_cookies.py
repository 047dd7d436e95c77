"""
The platform's JWT cookies, as the LMS sets them at ``/login_refresh``: what the micro-frontends' authenticated
client (``@edx/frontend-platform``'s AxiosJwtAuthService) posts to when its JWT cookie is missing or expired,
before it calls any API with the ``USE-JWT-COOKIE`` header.

Follows openedx-platform's openedx/core/djangoapps/user_authn/views/login.py (``login_refresh``: CSRF-exempt, POST
only, 401 for the signed-out) and user_authn/cookies.py (``get_response_with_refreshed_jwt_cookies``,
``_set_jwt_cookies``): the JWT is split in two cookies, ``header.payload`` readable by JavaScript and the signature
HttpOnly, both expiring after ``JWT_IN_COOKIE_EXPIRATION``; edx-drf-extensions' ``JwtAuthCookieMiddleware`` joins
them again for ``JwtAuthentication``. The claims are those of oauth_dispatch/jwt.py for the login client's scopes
(``user_id``, ``email``, ``profile``), signed with the host's asymmetric key as the platform signs them
(``create_jwt_from_token(..., use_asymmetric_key=True)``: ``JWT_PRIVATE_SIGNING_JWK``, ``JWT_SIGNING_ALGORITHM``).
"""
from __future__ import annotations

import datetime
import json
import time

import jwt
from django.conf import settings
from django.http import JsonResponse
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from edx_rest_framework_extensions.auth.jwt import cookies as jwt_cookies
from jwt.algorithms import RSAAlgorithm

DEFAULT_EXPIRATION = 60 * 60  # the platform's JWT_AUTH['JWT_IN_COOKIE_EXPIRATION'] default (lms/envs/common.py)


def create_jwt(user, expires_in: int) -> str:
    """A JWT for ``user`` with the claims the platform's login client gets."""
    now = datetime.datetime.now(tz=datetime.UTC)
    auth = settings.JWT_AUTH
    private_key = auth["JWT_PRIVATE_SIGNING_JWK"]
    return jwt.encode({
        "iss": auth["JWT_ISSUER"], "aud": auth["JWT_AUDIENCE"], "version": "1.2.0", "grant_type": "password",
        "iat": now, "exp": now + datetime.timedelta(seconds=expires_in),
        "preferred_username": user.username, "sub": f"anonymous-{user.pk}", "user_id": user.pk,
        "email": user.email, "email_verified": user.is_active, "name": user.get_full_name(),
        "administrator": user.is_staff, "superuser": user.is_superuser,
        "scopes": ["user_id", "email", "profile"], "filters": [], "is_restricted": False,
    }, RSAAlgorithm.from_jwk(private_key), algorithm=auth["JWT_SIGNING_ALGORITHM"],
        headers={"kid": json.loads(private_key)["kid"]})


def set_jwt_cookies(response, request, user) -> None:
    """The two JWT cookies on ``response`` (``_create_and_set_jwt_cookies``)."""
    expires_in = settings.JWT_AUTH.get("JWT_IN_COOKIE_EXPIRATION", DEFAULT_EXPIRATION)
    header_and_payload, _, signature = create_jwt(user, expires_in).rpartition(".")
    common = {"max_age": expires_in, "expires": http_date(time.time() + expires_in), "path": "/",
              "domain": getattr(settings, "SHARED_COOKIE_DOMAIN", None) or None, "secure": request.is_secure()}
    response.set_cookie(jwt_cookies.jwt_cookie_header_payload_name(), header_and_payload, httponly=None, **common)
    response.set_cookie(jwt_cookies.jwt_cookie_signature_name(), signature, httponly=True, **common)


@csrf_exempt
@require_http_methods(["POST"])
def login_refresh(request):
    """Fresh JWT cookies for the signed-in person; 401 for anyone else."""
    if not request.user.is_authenticated:
        return JsonResponse("Unauthorized", status=401, safe=False)
    response = JsonResponse({})
    set_jwt_cookies(response, request, request.user)
    now = time.time()
    response.content = json.dumps({"success": True, "user_id": request.user.pk, "response_epoch_seconds": now})
    return response
