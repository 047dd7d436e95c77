"""
Authentication for API v1: the browser session (with CSRF checks) and, where edx-drf-extensions is installed
(every Open edX install), the platform's JWTs, so mobile apps and other services can call the API.
"""
from rest_framework.authentication import SessionAuthentication

try:  # pragma: no cover - depends on what the host installed
    from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
except ImportError:  # pragma: no cover
    JwtAuthentication = None

AUTHENTICATION_CLASSES = tuple(
    cls for cls in (JwtAuthentication, SessionAuthentication) if cls is not None
)
