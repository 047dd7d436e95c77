"""OpenAPI helpers that do not depend on the host platform's ``DEFAULT_SCHEMA_CLASS``."""
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema


def document(**kwargs):
    """
    ``extend_schema`` for a view method.

    drf-spectacular builds a method's schema on the host's ``DEFAULT_SCHEMA_CLASS`` unless the method names
    its own; naming ours keeps the schema right whatever the platform configures.
    """
    def decorator(func):
        func.schema = AutoSchema
        return extend_schema(**kwargs)(func)
    return decorator


try:  # pragma: no cover - depends on what the host installed
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class JwtAuthenticationScheme(OpenApiAuthenticationExtension):
        """Describes the platform's JWT (``Authorization: JWT <token>``) in the OpenAPI schema."""

        target_class = "edx_rest_framework_extensions.auth.jwt.authentication.JwtAuthentication"
        name = "jwtAuth"

        def get_security_definition(self, auto_schema):
            return {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "The platform's JWT, sent as `JWT <token>`.",
            }
except ImportError:  # pragma: no cover
    pass
