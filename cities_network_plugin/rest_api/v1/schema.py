"""
OpenAPI helpers that do not depend on the host platform's ``DEFAULT_SCHEMA_CLASS``, and the schema class of every v1
view: drf-spectacular's, saying also what drf-spectacular leaves out of what the API answers.

* **Error answers.** drf-spectacular documents the success answers only, so a client that checks the schema (or
  generated requests, ``tests/schema``) found 400, 401, 403 and 404 undocumented. Each operation lists the errors it
  may give, in one ``Error`` shape: 400 where it takes input, 401 and 403 unless it is public, 404 where a path
  parameter names something, a page may be past the last, or ``format`` may name none.
* **Fields read through an empty relation.** A read-only field whose source crosses a nullable foreign key
  (``previous_version``, ``organiser.name``) answers ``null`` when the relation is empty, which drf-spectacular does
  not see; such fields are nullable.
* **Blank strings.** A field that may be blank but has a format or a pattern (``website``, ``language``) answers
  ``""``, which its format refuses. drf-spectacular 0.30 adds the empty string as a second choice; 0.29, which Open
  edX master pins, does not, so the same is done here (a no-op on 0.30).
"""
from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.utils import extend_schema
from rest_framework.fields import empty
from rest_framework.permissions import AllowAny

ERROR_SCHEMA = {
    "type": "object",
    "description": "What is wrong: `detail` for the request as a whole, else each field that is wrong (and, in lists, "
                   "each item) with its messages.",
    "properties": {"detail": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}},
    "additionalProperties": {},
}
ERRORS = {
    "400": "The request is not valid; the messages name each field that is wrong.",
    "401": "Not signed in (or the token is not valid).",
    "403": "The caller may not do this.",
    "404": "Nothing here the caller may see: an unknown or hidden object or city, or a page past the last.",
    "429": "Too many attempts; wait a few minutes.",
}
PAGINATION = ("page", "page_size")


def error_response(code: int | str, registry) -> dict:
    """The documented answer of an error ``code``: JSON in the ``Error`` shape, registered once."""
    component = ResolvedComponent(name="Error", type=ResolvedComponent.SCHEMA, object="Error", schema=ERROR_SCHEMA)
    registry.register_on_missing(component)
    return {"description": ERRORS[str(code)], "content": {"application/json": {"schema": component.ref}}}


class AutoSchema(SpectacularAutoSchema):
    """
    drf-spectacular's schema of a view, with its error answers and the nullable fields it misses (see above). A view
    names error codes it answers beside the derived ones in ``error_codes``, e.g. ``(429,)`` when rate-limited.
    """

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        media_types = self.map_renderers("media_type") or ["application/json"]
        for code in self._error_codes(operation):
            if code not in responses:
                response = error_response(code, registry)
                schema = response["content"]["application/json"]["schema"]
                response["content"] = {media_type: {"schema": schema} for media_type in media_types}
                responses[code] = response
        return operation

    def _error_codes(self, operation: dict) -> list[str]:
        parameters = operation.get("parameters", [])
        query = {p["name"] for p in parameters if p["in"] == "query"}
        codes = []
        if self.method not in ("GET", "HEAD") or query - set(PAGINATION):
            codes.append("400")
        if not self._is_public():
            codes += ["401", "403"]
        if any(p["in"] == "path" for p in parameters) or {"page", "format"} & query:  # DRF: no such format, 404
            codes.append("404")
        codes += [str(code) for code in getattr(self.view, "error_codes", ())]
        return codes

    def _is_public(self) -> bool:
        """Whether anyone may call the operation: then it never answers 401 or 403."""
        try:
            return all(isinstance(permission, AllowAny) for permission in self.view.get_permissions())
        except AttributeError:  # a view whose permissions depend on a request the generator did not give
            return False

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        if getattr(field, "allow_blank", False) and schema.get("type") == "string" \
                and {"format", "pattern", "minLength"} & set(schema):
            outer = {"readOnly", "writeOnly", "nullable", "deprecated", "description", "title"}
            inner = {key: schema.pop(key) for key in list(schema) if key not in outer}
            schema["oneOf"] = [inner, {"type": "string", "maxLength": 0}]

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if getattr(field, "read_only", False) and not schema.get("nullable") and _read_through_empty_relation(field):
            schema = {"allOf": [schema], "nullable": True} if "$ref" in schema else {**schema, "nullable": True}
        return schema


def _read_through_empty_relation(field) -> bool:
    """Whether the field answers null when a nullable relation on its source is empty (as DRF answers it)."""
    model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
    attrs = getattr(field, "source_attrs", None)
    if model is None or not attrs:
        return False
    for position, attr in enumerate(attrs):
        try:
            model_field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return False
        if not model_field.is_relation or model_field.related_model is None:
            return False
        if model_field.null:
            last = position == len(attrs) - 1
            # The last relation empty: DRF answers null. One before it: null if the field's default or allow_null
            # says so (else DRF leaves the key out).
            return last or field.default is None or (field.default is empty and field.allow_null)
        model = model_field.related_model
    return False


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
