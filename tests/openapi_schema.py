"""The API's OpenAPI schema as the host's view serves it, for the tests that check what it says."""
from __future__ import annotations

import functools
import json

from django.urls import resolve
from rest_framework.test import APIRequestFactory

SCHEMA_PATH = "/cities-network/api/v1/schema/"


@functools.cache
def schema() -> dict:
    """The schema's JSON (generating it reads no database, so any test may call this)."""
    view = resolve(SCHEMA_PATH).func
    response = view(APIRequestFactory().get(SCHEMA_PATH, {"format": "json"}))
    response.render()
    return json.loads(response.content)
