"""
The request parsers of API v1: Django REST framework's defaults (which the platform keeps: its ``REST_FRAMEWORK``
setting in ``openedx/envs/common.py`` names no parser classes), with JSON nesting bounded.

DRF's ``JSONParser`` turns a ``ValueError`` into a 400 but lets the ``RecursionError`` of text nested a thousand
levels deep through, and the request answered 500. Bodies deeper than ``json_depth.MAX_DEPTH`` are refused before
they are parsed, with a 400 that names the field where they are too deep.
"""
from __future__ import annotations

import codecs
import io

from django.conf import settings
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.settings import api_settings

from ... import json_depth


class BoundedJSONParser(JSONParser):
    """JSON bodies nested at most ``json_depth.MAX_DEPTH`` levels deep."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read()
        try:
            text = codecs.decode(raw, encoding)
        except (LookupError, ValueError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        try:
            json_depth.check_depth(text)
        except json_depth.TooDeepError as exc:
            raise ValidationError({exc.field or api_settings.NON_FIELD_ERRORS_KEY: [exc.message()]}) from exc
        return super().parse(io.BytesIO(raw), media_type, parser_context)


PARSER_CLASSES = (BoundedJSONParser, FormParser, MultiPartParser)
