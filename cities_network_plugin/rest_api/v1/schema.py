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
